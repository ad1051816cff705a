"""The KPI computation: timelines and the catalog in, per-project and portfolio results out.

Pure: no git, no subprocess, no clock (the as-of time is an argument); a static test holds the
package to that. ``timeline`` decides each milestone's date, ``measures`` each KPI value,
``portfolio`` the statistics across projects.
"""

from __future__ import annotations

from kpictl.config import Config
from kpictl.kpis.measures import project_result
from kpictl.kpis.money import Money, missing_rate_warnings
from kpictl.kpis.portfolio import cost_over_time, spend, summarise_portfolio
from kpictl.kpis.results import KpiValue, Portfolio, ProjectResult, Report
from kpictl.kpis.timeline import Timeline

__all__ = ["KpiValue", "Portfolio", "ProjectResult", "Report", "compute", "project_result"]


def compute(timelines: list[Timeline], config: Config, as_of: int, head: str) -> Report:
    projects = [project_result(t, config, as_of) for t in timelines]
    portfolio = summarise_portfolio(projects, config, as_of)
    portfolio.cost_over_time = cost_over_time(timelines, config, as_of)
    portfolio.spend = spend(portfolio.cost_over_time, config, as_of)
    warnings = missing_rate_warnings(timelines, Money(config))
    return Report(
        as_of, head, config.reporting_currency, config.kpis, projects, portfolio, warnings
    )
