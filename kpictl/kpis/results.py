"""What the KPI computation returns: a value per project and KPI, and the portfolio view."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, get_args

from kpictl.config import KpiDef
from kpictl.config.definitions import Phase
from kpictl.kpis.stats import Curve, Summary

# A final value against the target: on its right side, on its wrong side, or measured (the KPI
# has no target).
Verdict = Literal["met", "missed", "measured"]
KpiStatus = Literal[
    Verdict,
    "running",  # the time or cost so far; its end event has not happened
    "overdue",  # running, and already past a target it can only get further from
    "not_started",  # its start event has not happened
    "not_applicable",  # a milestone it measures is skipped
    "unknown",  # it cannot be computed; the note says why
]
# The portfolio's median against the target; no_data: no project has a final value yet.
PortfolioStatus = Literal[Verdict, "no_data"]
# The median of the recent window against the target; no_recent_data: no value ended in it.
CurrentStatus = Literal[Verdict, "no_recent_data"]
# Where a project stands: in proof of concept, going to production, launched, or archived
# (its file was deleted). The catalog's `phase` says the same for live projects, in its words.
ProjectState = Literal["poc", "production", "launched", "archived"]
# The limit a stuck project is past: too long in proof of concept, or no change for too long.
StuckLimit = Literal["poc_days", "stale_days"]
KPI_STATUSES: tuple[KpiStatus, ...] = get_args(KpiStatus)
COMPLETE: tuple[Verdict, ...] = get_args(Verdict)
PROJECT_STATES: tuple[ProjectState, ...] = get_args(ProjectState)


@dataclass
class KpiValue:
    value: float | None
    status: KpiStatus
    unit: str
    target: float | None
    from_at: int | None = None
    to_at: int | None = None
    commit: str | None = None
    note: str | None = None
    n: int | None = None  # how many items a median is over
    projected: float | None = None  # total cost of ownership at the projection horizon
    projected_at: int | None = None  # payback running: when the current rates would reach it


@dataclass(frozen=True)
class MilestoneForecast:
    """When a milestone is expected done: the 50th and 85th percentiles (None: not forecast)."""

    milestone: str
    p50: int | None
    p85: int | None


@dataclass
class Forecast:
    """A running project's launch forecast (the catalog's launch role) and its next milestone.
    p50 and p85 are None when there is no number to give, and ``reason`` says why."""

    milestone: str
    p50: int | None
    p85: int | None
    next: MilestoneForecast | None
    basis: int  # completed observations of the least-observed step the forecast uses
    reason: str | None = None
    # longer on its current step than 85% of the projects that took it (None: not known)
    past_p85: bool | None = None
    # the launch will not be earlier than this (set where the portfolio has seen nothing as long)
    not_before: int | None = None
    # the chance that the project launches at all (competing risk: archived before launch)
    p_launch: float | None = None


@dataclass(frozen=True)
class LaunchCount:
    """Launches expected in a quarter (from ``begin``: the as-of, in the current quarter): the
    median count and the count reached with 85% confidence (the 15th percentile)."""

    quarter: str
    begin: int
    end: int
    median: int
    at_least_85: int


@dataclass(frozen=True)
class Stuck:
    """A limit a project is past: how many days it has been, against how many are allowed."""

    limit: StuckLimit
    days: float
    allowed: int


@dataclass(frozen=True)
class Standing:
    """Where a project stands at the as-of date, and since when."""

    state: ProjectState
    since: int | None  # when it entered that state
    days: float | None  # days in it at the as-of date
    stuck: tuple[Stuck, ...]
    next_milestone: str | None  # the first catalog milestone neither done nor skipped
    milestones_done: int
    milestones_skipped: int
    milestones_total: int


@dataclass(frozen=True)
class ProjectValue:
    """What a project gives back by the as-of date, beside what it cost (``kpis.value``).
    Amounts are in the reporting currency; None is unknown, and ``note`` says why."""

    to_date: float | None  # every benefit accrued by the as-of date
    measured: float | None  # the part of it from benefits measured now
    cost: float | None  # every cost accrued by the as-of date (the costs themselves)
    net: float | None
    roi: float | None  # net / cost: 0.25 is 25%
    paid_back_at: int | None  # when accrued value first reached accrued cost
    projected_payback_at: int | None  # not paid back: when the current rates would reach it
    note: str | None = None  # why the value is unknown
    roi_note: str | None = None  # why the return is unknown while the value is known
    payback_note: str | None = None
    left_out: tuple[str, ...] = ()  # currencies of benefits that do not convert
    measurements: tuple[tuple[str, int, str | None], ...] = ()  # (item, became measured, commit)
    # Cumulative (moment, cost, estimated value, measured value): the value-against-cost chart.
    curve: tuple[tuple[int, float, float, float], ...] = ()

    @property
    def estimated(self) -> float | None:
        if self.to_date is None or self.measured is None:
            return None
        return round(self.to_date - self.measured, 2)


@dataclass
class ProjectResult:
    id: str
    name: str
    team: str
    labels: list[str]
    path: str
    phase: Phase
    archived: bool
    start_at: int | None  # when the milestone that starts a project (roles.start) was done
    last_change_at: int
    kpis: dict[str, KpiValue]
    costs_by_category: dict[str, float]  # the costs that convert; costs_left_out: the others
    standing: Standing
    forecast: Forecast | None = None  # None when launched, archived, or forecasts are off
    # The currencies of costs accrued by the as-of date that do not convert, and why.
    costs_left_out: tuple[str, ...] = ()
    costs_note: str | None = None
    value: ProjectValue | None = None  # None: withheld from the site (publish: {value: false})

    @property
    def cost_to_date(self) -> float | None:
        """Every cost accrued by the as-of date, in the reporting currency; None (unknown, the
        note says why) when some of them do not convert: never a total that leaves one out."""
        if self.costs_left_out:
            return None
        return round(sum(self.costs_by_category.values()), 2)

    @property
    def cost_converted(self) -> float:
        """The costs accrued by the as-of date that convert: the cost to date when it is known,
        a part of it otherwise."""
        return round(sum(self.costs_by_category.values()), 2)


@dataclass(frozen=True)
class Current:
    """A KPI now: the median of the values that ended in the last full quarters, beside the
    all-time median, and how far it is on the wrong side of its target."""

    quarters: tuple[str, ...]  # the window, oldest first
    start: int  # the window's first second
    end: int  # the first second after it
    summary: Summary
    status: CurrentStatus
    change: float | None  # the window's median minus the all-time median, in the KPI's unit
    change_pct: float | None  # the same, as a percentage of the all-time median
    miss: float | None  # how far the window's median is past the target; None unless missed
    miss_pct: float | None  # the same, as a percentage of the target
    as_of_values: bool = False  # every value is as of the as-of date (total cost of ownership)


@dataclass(frozen=True)
class LeftOut:
    """The costs the portfolio's totals leave out: the projects that have costs accrued by the
    as-of date that do not convert, and their currencies."""

    projects: tuple[str, ...]
    currencies: tuple[str, ...]


@dataclass(frozen=True)
class Spend:
    """What the portfolio cost: to date, and quarter by quarter (of the costs that convert:
    ``Portfolio.costs_left_out`` says what that leaves out)."""

    to_date: float
    by_quarter: tuple[tuple[str, dict[str, float], bool], ...]  # (quarter, by category, partial)
    last_quarter: tuple[str, float] | None  # the last full quarter and what it cost


@dataclass(frozen=True)
class GroupValue:
    """A team's or label's value and cost to date (what converts) and its pooled return."""

    to_date: float
    measured: float
    cost: float | None  # None: withheld from the site
    roi: float | None


@dataclass(frozen=True)
class PortfolioValue:
    """What the portfolio gives back: to date, the measured part, quarter by quarter (as
    ``Spend``: the last quarter may be partial), and the pooled return on the cost to date."""

    to_date: float
    measured_to_date: float
    cost_to_date: float | None  # None: withheld from the site (publish: {costs: false})
    roi: float | None  # pooled: total net value over total cost; None when that cost is 0
    by_quarter: tuple[tuple[str, float, float, bool], ...]  # (quarter, value, measured, partial)
    last_quarter: tuple[str, float] | None
    paid_back: tuple[str, ...]  # the projects whose value has reached their cost
    groups: dict[str, dict[str, GroupValue]]  # team or label → group → its value
    left_out: LeftOut | None = None  # benefits that do not convert


@dataclass
class Portfolio:
    kpis: dict[str, Summary]
    statuses: dict[str, PortfolioStatus]  # KPI → its median judged against the target
    groups: dict[str, dict[str, dict[str, Summary]]]  # group kind → group → KPI → summary
    trend: dict[str, list[tuple[str, Summary]]]  # KPI → (quarter, summary) oldest first
    learning_curve: dict[str, Curve]
    launch_order: dict[str, list[tuple[str, float]]]  # KPI → (project id, value) by start
    purgatory: list[dict[str, Any]]
    stale: list[dict[str, Any]]
    phases: dict[Phase, int]
    costs_by_category: dict[str, float]  # like cost_over_time and spend: costs that convert
    cost_over_time: list[tuple[str, dict[str, float]]] = field(default_factory=list)
    current: dict[str, Current] = field(default_factory=dict)  # KPI → its recent window
    overdue: dict[str, int] = field(default_factory=dict)  # KPI → projects overdue on it
    states: dict[ProjectState, int] = field(default_factory=dict)  # archived included
    stuck: list[str] = field(default_factory=list)  # ids of projects past a stuck limit
    spend: Spend | None = None
    launches_expected: list[LaunchCount] | None = None  # None when forecasts are off
    launches_not_counted: list[str] = field(default_factory=list)  # running, without a forecast
    costs_left_out: LeftOut | None = None  # None: the cost totals leave nothing out
    value: PortfolioValue | None = None  # None: no project records a benefit


@dataclass
class Report:
    as_of: int
    head: str
    currency: str
    catalog: tuple[KpiDef, ...]
    projects: list[ProjectResult]
    portfolio: Portfolio
    warnings: list[str] = field(default_factory=list)  # what the computation left out, and why
    costs_withheld: bool = False  # publish: {costs: false}: no money at all, not even a zero
    value_withheld: bool = False  # publish: {value: false}: no value to date, not even a zero

    @property
    def units(self) -> dict[str, str]:
        """Each KPI's unit as shown: days, or the reporting currency."""
        return {k.id: k.unit_in(self.currency) for k in self.catalog}
