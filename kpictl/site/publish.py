"""What the published site may show, applied once to the data before any page or kpis.json is
written, so that a withheld value cannot reach a page, the search index or the JSON.

`publish:` in kpictl.yaml: people by name, by initials or not at all; e-mail addresses (the
owner's, and links that hold one: mailto:) or not (not, by default); costs, and value
(benefits), in full, totals only (no line items) or not at all. Net value, return and payback
reveal costs from value and value from costs, so they are shown only where both are.
"""

from __future__ import annotations

import copy
import re
from dataclasses import replace
from typing import Any
from urllib.parse import unquote

from kpictl.config import Publish
from kpictl.config.definitions import ValueMeasure
from kpictl.kpis.results import GroupValue, Portfolio, Report
from kpictl.kpis.timeline import Timeline

_EMAIL = re.compile(r"[\w.%+-]+@[\w-]+(?:\.[\w-]+)+")


def published(
    report: Report, timelines: list[Timeline], policy: Publish
) -> tuple[Report, list[Timeline]]:
    """Copies of ``report`` and ``timelines`` holding only what ``policy`` lets the site show."""
    shown = [_timeline(t, policy) for t in timelines]
    if policy.costs == "false":
        report = _without_money(report)
    return _value_published(report, policy), shown


def published_warnings(warnings: list[str], policy: Publish) -> list[str]:
    """The run's warnings as the site may show them: a warning quotes the value it is about (a
    link refused in a skipped revision, say), so an e-mail address in one is withheld too."""
    if policy.emails:
        return warnings
    return [_EMAIL.sub("(an e-mail address, withheld)", warning) for warning in warnings]


def _timeline(t: Timeline, policy: Publish) -> Timeline:
    data: dict[str, Any] = dict(t.data)
    if policy.people == "none" or not policy.emails:
        data.pop("owner", None)
    if not policy.emails and data.get("links"):
        data["links"] = [link for link in data["links"] if not _has_email(link)]
    if policy.people == "none":
        data.pop("roles", None)
    elif policy.people == "initials":
        data["roles"] = {
            role: _initials(str(who)) for role, who in (data.get("roles") or {}).items()
        }
    costs = t.costs
    if policy.costs != "true":
        data.pop("costs", None)
        costs = []  # line items (vendors, rates) stay out; totals come from the KPI engine
    benefits = t.benefits
    if policy.value != "true":
        data.pop("benefits", None)
        benefits = []
    return replace(t, data=data, costs=costs, benefits=benefits)


def _has_email(link: Any) -> bool:
    """Whether a link of a project file gives away an e-mail address: a mailto: link, or an
    address in its URL (also percent-encoded) or its title."""
    if not isinstance(link, dict):
        return False
    url = unquote(str(link.get("url", ""))).strip()
    title = str(link.get("title", ""))
    return url.lower().startswith("mailto:") or any(_EMAIL.search(t) for t in (url, title))


def _initials(name: str) -> str:
    return " ".join(f"{part[0]}." for part in name.split() if part[:1].isalpha()) or "—"


def _without_kpis(report: Report, hidden: set[str]) -> Report:
    """``report`` without the KPIs ``hidden``: in the catalog, the projects and the portfolio."""
    if not hidden:
        return report
    catalog = tuple(k for k in report.catalog if k.id not in hidden)
    projects = [
        replace(p, kpis={k: v for k, v in p.kpis.items() if k not in hidden})
        for p in report.projects
    ]
    portfolio: Portfolio = copy.copy(report.portfolio)
    for field in ("kpis", "statuses", "trend", "learning_curve", "launch_order", "current"):
        value = getattr(portfolio, field)
        setattr(portfolio, field, {k: v for k, v in value.items() if k not in hidden})
    portfolio.groups = {
        kind: {
            name: {k: v for k, v in kpis.items() if k not in hidden}
            for name, kpis in groups.items()
        }
        for kind, groups in portfolio.groups.items()
    }
    portfolio.overdue = {k: v for k, v in portfolio.overdue.items() if k not in hidden}
    return replace(report, catalog=catalog, projects=projects, portfolio=portfolio)


def _without_money(report: Report) -> Report:
    money = {k.id for k in report.catalog if k.measure.type in ("cost", "tco")}
    report = _without_kpis(report, money)
    projects = [
        replace(p, costs_by_category={}, costs_left_out=(), costs_note=None)
        for p in report.projects
    ]
    portfolio: Portfolio = copy.copy(report.portfolio)
    portfolio.costs_by_category = {}
    portfolio.cost_over_time = []
    portfolio.spend = None
    portfolio.costs_left_out = None
    return replace(report, projects=projects, portfolio=portfolio, costs_withheld=True)


_RETURNS = ("net", "roi", "payback")  # the value measures that reveal costs from value


def _value_published(report: Report, policy: Publish) -> Report:
    """``report`` with value as ``policy.value`` allows, and net value, return and payback
    only where both costs and value are published."""
    hidden = {
        k.id
        for k in report.catalog
        if isinstance(k.measure, ValueMeasure)
        and (policy.value == "false" or (not policy.returns and k.measure.of in _RETURNS))
    }
    report = _without_kpis(report, hidden)
    portfolio: Portfolio = copy.copy(report.portfolio)
    if policy.value == "false":
        projects = [replace(p, value=None) for p in report.projects]
        portfolio.value = None
        return replace(report, projects=projects, portfolio=portfolio, value_withheld=True)
    projects = []
    for p in report.projects:
        v = p.value
        if v is not None and policy.value == "totals":
            v = replace(v, measurements=())  # they name the line items
        if v is not None and not policy.returns:
            v = replace(
                v,
                cost=None,
                net=None,
                roi=None,
                paid_back_at=None,
                projected_payback_at=None,
                roi_note=None,
                payback_note=None,
                curve=(),
            )
        projects.append(replace(p, value=v))
    if portfolio.value is not None and not policy.returns:
        portfolio.value = replace(
            portfolio.value,
            cost_to_date=None,
            roi=None,
            paid_back=(),
            groups={
                kind: {
                    name: GroupValue(g.to_date, g.measured, None, None)
                    for name, g in groups.items()
                }
                for kind, groups in portfolio.value.groups.items()
            },
        )
    return replace(report, projects=projects, portfolio=portfolio)
