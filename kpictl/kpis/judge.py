"""A value against its KPI's target: the one place a status is decided from a number.

The site and the outputs show these statuses; they never compare a value with a target.
"""

from __future__ import annotations

from kpictl.config import KpiDef
from kpictl.kpis.results import PortfolioStatus, Verdict
from kpictl.kpis.stats import Summary


def judge(kpi: KpiDef, value: float) -> Verdict:
    """A final value: met or missed against the target, or measured when there is none."""
    if kpi.target is None:
        return "measured"
    better = value <= kpi.target if kpi.direction == "lower" else value >= kpi.target
    return "met" if better else "missed"


def judge_portfolio(kpi: KpiDef, summary: Summary) -> PortfolioStatus:
    """The portfolio's median against the target; no_data when no project has a final value."""
    if summary.median is None:
        return "no_data"
    return judge(kpi, summary.median)
