"""What every page is made from: the published report and timelines, the settings, and the
helpers the page types share (rendering a template, a commit link, a KPI's quarters).

The pages show what the KPI engine decided (statuses, values now, where each project stands);
they never compare a value with a target themselves.
"""

from __future__ import annotations

from functools import cached_property
from html import escape
from typing import Any

from markupsafe import Markup

from kpictl.config import Config, KpiDef
from kpictl.dates import is_partial, iso, quarters, zone
from kpictl.kpis import ProjectResult, Report
from kpictl.kpis.results import COMPLETE
from kpictl.kpis.timeline import Timeline
from kpictl.site import phrases
from kpictl.site.environment import LocalTimes, page_environment
from kpictl.site.links import RepoLinks
from kpictl.site.svg import Formatter
from kpictl.site.trends import QuarterPoint


class PageContext:
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
        self.times = LocalTimes(self.tz)
        self.titles = {m.id: m.title for m in config.milestones}
        self.names = {r.id: r.name for r in report.projects}
        self.env = page_environment(report, config, self.names, self.times)

    def commit(self, sha: str | None, missing: str = "", at: int | None = None) -> Markup:
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
        return {**self._shared, "prefix": prefix}

    @cached_property
    def _shared(self) -> dict[str, Any]:
        """What every page's template gets, computed once for the whole site (a page per
        project would otherwise scan every project again)."""
        return {
            "report": self.report,
            "units": self.units,
            "commit": self.commit,
            "phase_titles": phrases.PHASE_TITLES,
            "state_titles": phrases.STATE_TITLES,
            "state_words": phrases.STATE_WORDS,
            "source_words": phrases.SOURCE_WORDS,
            "missing": phrases.MISSING,
            "as_of": self.times.when(self.report.as_of),
            "as_of_day": self.times.long_day(self.report.as_of),
            "as_of_time": self.times.when(self.report.as_of).rsplit(", ", 1)[-1],
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
            "start_title": self.start_title(),
            "names": self.names,
            # The team filter (_team_links.md.j2): a link to each team's page, by display name.
            "all_teams": sorted(
                {r.team for r in self.report.projects},
                key=lambda t: (self.config.team_name(t).lower(), t),
            ),
            "team_links_label": "Show one team",
            "current_team": "",
        }

    def start_title(self) -> str:
        """The title of the milestone that starts a project, for column headers."""
        return self.titles.get(self.config.roles.start, self.config.roles.start)

    def render(self, template: str, prefix: str, **values: Any) -> str:
        return self.env.get_template(template).render(**self._context(prefix), **values)

    def chart_format(self, unit: str) -> Formatter:
        """How a chart writes a value of ``unit``: 22.4 (days) or $174k."""
        if unit == "days":
            return lambda v: f"{v:,.0f}" if v == int(v) else f"{v:,.1f}"
        if unit == "ratio":
            return phrases.percent
        return lambda v: phrases.money(v, unit)

    def quarters(self, first: int | None, medians: dict[str, float | None]) -> list[QuarterPoint]:
        """Every quarter from the one ``first`` falls in to the as-of date's, gaps included."""
        if first is None:
            return []
        as_of = self.report.as_of
        return [
            QuarterPoint(label, start, end, medians.get(label), is_partial(end, as_of))
            for label, start, end in quarters(first, as_of, self.tz)
        ]

    def trend(self, kpi: KpiDef) -> list[QuarterPoint]:
        ends = [
            v.to_at
            for r in self.report.projects
            if (v := r.kpis[kpi.id]).status in COMPLETE and v.to_at is not None
        ]
        medians = {q: s.median for q, s in self.report.portfolio.trend.get(kpi.id, [])}
        return self.quarters(min(ends) if ends else None, medians)

    @staticmethod
    def limits(result: ProjectResult) -> list[str]:
        """The limits a stuck project is past, in words."""
        return [
            phrases.LIMIT_WORDS[k.limit].format(days=f"{k.days:,.0f}", allowed=k.allowed)
            for k in result.standing.stuck
        ]

    def measure(self, kpi: KpiDef) -> str:
        return phrases.measure_words(kpi.measure, self.titles, self.config.environments)
