"""A value against its KPI's target: the one place a status is decided from a number.

The site and the outputs show these statuses; they never compare a value with a target.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

from kpictl.config import KpiDef
from kpictl.kpis.results import CurrentStatus, PortfolioStatus, ProjectResult, Verdict
from kpictl.kpis.stats import Summary


def judge(kpi: KpiDef, value: float) -> Verdict:
    """A final value: met or missed against the target, or measured when there is none."""
    if kpi.target is None:
        return "measured"
    better = value <= kpi.target if kpi.direction == "lower" else value >= kpi.target
    return "met" if better else "missed"


def judge_running(kpi: KpiDef, value: float) -> Literal["running", "overdue"]:
    """A duration still running: overdue once it is past a target it can only get further
    from (lower is better). A cost, or a KPI where higher is better, is never overdue."""
    if kpi.target is None or kpi.unit != "days" or kpi.direction != "lower":
        return "running"
    return "overdue" if value > kpi.target else "running"


def judge_portfolio(kpi: KpiDef, summary: Summary) -> PortfolioStatus:
    """The portfolio's median against the target; no_data when no project has a final value."""
    if summary.median is None:
        return "no_data"
    return judge(kpi, summary.median)


def judge_current(kpi: KpiDef, summary: Summary) -> CurrentStatus:
    """The recent window's median against the target; no_recent_data when it is empty."""
    if summary.median is None:
        return "no_recent_data"
    return judge(kpi, summary.median)


def miss(kpi: KpiDef, value: float) -> tuple[float, float | None] | None:
    """How far ``value`` is past the target, in the KPI's unit and as a percentage of the
    target (None for a target of zero); None when it meets the target or there is none."""
    if kpi.target is None or judge(kpi, value) != "missed":
        return None
    gap = abs(value - kpi.target)
    return gap, (gap / abs(kpi.target) * 100 if kpi.target else None)


FailOn = Literal["missed", "overdue"]
FAIL_ON: tuple[FailOn, ...] = ("missed", "overdue")


def failures(
    projects: Iterable[ProjectResult], fail_on: Iterable[FailOn]
) -> list[tuple[FailOn, list[str]]]:
    """The statuses asked for that some project's KPI has, in the order asked, each once,
    with those KPIs as ``project: kpi``; empty when none fails (`report --fail-on`)."""
    shown = list(projects)
    found = []
    for status in dict.fromkeys(fail_on):
        kpis = [f"{p.id}: {k}" for p in shown for k, v in p.kpis.items() if v.status == status]
        if kpis:
            found.append((status, kpis))
    return found
