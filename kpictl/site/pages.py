"""Markdown pages for MkDocs from a KPI report and the project timelines.

Every string a user typed reaches the page through one of two filters: ``md`` for Markdown text
(every markup character becomes an HTML entity, so nothing is read as a link, emphasis or tag)
and Jinja2's HTML autoescape inside HTML blocks. Links from project files keep only http, https
and mailto addresses.

The pages show what the KPI engine decided (statuses, values now, where each project stands);
they never compare a value with a target themselves.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from html import escape
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from kpictl.config import Config, KpiDef
from kpictl.config.definitions import TcoMeasure
from kpictl.dates import (
    DAY,
    day_text,
    is_partial,
    iso,
    long_day_text,
    minute_text,
    quarters,
    zone,
)
from kpictl.kpis import KpiValue, ProjectResult, Report
from kpictl.kpis.results import COMPLETE
from kpictl.kpis.timeline import Timeline
from kpictl.output.report import md_escape, number_text
from kpictl.printable import bidi_visible
from kpictl.site import charts, trends, words
from kpictl.site.links import RepoLinks
from kpictl.site.svg import Formatter
from kpictl.site.trends import QuarterPoint

SAFE_SCHEMES = ("https://", "http://", "mailto:")
BARS_LIMIT = 40  # above this, a distribution is a histogram rather than a bar per project
LATEST = 10  # milestones in the home page's latest list


@dataclass(frozen=True)
class Page:
    path: str  # relative to the docs folder, with "/" separators
    text: str


def _front_matter_title(text: Any) -> Markup:
    """A page title for YAML front matter: HTML-escaped (Material prints it raw into <title>),
    double-quoted for YAML, non-ASCII kept as it is."""
    safe = escape(" ".join(bidi_visible(str(text)).split()))
    return Markup('"' + safe.replace("\\", "\\\\").replace('"', '\\"') + '"')


def _safe_url(url: Any) -> str | None:
    return url if isinstance(url, str) and url.lower().startswith(SAFE_SCHEMES) else None


def _bidi_shown(value: Any) -> Any:
    """A value as a page shows it, with bidi characters as their escape (``\\u202e``): the
    same in a Markup value (an escape is plain text) and in text Jinja2 escapes next."""
    if isinstance(value, Markup):
        return Markup(bidi_visible(str(value)))
    if isinstance(value, str):
        return bidi_visible(value)
    return value


def _took(started: int | None, done: int | None) -> str:
    if started is None or done is None:
        return ""
    return f"{(done - started) / DAY:,.1f} days"


class SiteWriter:
    def __init__(
        self,
        report: Report,
        timelines: list[Timeline],
        config: Config,
        links: RepoLinks,
        warnings: list[str] | None = None,
    ) -> None:
        self.report = report
        self.warnings = list(warnings or [])
        self.timelines = {t.id: t for t in timelines}
        self.config = config
        self.links = links
        self.units = report.units
        self.tz = zone(config.timezone)
        self.titles = {m.id: m.title for m in config.milestones}
        self.names = {r.id: r.name for r in report.projects}
        self.env = Environment(
            loader=PackageLoader("kpictl.site", "templates"),
            autoescape=True,
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
            # Every value a page shows: a bidi override would reorder the text around it.
            finalize=_bidi_shown,
        )
        self.env.filters.update(
            md=lambda text: Markup(md_escape(str(text))),
            title=_front_matter_title,
            when=self._when,
            day=self._day,
            long_day=self._long_day,
            num=number_text,
            amount=words.amount,
            short=words.short_amount,
            money=lambda v: words.money(v, report.currency),
            whole=words.whole,
            status_word=lambda s: words.STATUS_WORDS.get(s, s.replace("_", " ")),
            mark=lambda s: words.STATUS_MARKS.get(s, "?"),
            team=config.team_name,
            plural=words.plural,
            sentence=lambda text: str(text)[:1].upper() + str(text)[1:],
        )
        self.env.globals.update(
            value_words=value_words,
            took=_took,
            cost_unknown=lambda r: words.cost_unknown(
                r.costs_left_out, r.cost_converted, report.currency
            ),
            left_out=lambda lo: words.left_out(
                [self.names.get(i, i) for i in lo.projects], lo.currencies, report.currency
            ),
        )

    # -- helpers shared by the templates ------------------------------------------------------

    def _when(self, epoch: int | None, missing: str = "") -> str:
        return missing if epoch is None else minute_text(epoch, self.tz)

    def _day(self, epoch: int | None, missing: str = "") -> str:
        return missing if epoch is None else day_text(epoch, self.tz)

    def _long_day(self, epoch: int | None, missing: str = "") -> str:
        return missing if epoch is None else long_day_text(epoch, self.tz)

    def _commit(self, sha: str | None, missing: str = "", at: int | None = None) -> Markup:
        """A commit id, linked to the repository when it has a web address; ``missing`` says
        why there is none. (``at``, when it landed, is in the table beside it.)"""
        if not sha:
            return Markup(escape(missing))
        url = self.links.commit(sha)
        short = escape(sha[:8])
        if url:
            return Markup(f'<a class="kpictl-commit" href="{escape(url)}"><code>{short}</code></a>')
        return Markup(f'<code class="kpictl-commit">{short}</code>')

    def _context(self, prefix: str) -> dict[str, Any]:
        return {
            "prefix": prefix,
            "report": self.report,
            "units": self.units,
            "commit": self._commit,
            "phase_titles": words.PHASE_TITLES,
            "state_titles": words.STATE_TITLES,
            "state_words": words.STATE_WORDS,
            "source_words": words.SOURCE_WORDS,
            "missing": words.MISSING,
            "as_of": self._when(self.report.as_of),
            "as_of_day": self._long_day(self.report.as_of),
            "as_of_time": self._when(self.report.as_of)[11:],
            "as_of_iso": iso(self.report.as_of),
            "poc_days": self.config.poc_days,
            "stale_days": self.config.stale_days,
            "zone": self.config.timezone,
            "costs_shown": self.config.publish.costs != "false",
            "owners_shown": self.config.publish.emails and self.config.publish.people != "none",
            "cost_items_withheld": self.config.publish.costs == "totals",
            "provisional": any(
                d.provisional
                for t in self.timelines.values()
                for d in (*t.milestones.values(), *t.environments.values())
            ),
            "start_title": self._start_title(),
            "names": self.names,
        }

    def _start_title(self) -> str:
        """The title of the milestone that starts a project, for column headers."""
        return self.titles.get(self.config.roles.start, self.config.roles.start)

    def _render(self, template: str, prefix: str, **values: Any) -> str:
        return self.env.get_template(template).render(**self._context(prefix), **values)

    def _fmt(self, unit: str) -> Formatter:
        """How a chart writes a value of ``unit``: 22.4 (days) or $174k."""
        if unit == "days":
            return lambda v: f"{v:,.0f}" if v == int(v) else f"{v:,.1f}"
        return lambda v: words.money(v, unit)

    def _quarters(self, first: int | None, medians: dict[str, float | None]) -> list[QuarterPoint]:
        """Every quarter from the one ``first`` falls in to the as-of date's, gaps included."""
        if first is None:
            return []
        as_of = self.report.as_of
        return [
            QuarterPoint(label, start, end, medians.get(label), is_partial(end, as_of))
            for label, start, end in quarters(first, as_of, self.tz)
        ]

    def _trend(self, kpi: KpiDef) -> list[QuarterPoint]:
        ends = [
            v.to_at
            for r in self.report.projects
            if (v := r.kpis[kpi.id]).status in COMPLETE and v.to_at is not None
        ]
        medians = {q: s.median for q, s in self.report.portfolio.trend.get(kpi.id, [])}
        return self._quarters(min(ends) if ends else None, medians)

    # -- pages --------------------------------------------------------------------------------

    def pages(self) -> Iterator[Page]:
        yield Page("index.md", self.home())
        yield Page("portfolio.md", self.portfolio())
        yield Page("projects/index.md", self.project_index())
        yield Page("kpis/index.md", self.kpi_index())
        if self.warnings:
            yield Page("warnings.md", self._render("warnings.md.j2", "", warnings=self.warnings))
        for kpi in self.report.catalog:
            yield Page(f"kpis/{kpi.id}.md", self.kpi_page(kpi))
        for result in self.report.projects:
            yield Page(f"projects/{result.id}.md", self.project_page(result))

    def _tile(self, kpi: KpiDef, ids: charts.Ids) -> dict[str, Any]:
        p = self.report.portfolio
        trend = self._trend(kpi)
        known = [q for q in trend if q.median is not None]
        return {
            "kpi": kpi,
            "unit": self.units[kpi.id],
            "summary": p.kpis[kpi.id],
            "status": p.statuses[kpi.id],
            "current": p.current[kpi.id],
            "overdue": p.overdue.get(kpi.id, 0),
            "spark": Markup(
                charts.sparkline(
                    ids, [q.median for q in trend], f"{kpi.title}: median by quarter", kpi.target
                )
            ),
            "first": known[0] if len(known) > 1 else None,
            "last": known[-1] if len(known) > 1 else None,
        }

    def _curve_sentence(self) -> dict[str, Any] | None:
        """Each doubling of launched projects cuts the time to launch by 17%, in parts."""
        p = self.report.portfolio
        parts, launches, reliable = [], 0, True
        for kpi in self.report.catalog:
            fit = p.learning_curve.get(kpi.id)
            if fit is None:
                continue
            launches = max(launches, fit.n)
            if fit.rate_per_doubling is None:
                continue
            change = (1 - fit.rate_per_doubling) * 100
            verb = "cuts" if change >= 0 else "raises"
            title = kpi.title[:1].lower() + kpi.title[1:]
            parts.append(f"{verb} the {title} by {abs(change):.0f}%")
            reliable = reliable and fit.note.startswith("each doubling")
        if not parts and not launches:
            return None
        return {"parts": parts, "launches": launches, "reliable": reliable}

    def home(self) -> str:
        p = self.report.portfolio
        ids = charts.Ids("h")
        tiles: dict[str, list[dict[str, Any]]] = {phase: [] for phase in words.PHASE_TITLES}
        for kpi in self.report.catalog:
            tiles.setdefault(kpi.phase, []).append(self._tile(kpi, ids))
        missed = [
            (k, p.current[k.id]) for k in self.report.catalog if p.current[k.id].status == "missed"
        ]
        latest: list[dict[str, Any]] = [
            {
                "done_at": d.done_at,
                "project": t.id,
                "milestone": self.titles.get(name, name),
                "commit": d.commit,
                "source": d.source,
                "provisional": d.provisional,
            }
            for t in self.timelines.values()
            for name, d in t.milestones.items()
            if d.done_at is not None and d.source in ("git", "declared", "added")
        ]
        latest.sort(key=lambda row: (-row["done_at"], row["project"], row["milestone"]))
        results = {r.id: r for r in self.report.projects}
        stuck = [results[i] for i in p.stuck]
        window = next(iter(p.current.values())).quarters if p.current else ()
        return self._render(
            "index.md.j2",
            "",
            p=p,
            tiles=tiles,
            missed=missed,
            window=window,
            curve=self._curve_sentence(),
            stuck=stuck,
            owners={i: str(self.timelines[i].data.get("owner", "")) for i in p.stuck},
            limits={r.id: self._limits(r) for r in stuck},
            latest=latest[:LATEST],
            warnings=self.warnings,
            expected_launches=self._expected_launches(),
        )

    def _expected_launch(self, result: ProjectResult) -> str | None:
        """The launch forecast in words: the median date, the 85% date, the next milestone and
        a flag when the project is past what 85% of projects took on its step."""
        forecast = result.forecast
        if forecast is None:
            return None
        if forecast.p50 is None:
            return f"no date yet: {forecast.reason}" if forecast.reason else "no date yet"
        late = "85%: " + self._long_day(forecast.p85, "no date")
        text = f"{self._long_day(forecast.p50)} ({late}; from {forecast.basis} projects)"
        upcoming = forecast.next
        if upcoming is not None and upcoming.p50 is not None:
            name = self.titles.get(upcoming.milestone, upcoming.milestone)
            text += f"; next: {name} around {self._long_day(upcoming.p50)}"
        if forecast.past_p85:
            text += " · late: longer on its current step than 85% of projects took"
        return text

    def _expected_launches(self) -> str | None:
        """Launches expected in the next full quarter, with the count reached with 85%
        confidence, and in the rest of this one."""
        launches = self.report.portfolio.launches_expected
        if not launches:
            return None
        parts = []
        for row, label in zip(launches[:2], ("the rest of ", "next quarter, "), strict=False):
            parts.append(
                f"{label}{row.quarter}: {row.median} expected "
                f"(at least {row.at_least_85} with 85% confidence)"
            )
        return "Launches " + "; ".join(parts) + ". Forecast from the portfolio's own pace."

    def kpi_page(self, kpi: KpiDef) -> str:
        unit = self.units[kpi.id]
        fmt = self._fmt(unit)
        rows = [(r, r.kpis[kpi.id]) for r in self.report.projects]
        valued = sorted(
            ((r, v) for r, v in rows if v.value is not None),
            key=lambda rv: (rv[1].value if rv[1].value is not None else 0.0, rv[0].id),
        )
        rest = sorted(
            ((r, v) for r, v in rows if v.value is None and v.status != "not_started"),
            key=lambda rv: rv[0].id,
        )
        waiting = sum(1 for _, v in rows if v.status == "not_started")
        ids = charts.Ids("c")
        title = f"{kpi.title}: value per project"
        shown = [(r.name, v.value, v.status) for r, v in valued if v.value is not None]
        if len(shown) <= BARS_LIMIT:
            chart = charts.bars(ids, shown, title, unit, kpi.target, fmt)
        else:
            values = [v for _, v, s in shown if s in COMPLETE]
            chart = charts.histogram(ids, values, title, unit, kpi.target, fmt)
        trend = self._trend(kpi)
        points = [
            (v.to_at, v.value, v.status, r.name)
            for r, v in rows
            if v.status in COMPLETE and v.value is not None and v.to_at is not None
        ]
        trend_chart = trends.control(
            ids, points, trend, kpi.target, f"{kpi.title} over time", unit, fmt
        )
        trend_rows = {q: s for q, s in self.report.portfolio.trend.get(kpi.id, [])}
        return self._render(
            "kpi.md.j2",
            "../",
            kpi=kpi,
            unit=unit,
            measure=self._measure(kpi),
            summary=self.report.portfolio.kpis[kpi.id],
            status=self.report.portfolio.statuses[kpi.id],
            current=self.report.portfolio.current[kpi.id],
            overdue=self.report.portfolio.overdue.get(kpi.id, 0),
            target=words.target_text(kpi, unit),
            rows=valued + rest,
            waiting=waiting,
            histogram=len(shown) > BARS_LIMIT,
            chart=Markup(chart),
            trend=trend,
            trend_rows=trend_rows,
            trend_chart=Markup(trend_chart),
        )

    @staticmethod
    def _limits(result: ProjectResult) -> list[str]:
        """The limits a stuck project is past, in words."""
        return [
            words.LIMIT_WORDS[k.limit].format(days=f"{k.days:,.0f}", allowed=k.allowed)
            for k in result.standing.stuck
        ]

    def _measure(self, kpi: KpiDef) -> str:
        return words.measure_words(kpi.measure, self.titles, self.config.environments)

    def _span(self, result: ProjectResult, t: Timeline) -> tuple[int, int]:
        """The milestone chart's span: from the start to the launch, or to the as-of date
        (for an archived project, to when its file was deleted) while it runs."""
        dated = [x for d in t.milestones.values() for x in (d.started_at, d.done_at) if x]
        start = min([*dated, *([result.start_at] if result.start_at else []), t.created_at])
        standing = result.standing
        if standing.state == "launched" and standing.since is not None:
            end = max([standing.since, *dated])
        elif standing.state == "archived" and standing.since is not None:
            end = standing.since
        else:
            end = max([self.report.as_of, *dated])
        return start, max(end, start + DAY)

    def project_page(self, result: ProjectResult) -> str:
        t = self.timelines[result.id]
        ids = charts.Ids("c")
        rows = [
            (self.titles.get(m, m), d.status, d.started_at, d.done_at)
            for m, d in t.milestones.items()
        ]
        start, end = self._span(result, t)
        chart = charts.timeline(
            ids, rows, start, end, self.report.as_of, f"Milestones of {result.name}", self.tz
        )
        links = [
            {"title": link.get("title", ""), "url": url}
            for link in t.data.get("links") or []
            if (url := _safe_url(link.get("url")))
        ]
        roles = sorted((t.data.get("roles") or {}).items())
        kpis = [(k, result.kpis[k.id]) for k in self.report.catalog]
        tco_kpi = next((k for k in self.report.catalog if isinstance(k.measure, TcoMeasure)), None)
        counts = {
            s: sum(1 for _, v in kpis if v.status == s)
            for s in ("met", "missed", "overdue", "running")
        }
        following = result.standing.next_milestone
        return self._render(
            "project.md.j2",
            "../",
            r=result,
            s=result.standing,
            t=t,
            data=t.data,
            chart=Markup(chart),
            titles=self.titles,
            roles=roles,
            links=links,
            kpis=kpis,
            counts=counts,
            tco=result.kpis[tco_kpi.id] if tco_kpi else None,
            tco_years=tco_kpi.measure.projection_years
            if tco_kpi and isinstance(tco_kpi.measure, TcoMeasure)
            else None,
            following=(self.titles.get(following, following), t.milestones[following])
            if following
            else None,
            limits=self._limits(result),
            edit=self.links.edit(t.path),
            took=_took,
            expected_launch=self._expected_launch(result),
        )

    def portfolio(self) -> str:
        p = self.report.portfolio
        ids = charts.Ids("c")
        curves = []
        for kpi_id, points in p.launch_order.items():
            kpi = next(k for k in self.report.catalog if k.id == kpi_id)
            fit = p.learning_curve[kpi_id]
            unit = self.units[kpi_id]
            labelled = [(self.names.get(i, i), v) for i, v in points]
            chart = charts.curve(
                ids,
                labelled,
                fit.t1,
                fit.b,
                kpi.target,
                f"{kpi.title} by launch order",
                unit,
                self._fmt(unit),
                self._start_title().lower(),
            )
            curves.append(
                {"kpi": kpi, "fit": fit, "points": labelled, "unit": unit, "chart": Markup(chart)}
            )
        spend = p.spend
        categories = sorted({c for _, by, _ in spend.by_quarter for c in by} if spend else set())
        money = self._fmt(self.report.currency)
        spend_rows: list[dict[str, Any]] = []
        spend_chart = cumulative_chart = ""
        if spend and spend.by_quarter:
            by_label = {q: (by, partial) for q, by, partial in spend.by_quarter}
            cumulative = dict(p.cost_over_time)
            first_label = spend.by_quarter[0][0]
            bounds = [
                (label, s, e)
                for label, s, e in quarters(
                    self._quarter_start(first_label), self.report.as_of, self.tz
                )
            ]
            spans = [
                QuarterPoint(label, s, e, None, is_partial(e, self.report.as_of))
                for label, s, e in bounds
            ]
            spend_chart = trends.spend_columns(
                ids,
                spans,
                [by_label.get(q.label, ({}, False))[0] for q in spans],
                categories,
                "Spend by quarter, by category",
                self.report.currency,
                money,
            )
            totals = [sum(cumulative.get(q.label, {}).values()) for q in spans]
            cumulative_chart = trends.cumulative(
                ids, spans, totals, "Cumulative cost of ownership", self.report.currency, money
            )
            for q, total in zip(spans, totals, strict=True):
                by, _ = by_label.get(q.label, ({}, False))
                spend_rows.append(
                    {"quarter": q, "by": by, "spent": sum(by.values()), "cumulative": total}
                )
        key_kpis = [k for k in self.report.catalog if k.headline]
        team_sizes: dict[str, int] = {}
        for r in self.report.projects:
            team_sizes[r.team] = team_sizes.get(r.team, 0) + 1
        return self._render(
            "portfolio.md.j2",
            "",
            p=p,
            curves=curves,
            spend_chart=Markup(spend_chart),
            cumulative_chart=Markup(cumulative_chart),
            spend_rows=spend_rows,
            categories=categories,
            key_kpis=key_kpis,
            teams=p.groups["team"],
            team_sizes=team_sizes,
        )

    def _quarter_start(self, label: str) -> int:
        """The first second of a quarter named 2025-Q3, in the configured time zone."""
        year, number = label.split("-Q")
        return int(datetime(int(year), (int(number) - 1) * 3 + 1, 1, tzinfo=self.tz).timestamp())

    def kpi_index(self) -> str:
        p = self.report.portfolio
        groups: dict[str, list[dict[str, Any]]] = {phase: [] for phase in words.PHASE_TITLES}
        for kpi in self.report.catalog:
            unit = self.units[kpi.id]
            groups.setdefault(kpi.phase, []).append(
                {
                    "kpi": kpi,
                    "unit": unit,
                    "summary": p.kpis[kpi.id],
                    "current": p.current[kpi.id],
                    "overdue": p.overdue.get(kpi.id, 0),
                    "target": words.target_text(kpi, unit),
                    "measure": self._measure(kpi),
                }
            )
        window = next(iter(p.current.values())).quarters if p.current else ()
        return self._render("kpis.md.j2", "../", groups=groups, window=window)

    def project_index(self) -> str:
        groups: dict[str, list[dict[str, Any]]] = {s: [] for s in words.STATE_TITLES}
        for r in sorted(self.report.projects, key=lambda r: (r.name.lower(), r.id)):
            statuses = [v.status for v in r.kpis.values()]
            groups[r.standing.state].append(
                {
                    "r": r,
                    "s": r.standing,
                    "missed": statuses.count("missed"),
                    "overdue": statuses.count("overdue"),
                    "limits": self._limits(r),
                }
            )
        return self._render("projects.md.j2", "../", groups=groups)


def value_words(v: KpiValue) -> str:
    """What stands in a value's place when it has none: not started, skipped, unknown."""
    return words.MISSING.get(v.status, v.status.replace("_", " "))
