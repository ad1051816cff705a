"""Value and return in the JSON contract of `kpictl report` and the site's kpis.json: each
project's ``value`` and the portfolio's (see ``contracts``)."""

from __future__ import annotations

from typing import Any

from kpictl.dates import iso
from kpictl.kpis.results import LeftOut, PortfolioValue, ProjectValue


def ratio(value: float | None) -> float | None:
    """A return as JSON and CSV carry it: a ratio to four decimals (0.2513 is 25.13%)."""
    return None if value is None else round(value, 4)


def measured_share(measured: float | None, to_date: float | None) -> float | None:
    """How much of the value to date is measured, as a ratio; None when there is no value."""
    if measured is None or not to_date:
        return None
    return ratio(measured / to_date)


def project_value_json(v: ProjectValue | None) -> dict[str, Any]:
    """A project's ``value``: nothing at all when the site withholds value."""
    if v is None:
        return {}
    out: dict[str, Any] = {
        "to_date": v.to_date,
        "measured": v.measured,
        "estimated": v.estimated,
        "measured_share": measured_share(v.measured, v.to_date),
        "cost_to_date": v.cost,
        "net": v.net,
        "roi": ratio(v.roi),
        "paid_back_at": iso(v.paid_back_at),
        "projected_payback_at": iso(v.projected_payback_at),
        "measurements": [
            {"item": item, "at": iso(at), "commit": commit} for item, at, commit in v.measurements
        ],
    }
    notes = {"note": v.note, "roi_note": v.roi_note, "payback_note": v.payback_note}
    out.update({k: text for k, text in notes.items() if text})
    if v.left_out:
        out["left_out"] = list(v.left_out)
    return {"value": out}


def _left_out_json(left_out: LeftOut, currency: str) -> dict[str, Any]:
    count = len(left_out.projects)
    return {
        "projects": list(left_out.projects),
        "currencies": list(left_out.currencies),
        "note": f"the value totals leave out the benefits in {', '.join(left_out.currencies)} "
        f"of {count} project{'' if count == 1 else 's'} ({', '.join(left_out.projects)}), which "
        f"do not convert to {currency}; see the warnings",
    }


def portfolio_value_json(
    v: PortfolioValue | None, currency: str, group_by: str | None
) -> dict[str, Any] | None:
    """The portfolio's ``value``; None when no project records a benefit (or the site withholds
    value), never a zero."""
    if v is None:
        return None
    out: dict[str, Any] = {
        "to_date": v.to_date,
        "measured_to_date": v.measured_to_date,
        "measured_share": measured_share(v.measured_to_date, v.to_date),
        "cost_to_date": v.cost_to_date,
        "roi": ratio(v.roi),
        "last_quarter": None
        if v.last_quarter is None
        else {"quarter": v.last_quarter[0], "amount": v.last_quarter[1]},
        "by_quarter": [
            {"quarter": q, "partial": partial, "total": value, "measured": measured}
            for q, value, measured, partial in v.by_quarter
        ],
        "paid_back": list(v.paid_back),
    }
    if v.left_out is not None:
        out["left_out"] = _left_out_json(v.left_out, currency)
    if group_by:
        out["groups"] = {
            group_by: {
                name: {
                    "to_date": g.to_date,
                    "measured_to_date": g.measured,
                    "cost_to_date": g.cost,
                    "roi": ratio(g.roi),
                }
                for name, g in v.groups[group_by].items()
            }
        }
    return out
