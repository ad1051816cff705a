"""Value and return in words, for the report's table and Markdown: the portfolio's value beside
its spend, and each project's value, cost, return and payback."""

from __future__ import annotations

from collections.abc import Callable

from kpictl.dates import iso
from kpictl.kpis.results import PortfolioValue, ProjectValue, Report


def amount(value: float, currency: str) -> str:
    return f"{value:,.0f} {currency}"


def percent(ratio: float) -> str:
    return f"{ratio * 100:,.1f}%"


def _day(epoch: int) -> str:
    return iso(epoch)[:10]


def _measured(measured: float | None, to_date: float | None) -> str:
    if measured is None or not to_date:
        return ""
    return f" ({percent(measured / to_date)} measured)"


def portfolio_value_sentence(report: Report) -> str | None:
    """The portfolio's value beside its spend, its pooled return and who paid back; None when
    the report withholds value."""
    if report.value_withheld:
        return None
    v: PortfolioValue | None = report.portfolio.value
    if v is None:
        return "Value: unknown, no benefits recorded"
    c = report.currency
    words = f"Value: {amount(v.to_date, c)} to date{_measured(v.measured_to_date, v.to_date)}"
    if v.cost_to_date is not None:
        words += f" beside {amount(v.cost_to_date, c)} spent"
    if v.last_quarter is not None:
        words += f"; {amount(v.last_quarter[1], c)} in {v.last_quarter[0]}"
    if v.cost_to_date is not None:
        words += "; return on investment " + ("unknown" if v.roi is None else percent(v.roi))
        count = len(v.paid_back)
        words += f"; {count} project{'' if count == 1 else 's'} paid back"
        words += f" ({', '.join(v.paid_back)})" if v.paid_back else ""
    if v.left_out is not None:
        words += f"; leaves out benefits in {', '.join(v.left_out.currencies)}"
    return words


def group_value_line(report: Report, kind: str, name: str) -> str | None:
    """A team's or label's value, cost and pooled return, for the report's group tables."""
    v = None if report.value_withheld else report.portfolio.value
    group = v.groups.get(kind, {}).get(name) if v is not None else None
    if group is None:
        return None
    c = report.currency
    words = f"  Value: {amount(group.to_date, c)} to date{_measured(group.measured, group.to_date)}"
    if group.cost is not None:
        words += f", cost {amount(group.cost, c)}, return "
        words += "unknown" if group.roi is None else percent(group.roi)
    return words


def project_value_sentence(
    v: ProjectValue | None, currency: str, shown: Callable[[str], str] = str
) -> str | None:
    """A project's value, cost, return and payback in one line; None when withheld."""
    if v is None:
        return None
    if v.to_date is None:
        return f"Value: unknown: {shown(v.note or '')}"
    words = f"Value: {amount(v.to_date, currency)} to date{_measured(v.measured, v.to_date)}"
    if v.cost is not None and v.net is not None:
        words += f", net {amount(v.net, currency)}"
        words += f", return {'unknown' if v.roi is None else percent(v.roi)}"
        if v.paid_back_at is not None:
            words += f"; paid back on {_day(v.paid_back_at)}"
        elif v.projected_payback_at is not None:
            words += f"; not paid back, by {_day(v.projected_payback_at)} at the current rates"
        elif v.payback_note:
            words += f"; not paid back: {shown(v.payback_note)}"
    for item, at, commit in v.measurements:
        words += f"; {shown(item)} measured since {_day(at)}"
        words += f" ({commit[:8]})" if commit else ""
    return words
