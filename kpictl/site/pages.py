"""Markdown pages for MkDocs from a KPI report and the project timelines.

Every string a user typed reaches the page through one of two filters: ``md`` for Markdown text
(every markup character becomes an HTML entity, so nothing is read as a link, emphasis or tag)
and Jinja2's HTML autoescape inside HTML blocks. Links from project files keep only http, https
and mailto addresses.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from html import escape
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from kpictl.config import Config, KpiDef
from kpictl.config.catalog import TcoMeasure
from kpictl.dates import DAY, day_text, minute_text
from kpictl.kpis import ProjectResult, Report
from kpictl.kpis.stats import Summary
from kpictl.kpis.timeline import Timeline
from kpictl.output.report import STATUS_WORDS, md_escape, number_text
from kpictl.site import charts
from kpictl.site.links import RepoLinks

PHASE_TITLES = {
    "poc": "Proof of concept",
    "production": "Deploying to production",
    "scale": "Iterate and scale",
}
STATUS_ICONS = {
    "met": "✓",
    "missed": "✗",
    "running": "◔",
    "not_started": "○",
    "not_applicable": "–",
    "unknown": "?",
    "measured": "•",
    "no_data": "○",
}
SAFE_SCHEMES = ("https://", "http://", "mailto:")
BARS_LIMIT = 40  # above this, a distribution is a histogram rather than a bar per project


@dataclass(frozen=True)
class Page:
    path: str  # relative to the docs folder, with "/" separators
    text: str


def _when(epoch: int | None) -> str:
    return "—" if epoch is None else minute_text(epoch)


def _day(epoch: int | None) -> str:
    return "—" if epoch is None else day_text(epoch)


def _front_matter_title(text: Any) -> Markup:
    """A page title for YAML front matter: HTML-escaped (Material prints it raw into <title>),
    double-quoted for YAML, non-ASCII kept as it is."""
    safe = escape(" ".join(str(text).split()))
    return Markup('"' + safe.replace("\\", "\\\\").replace('"', '\\"') + '"')


def _safe_url(url: Any) -> str | None:
    return url if isinstance(url, str) and url.lower().startswith(SAFE_SCHEMES) else None


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
        self.titles = {m.id: m.title for m in config.milestones}
        self.env = Environment(
            loader=PackageLoader("kpictl.site", "templates"),
            autoescape=True,
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
        self.env.filters.update(
            md=lambda text: Markup(md_escape(str(text))),
            title=_front_matter_title,
            when=_when,
            day=_day,
            num=number_text,
            status_word=lambda s: STATUS_WORDS.get(s, s.replace("_", " ")),
            icon=lambda s: STATUS_ICONS.get(s, "?"),
        )

    # -- helpers shared by the templates ------------------------------------------------------

    def _commit(self, sha: str | None) -> Markup:
        if not sha:
            return Markup("—")
        url = self.links.commit(sha)
        code = f"<code>{escape(sha[:8])}</code>"
        return Markup(f'<a href="{escape(url)}">{code}</a>' if url else code)

    def _context(self, prefix: str) -> dict[str, Any]:
        return {
            "prefix": prefix,
            "report": self.report,
            "units": self.units,
            "commit": self._commit,
            "phase_titles": PHASE_TITLES,
            "as_of": _when(self.report.as_of),
            "provisional": any(
                d.provisional
                for t in self.timelines.values()
                for d in (*t.milestones.values(), *t.environments.values())
            ),
            "ids": charts.Ids("c"),
            "start_title": self._start_title(),
        }

    def _start_title(self) -> str:
        """The title of the milestone that starts a project, for column headers."""
        return self.titles.get(self.config.roles.start, self.config.roles.start)

    def _render(self, template: str, prefix: str, **values: Any) -> str:
        return self.env.get_template(template).render(**self._context(prefix), **values)

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

    def home(self) -> str:
        p = self.report.portfolio
        ids = charts.Ids("home")
        tiles: dict[str, list[dict[str, Any]]] = {phase: [] for phase in PHASE_TITLES}
        for kpi in self.report.catalog:
            summary = p.kpis[kpi.id]
            trend = [s.median for _, s in p.trend.get(kpi.id, []) if s.median is not None]
            tiles.setdefault(kpi.phase, []).append(
                {
                    "kpi": kpi,
                    "summary": summary,
                    "unit": self.units[kpi.id],
                    "status": p.statuses[kpi.id],
                    "spark": Markup(
                        charts.sparkline(ids, trend, f"{kpi.title}: trend by quarter", kpi.target)
                    )
                    if len(trend) > 1
                    else "",
                }
            )
        titles = self.titles
        latest: list[dict[str, Any]] = [
            {
                "done_at": d.done_at,
                "project": t.id,
                "milestone": titles.get(name, name),
                "commit": d.commit,
                "source": d.source,
            }
            for t in self.timelines.values()
            for name, d in t.milestones.items()
            if d.done_at is not None and d.source in ("git", "declared")
        ]
        latest.sort(key=lambda row: (-row["done_at"], row["project"], row["milestone"]))
        names = {r.id: r.name for r in self.report.projects}
        return self._render(
            "index.md.j2",
            "",
            tiles=tiles,
            phases=p.phases,
            purgatory=p.purgatory,
            latest=latest[:10],
            names=names,
            warnings=self.warnings,
        )

    def kpi_page(self, kpi: KpiDef) -> str:
        unit = self.units[kpi.id]
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
        ids = charts.Ids(f"k-{kpi.id}")
        title = f"{kpi.title}: value per project"
        complete = [(r.name, v.value, v.status) for r, v in valued if v.value is not None]
        if len(complete) <= BARS_LIMIT:
            chart = charts.bars(ids, complete, title, unit, kpi.target)
        else:
            chart = charts.histogram(ids, [v for _, v, _ in complete], title, unit, kpi.target)
        trend = self.report.portfolio.trend.get(kpi.id, [])
        trend_chart = charts.bars(
            ids,
            [(q, s.median or 0.0, "measured") for q, s in trend],
            f"{kpi.title}: median by quarter of the end event",
            unit,
            kpi.target,
        )
        return self._render(
            "kpi.md.j2",
            "../",
            kpi=kpi,
            unit=unit,
            summary=self.report.portfolio.kpis[kpi.id],
            rows=valued + rest,
            waiting=waiting,
            chart=Markup(chart),
            trend=trend,
            trend_chart=Markup(trend_chart),
        )

    def project_page(self, result: ProjectResult) -> str:
        t = self.timelines[result.id]
        ids = charts.Ids(f"p-{result.id}")
        titles = self.titles
        milestone_rows = [
            (titles.get(m, m), d.status, d.started_at, d.done_at)
            for m, d in t.milestones.items()
            if d.started_at is not None or d.done_at is not None  # the table lists the rest
        ]
        chart = charts.timeline(
            ids, milestone_rows, self.report.as_of, f"Milestones of {result.name}"
        )
        links = [
            {"title": link.get("title", ""), "url": url}
            for link in t.data.get("links") or []
            if (url := _safe_url(link.get("url")))
        ]
        roles = sorted((t.data.get("roles") or {}).items())
        kpis = [(k, result.kpis[k.id]) for k in self.report.catalog]
        tco = next(
            (result.kpis[k.id] for k in self.report.catalog if isinstance(k.measure, TcoMeasure)),
            None,
        )
        return self._render(
            "project.md.j2",
            "../",
            r=result,
            t=t,
            data=t.data,
            chart=Markup(chart),
            titles=titles,
            roles=roles,
            links=links,
            kpis=kpis,
            tco=tco,
            edit=self.links.edit(t.path),
            took=_took,
        )

    def portfolio(self) -> str:
        p = self.report.portfolio
        ids = charts.Ids("portfolio")
        curves = []
        for kpi_id, points in p.launch_order.items():
            kpi = next(k for k in self.report.catalog if k.id == kpi_id)
            fit = p.learning_curve[kpi_id]
            names = {r.id: r.name for r in self.report.projects}
            labelled = [(names.get(i, i), v) for i, v in points]
            curves.append(
                {
                    "kpi": kpi,
                    "fit": fit,
                    "points": labelled,
                    "unit": self.units[kpi_id],
                    "chart": Markup(
                        charts.curve(
                            ids,
                            labelled,
                            fit.t1,
                            fit.b,
                            f"{kpi.title} by launch order",
                            self.units[kpi_id],
                            self._start_title().lower(),
                        )
                    ),
                }
            )
        categories = sorted({c for _, totals in p.cost_over_time for c in totals})
        cost_chart = charts.stacked(
            ids,
            p.cost_over_time,
            categories,
            "Cost of ownership over time, by category",
            self.report.currency,
        )
        key_kpis = [k for k in self.report.catalog if k.headline]
        teams = self.report.portfolio.groups["team"]
        team_sizes: dict[str, int] = {}
        for r in self.report.projects:
            team_sizes[r.team] = team_sizes.get(r.team, 0) + 1
        return self._render(
            "portfolio.md.j2",
            "",
            p=p,
            curves=curves,
            cost_chart=Markup(cost_chart),
            categories=categories,
            key_kpis=key_kpis,
            teams=teams,
            team_sizes=team_sizes,
        )

    def kpi_index(self) -> str:
        groups: dict[str, list[tuple[KpiDef, Summary, str]]] = {p: [] for p in PHASE_TITLES}
        for kpi in self.report.catalog:
            groups.setdefault(kpi.phase, []).append(
                (kpi, self.report.portfolio.kpis[kpi.id], self.units[kpi.id])
            )
        return self._render("kpis.md.j2", "../", groups=groups)

    def project_index(self) -> str:
        rows = sorted(self.report.projects, key=lambda r: (r.name.lower(), r.id))
        return self._render("projects.md.j2", "../", rows=rows)


def _took(started: int | None, done: int | None) -> str:
    if started is None or done is None:
        return "—"
    return f"{(done - started) / DAY:.1f} d"
