"""Value and return on the site: one sentence on the home page, the value facts and the chart
of value against cost on a project page, and value by quarter and return by team on the
portfolio page. Each is a piece the existing pages place with one line; every figure comes from
the KPI engine (``ProjectValue``, ``PortfolioValue``), already cut to what `publish:` allows.
"""

from __future__ import annotations

from typing import Any

from markupsafe import Markup

from kpictl.dates import DAY
from kpictl.kpis import ProjectResult
from kpictl.kpis.timeline import Timeline
from kpictl.site import phrases
from kpictl.site.links import without_userinfo
from kpictl.site.page_context import PageContext
from kpictl.site.svg import Ids
from kpictl.site.value_chart import value_against_cost

NAMED = 3  # projects named in the home page's sentence; the rest are counted


def _shown(site: PageContext) -> tuple[bool, bool]:
    """Whether value is published, and whether returns are (they need costs too)."""
    publish = site.config.publish
    return publish.value != "false", publish.returns


def home_value(site: PageContext) -> Markup:
    """The portfolio's value in one sentence: to date beside spend, the return, how much is
    measured, and the projects that paid back."""
    value, returns = _shown(site)
    if not value:
        return Markup("")
    return Markup(
        site.render(
            "value_home.md.j2",
            "",
            v=site.report.portfolio.value,
            returns=returns,
            percent=phrases.percent,
            named=NAMED,
        )
    )


def project_value_facts(site: PageContext, result: ProjectResult) -> Markup:
    """Value, return and payback for a project's header card, beside its cost."""
    value, returns = _shown(site)
    if not value or result.value is None:
        return Markup("")
    return Markup(
        site.render(
            "value_project_facts.md.j2",
            "../",
            v=result.value,
            r=result,
            returns=returns,
            percent=phrases.percent,
            payback_days=_payback_days(result),
        )
    )


def project_value_section(site: PageContext, result: ProjectResult, t: Timeline) -> Markup:
    """The project's value section: the chart of value against cost, its numbers, and the
    benefits with when each became a measurement."""
    value, returns = _shown(site)
    if not value or result.value is None:
        return Markup("")
    v = result.value
    money = site.chart_format(site.report.currency)
    chart = ""
    if returns:
        chart = value_against_cost(
            Ids("v"),
            v.curve,
            v.paid_back_at,
            f"Value against cost of {result.name}",
            money,
            site.tz,
            lambda t: site.times.long_day(int(t)),
        )
    measured_at = {item: (at, commit) for item, at, commit in v.measurements}
    benefits = [
        {
            "b": b,
            "measured": measured_at.get(b.item),
            "source": without_userinfo(b.source)
            if b.source and b.source.lower().startswith(("https://", "http://"))
            else None,
        }
        for b in t.benefits
    ]
    return Markup(
        site.render(
            "value_project.md.j2",
            "../",
            v=v,
            r=result,
            chart=Markup(chart),
            returns=returns,
            benefits=benefits,
            items_withheld=site.config.publish.value == "totals",
            percent=phrases.percent,
        )
    )


def _payback_days(result: ProjectResult) -> float | None:
    v = result.value
    if v is None or v.paid_back_at is None or result.start_at is None:
        return None
    return max(0.0, (v.paid_back_at - result.start_at) / DAY)


def portfolio_value(site: PageContext) -> Markup:
    """Value and spend by quarter, return by team, and value per project beside cost."""
    value, returns = _shown(site)
    p = site.report.portfolio
    if not value:
        return Markup("")
    spent = {q: round(sum(by.values()), 2) for q, by, _ in (p.spend.by_quarter if p.spend else ())}
    partial = {q: part for q, _, part in (p.spend.by_quarter if p.spend else ())}
    gained = {
        q: (total, measured) for q, total, measured, _ in (p.value.by_quarter if p.value else ())
    }
    partial |= {q: part for q, _, _, part in (p.value.by_quarter if p.value else ())}
    quarters = [
        (q, *gained.get(q, (0.0, 0.0)), spent.get(q, 0.0), partial[q]) for q in sorted(partial)
    ]
    per_project: list[dict[str, Any]] = []
    cost_kpi = next((k for k in site.report.catalog if k.measure.type == "cost"), None)
    for r in site.report.projects:
        if r.value is None or r.value.to_date is None:
            continue
        cost = r.kpis[cost_kpi.id] if cost_kpi and cost_kpi.id in r.kpis else None
        per_project.append({"r": r, "cost": cost})
    per_project.sort(key=lambda row: (row["r"].start_at or 0, row["r"].id))
    return Markup(
        site.render(
            "value_portfolio.md.j2",
            "",
            v=p.value,
            quarters=quarters,
            returns=returns,
            per_project=per_project,
            cost_kpi=cost_kpi,
            percent=phrases.percent,
        )
    )
