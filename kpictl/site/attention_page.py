"""The attention list: every project a portfolio manager must look at, once each, most urgent
first: overdue on a KPI (which KPI, due when, by how much), stuck (which limit), or late
(longer on its current step than 85% of the projects that took it).

The statuses, limits and the lateness are the KPI engine's; this page only orders and words them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from kpictl.config import KpiDef
from kpictl.dates import DAY
from kpictl.kpis import KpiValue, ProjectResult
from kpictl.site import phrases
from kpictl.site.page_context import PageContext


@dataclass(frozen=True)
class Overdue:
    """A KPI a project runs past its target on: since when it is due, and by how much."""

    kpi: KpiDef
    value: KpiValue
    due_at: int | None  # the start plus the target, for a KPI in days
    by: str  # 38 days; $12k


@dataclass
class Attention:
    result: ProjectResult
    overdue: list[Overdue] = field(default_factory=list)
    stuck: list[str] = field(default_factory=list)  # each limit it is past, in words
    late: bool = False
    urgency: float = 0.0  # days past its furthest limit or due date

    @property
    def reasons(self) -> list[str]:
        """What it is on the list for, in the order the page lists them: overdue, stuck, late."""
        found = ["overdue"] if self.overdue else []
        found += ["stuck"] if self.stuck else []
        return found + (["late"] if self.late else [])

    def short_parts(self, most: int = 2) -> list[tuple[str, str]]:
        """(status, the rest in words) for a one-line summary: the ``most`` furthest overdue
        KPIs and how many more, each limit, late."""
        parts = [("overdue", f" on {o.kpi.title} by {o.by}") for o in self.overdue[:most]]
        if len(self.overdue) > most:
            parts.append(("overdue", f" on {phrases.plural(len(self.overdue) - most, 'more KPI')}"))
        parts += [("stuck", f": {limit}") for limit in self.stuck]
        if self.late:
            parts.append(("late", ": longer on its current step than 85% of projects took"))
        return parts


def attention_items(site: PageContext, projects: Iterable[ProjectResult]) -> list[Attention]:
    """The projects of ``projects`` that need attention, most urgent first (the most days past a
    due date or limit), then by name."""
    found: list[Attention] = []
    for r in projects:
        item = Attention(r)
        for kpi in site.report.catalog:
            v = r.kpis[kpi.id]
            if v.status != "overdue" or v.value is None or kpi.target is None:
                continue
            past = v.value - kpi.target
            unit = site.units[kpi.id]
            due = None
            if unit == "days" and v.from_at is not None:
                due = v.from_at + round(kpi.target * DAY)
                item.urgency = max(item.urgency, past)
            by = f"{past:,.0f} days" if unit == "days" else phrases.money(past, unit)
            item.overdue.append(Overdue(kpi, v, due, by))
        item.overdue.sort(key=lambda o: -(o.value.value or 0) / (o.kpi.target or 1))
        item.stuck = site.limits(r)
        for limit in r.standing.stuck:
            item.urgency = max(item.urgency, limit.days - limit.allowed)
        item.late = bool(r.forecast is not None and r.forecast.past_p85)
        if item.reasons:
            found.append(item)
    found.sort(key=lambda a: (-a.urgency, a.result.name.lower(), a.result.id))
    return found


def attention_page(site: PageContext) -> str:
    items = attention_items(site, site.report.projects)
    count = {
        reason: sum(1 for a in items if reason in a.reasons)
        for reason in ("overdue", "stuck", "late")
    }
    return site.render(
        "attention.md.j2",
        "",
        items=items,
        count=count,
        teams=sorted({a.result.team for a in items}, key=site.config.team_name),
        long_day=site.times.long_day,
    )
