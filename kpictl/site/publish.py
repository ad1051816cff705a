"""What the published site may show, applied once to the data before any page or kpis.json is
written, so that a withheld value cannot reach a page, the search index or the JSON.

`publish:` in kpictl.yaml: people by name, by initials or not at all; e-mail addresses (the
owner's, and links that hold one: mailto:) or not (not, by default); costs in full, totals only
(no line items) or not at all.
"""

from __future__ import annotations

import copy
import re
from dataclasses import replace
from typing import Any
from urllib.parse import unquote

from kpictl.config import Publish
from kpictl.kpis.results import Portfolio, Report
from kpictl.kpis.timeline import Timeline

_EMAIL = re.compile(r"[\w.%+-]+@[\w-]+(?:\.[\w-]+)+")


def published(
    report: Report, timelines: list[Timeline], policy: Publish
) -> tuple[Report, list[Timeline]]:
    """Copies of ``report`` and ``timelines`` holding only what ``policy`` lets the site show."""
    shown = [_timeline(t, policy) for t in timelines]
    if policy.costs == "false":
        report = _without_money(report)
    return report, shown


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
    return replace(t, data=data, costs=costs)


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


def _without_money(report: Report) -> Report:
    money = {k.id for k in report.catalog if k.unit == "currency"}
    catalog = tuple(k for k in report.catalog if k.id not in money)
    projects = [
        replace(
            p,
            kpis={k: v for k, v in p.kpis.items() if k not in money},
            costs_by_category={},
            costs_left_out=(),
            costs_note=None,
        )
        for p in report.projects
    ]
    portfolio: Portfolio = copy.copy(report.portfolio)
    for field in ("kpis", "statuses", "trend", "learning_curve", "launch_order", "current"):
        value = getattr(portfolio, field)
        setattr(portfolio, field, {k: v for k, v in value.items() if k not in money})
    portfolio.groups = {
        kind: {
            name: {k: v for k, v in kpis.items() if k not in money} for name, kpis in groups.items()
        }
        for kind, groups in portfolio.groups.items()
    }
    portfolio.overdue = {k: v for k, v in portfolio.overdue.items() if k not in money}
    portfolio.costs_by_category = {}
    portfolio.cost_over_time = []
    portfolio.spend = None
    portfolio.costs_left_out = None
    return replace(
        report, catalog=catalog, projects=projects, portfolio=portfolio, costs_withheld=True
    )
