"""The whole computation: every project's KPIs, then the portfolio, as of one moment."""

from __future__ import annotations

from kpictl.config import Config
from kpictl.kpis.forecast.forecaster import forecast_portfolio
from kpictl.kpis.measures import project_result
from kpictl.kpis.money import Money, benefit_rate_warnings, missing_rate_warnings
from kpictl.kpis.portfolio import cost_over_time, spend, summarise_portfolio
from kpictl.kpis.results import Report
from kpictl.kpis.timeline import Timeline
from kpictl.kpis.value import portfolio_value


def compute(timelines: list[Timeline], config: Config, as_of: int, head: str) -> Report:
    projects = [project_result(t, config, as_of) for t in timelines]
    portfolio = summarise_portfolio(projects, config, as_of)
    portfolio.cost_over_time = cost_over_time(timelines, config, as_of)
    portfolio.spend = spend(portfolio.cost_over_time, config, as_of)
    portfolio.value = portfolio_value(timelines, projects, config, as_of, portfolio.spend.to_date)
    if config.forecast.enabled:
        forecasts = forecast_portfolio(timelines, config, as_of)
        for p in projects:
            p.forecast = forecasts.projects.get(p.id)
        portfolio.launches_expected = forecasts.launches
        portfolio.launches_not_counted = forecasts.not_counted
    warnings = missing_rate_warnings(timelines, Money(config))
    warnings += benefit_rate_warnings(timelines, Money(config))
    return Report(
        as_of, head, config.reporting_currency, config.kpis, projects, portfolio, warnings
    )
