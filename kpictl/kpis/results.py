"""What the KPI computation returns: a value per project and KPI, and the portfolio view."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, get_args

from kpictl.config import KpiDef
from kpictl.config.catalog import Phase
from kpictl.kpis.stats import Curve, Summary

# A final value against the target: on its right side, on its wrong side, or measured (the KPI
# has no target).
Verdict = Literal["met", "missed", "measured"]
KpiStatus = Literal[
    Verdict,
    "running",  # the time or cost so far; its end event has not happened
    "not_started",  # its start event has not happened
    "not_applicable",  # a milestone it measures is skipped
    "unknown",  # it cannot be computed; the note says why
]
# The portfolio's median against the target; no_data: no project has a final value yet.
PortfolioStatus = Literal[Verdict, "no_data"]
KPI_STATUSES: tuple[KpiStatus, ...] = get_args(KpiStatus)
COMPLETE: tuple[Verdict, ...] = get_args(Verdict)


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


@dataclass(frozen=True)
class LaunchCount:
    """Launches expected in a quarter (from ``begin``: the as-of, in the current quarter): the
    median count and the count reached with 85% confidence (the 15th percentile)."""

    quarter: str
    begin: int
    end: int
    median: int
    at_least_85: int


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
    costs_by_category: dict[str, float]
    forecast: Forecast | None = None  # None when launched, archived, or forecasts are off


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
    costs_by_category: dict[str, float]
    cost_over_time: list[tuple[str, dict[str, float]]] = field(default_factory=list)
    launches_expected: list[LaunchCount] | None = None  # None when forecasts are off
    launches_not_counted: list[str] = field(default_factory=list)  # running, without a forecast


@dataclass
class Report:
    as_of: int
    head: str
    currency: str
    catalog: tuple[KpiDef, ...]
    projects: list[ProjectResult]
    portfolio: Portfolio
    warnings: list[str] = field(default_factory=list)  # what the computation left out, and why

    @property
    def units(self) -> dict[str, str]:
        """Each KPI's unit as shown: days, or the reporting currency."""
        return {k.id: k.unit_in(self.currency) for k in self.catalog}
