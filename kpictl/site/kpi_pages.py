"""The KPI pages: the index of KPIs by phase, and a page per KPI with its value per project,
its distribution and its trend over time."""

from __future__ import annotations

from typing import Any

from markupsafe import Markup

from kpictl.config import KpiDef
from kpictl.kpis.results import COMPLETE
from kpictl.site import charts, phrases, trends
from kpictl.site.page_context import PageContext

BARS_LIMIT = 40  # above this, a distribution is a histogram rather than a bar per project


def kpi_page(site: PageContext, kpi: KpiDef) -> str:
    unit = site.units[kpi.id]
    fmt = site.chart_format(unit)
    rows = [(r, r.kpis[kpi.id]) for r in site.report.projects]
    valued = sorted(
        ((r, v) for r, v in rows if v.value is not None),
        key=lambda rv: (rv[1].value if rv[1].value is not None else 0.0, rv[0].id),
    )
    # Projects with no value for the same reason ("no benefits recorded") are listed under it,
    # not as a table row each with nothing in it.
    unknown: dict[str, list[Any]] = {}
    rest = []
    for r, v in sorted(rows, key=lambda rv: rv[0].id):
        if v.value is not None or v.status == "not_started":
            continue
        if (reason := phrases.no_value_reason(v)) is not None:
            unknown.setdefault(reason, []).append(r)
        else:
            rest.append((r, v))
    waiting = sum(1 for _, v in rows if v.status == "not_started")
    ids = charts.Ids("c")
    title = f"{kpi.title}: value per project"
    shown = [(r.name, v.value, v.status) for r, v in valued if v.value is not None]
    if len(shown) <= BARS_LIMIT:
        chart = charts.bars(ids, shown, title, unit, kpi.target, fmt)
    else:
        values = [v for _, v, s in shown if s in COMPLETE]
        chart = charts.histogram(ids, values, title, unit, kpi.target, fmt)
    trend = site.trend(kpi)
    points = [
        (v.to_at, v.value, v.status, r.name)
        for r, v in rows
        if v.status in COMPLETE and v.value is not None and v.to_at is not None
    ]
    trend_chart = trends.control(
        ids, points, trend, kpi.target, f"{kpi.title} over time", unit, fmt
    )
    trend_rows = {q: s for q, s in site.report.portfolio.trend.get(kpi.id, [])}
    return site.render(
        "kpi.md.j2",
        "../",
        kpi=kpi,
        unit=unit,
        measure=site.measure(kpi),
        summary=site.report.portfolio.kpis[kpi.id],
        status=site.report.portfolio.statuses[kpi.id],
        current=site.report.portfolio.current[kpi.id],
        overdue=site.report.portfolio.overdue.get(kpi.id, 0),
        target=phrases.target_text(kpi, unit),
        rows=valued + rest,
        unknown=sorted(unknown.items(), key=lambda item: (-len(item[1]), item[0])),
        waiting=waiting,
        histogram=len(shown) > BARS_LIMIT,
        chart=Markup(chart),
        trend=trend,
        trend_rows=trend_rows,
        trend_chart=Markup(trend_chart),
    )


def kpi_index(site: PageContext) -> str:
    p = site.report.portfolio
    groups: dict[str, list[dict[str, Any]]] = {phase: [] for phase in phrases.PHASE_TITLES}
    for kpi in site.report.catalog:
        unit = site.units[kpi.id]
        groups.setdefault(kpi.phase, []).append(
            {
                "kpi": kpi,
                "unit": unit,
                "summary": p.kpis[kpi.id],
                "current": p.current[kpi.id],
                "overdue": p.overdue.get(kpi.id, 0),
                "target": phrases.target_text(kpi, unit),
                "measure": site.measure(kpi),
            }
        )
    window = next(iter(p.current.values())).quarters if p.current else ()
    return site.render("kpis.md.j2", "../", groups=groups, window=window)
