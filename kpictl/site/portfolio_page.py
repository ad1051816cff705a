"""The portfolio page: the learning curve of each KPI by launch order, spend by quarter and
category, the cumulative cost of ownership, and the KPIs by team."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from markupsafe import Markup

from kpictl.dates import is_partial, quarters
from kpictl.site import charts, trends
from kpictl.site.page_context import PageContext
from kpictl.site.trends import QuarterPoint
from kpictl.site.value_pages import portfolio_value


def portfolio_page(site: PageContext) -> str:
    p = site.report.portfolio
    ids = charts.Ids("c")
    curves = []
    for kpi_id, points in p.launch_order.items():
        kpi = next(k for k in site.report.catalog if k.id == kpi_id)
        fit = p.learning_curve[kpi_id]
        unit = site.units[kpi_id]
        labelled = [(site.names.get(i, i), v) for i, v in points]
        chart = charts.curve(
            ids,
            labelled,
            fit.t1,
            fit.b,
            kpi.target,
            f"{kpi.title} by launch order",
            unit,
            site.chart_format(unit),
            site.start_title().lower(),
        )
        curves.append(
            {"kpi": kpi, "fit": fit, "points": labelled, "unit": unit, "chart": Markup(chart)}
        )
    spend = p.spend
    categories = sorted({c for _, by, _ in spend.by_quarter for c in by} if spend else set())
    money = site.chart_format(site.report.currency)
    spend_rows: list[dict[str, Any]] = []
    spend_chart = cumulative_chart = ""
    if spend and spend.by_quarter:
        by_label = {q: (by, partial) for q, by, partial in spend.by_quarter}
        cumulative = dict(p.cost_over_time)
        first_label = spend.by_quarter[0][0]
        bounds = [
            (label, s, e)
            for label, s, e in quarters(
                _quarter_start(site, first_label), site.report.as_of, site.tz
            )
        ]
        spans = [
            QuarterPoint(label, s, e, None, is_partial(e, site.report.as_of))
            for label, s, e in bounds
        ]
        spend_chart = trends.spend_columns(
            ids,
            spans,
            [by_label.get(q.label, ({}, False))[0] for q in spans],
            categories,
            "Spend by quarter, by category",
            site.report.currency,
            money,
        )
        totals = [sum(cumulative.get(q.label, {}).values()) for q in spans]
        cumulative_chart = trends.cumulative(
            ids, spans, totals, "Cumulative cost of ownership", site.report.currency, money
        )
        for q, total in zip(spans, totals, strict=True):
            by, _ = by_label.get(q.label, ({}, False))
            spend_rows.append(
                {"quarter": q, "by": by, "spent": sum(by.values()), "cumulative": total}
            )
    key_kpis = [k for k in site.report.catalog if k.headline]
    team_sizes: dict[str, int] = {}
    for r in site.report.projects:
        team_sizes[r.team] = team_sizes.get(r.team, 0) + 1
    return site.render(
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
        value_section=portfolio_value(site),
    )


def _quarter_start(site: PageContext, label: str) -> int:
    """The first second of a quarter named 2025-Q3, in the configured time zone."""
    year, number = label.split("-Q")
    return int(datetime(int(year), (int(number) - 1) * 3 + 1, 1, tzinfo=site.tz).timestamp())
