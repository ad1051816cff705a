"""The JSON contract of `kpictl report` and of the site's kpis.json."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from kpictl.dates import iso
from kpictl.kpis import KpiValue, Report
from kpictl.kpis.results import Current, LeftOut, ProjectResult, Spend
from kpictl.kpis.stats import Curve, Summary
from kpictl.output.contracts import REPORT_SCHEMA_VERSION
from kpictl.output.forecast import forecast_json, launches_json
from kpictl.output.jsontext import json_text
from kpictl.output.value_json import portfolio_value_json, project_value_json


def rounded(value: float | None, unit: str) -> float | None:
    """A value as JSON and CSV carry it: days as computed (seconds / 86,400) to six decimals,
    money to the cent. Text, Markdown and the site round for reading."""
    if value is None:
        return None
    return round(value, {"days": 6, "ratio": 4}.get(unit, 2))


def _kpi_json(v: KpiValue) -> dict[str, Any]:
    out: dict[str, Any] = {
        "value": rounded(v.value, v.unit),
        "unit": v.unit,
        "status": v.status,
        "target": v.target,
        "from": iso(v.from_at),
        "to": iso(v.to_at),
        "commit": v.commit,
    }
    if v.n is not None:
        out["n"] = v.n
    if v.projected is not None:
        out["projected"] = v.projected
    if v.projected_at is not None:
        out["projected_at"] = iso(v.projected_at)
    if v.note:
        out["note"] = v.note
    return out


def _summary_json(s: Summary, unit: str) -> dict[str, Any]:
    return {
        "n": s.n,
        "median": rounded(s.median, unit),
        "p85": rounded(s.p85, unit),
        "min": rounded(s.min, unit),
        "max": rounded(s.max, unit),
    }


def _pct(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def _current_json(c: Current, unit: str) -> dict[str, Any]:
    out: dict[str, Any] = {
        "quarters": list(c.quarters),
        "from": iso(c.start),
        "to": iso(c.end),
        **_summary_json(c.summary, unit),
        "status": c.status,
        "change": rounded(c.change, unit),
        "change_pct": _pct(c.change_pct),
        "miss": rounded(c.miss, unit),
        "miss_pct": _pct(c.miss_pct),
    }
    if c.as_of_values:
        out["note"] = "every value is as of the as-of date, so the current value is the median"
    return out


def left_out_words(left_out: LeftOut, currency: str) -> str:
    """What the portfolio's cost totals leave out, in a sentence."""
    count = len(left_out.projects)
    return (
        f"the cost totals leave out the costs in {', '.join(left_out.currencies)} of {count} "
        f"project{'' if count == 1 else 's'} ({', '.join(left_out.projects)}), which do not "
        f"convert to {currency}; see the warnings"
    )


def _spend_json(s: Spend | None, left_out: LeftOut | None, currency: str) -> dict[str, Any] | None:
    if s is None:
        return None  # withheld from the site (publish: {costs: false})
    partial: dict[str, Any] = {}
    if left_out is not None:
        partial["left_out"] = {
            "projects": list(left_out.projects),
            "currencies": list(left_out.currencies),
            "note": left_out_words(left_out, currency),
        }
    return {
        "to_date": s.to_date,
        "last_quarter": None
        if s.last_quarter is None
        else {"quarter": s.last_quarter[0], "amount": s.last_quarter[1]},
        "by_quarter": [
            {"quarter": q, "partial": partial, "total": round(sum(by.values()), 2), **by}
            for q, by, partial in s.by_quarter
        ],
        **partial,
    }


def _cost_json(r: ProjectResult, withheld: bool) -> dict[str, Any]:
    """The cost to date: null, with what it leaves out and why, when a cost does not convert;
    no key at all when costs are withheld from the site."""
    if withheld:
        return {}
    out: dict[str, Any] = {"cost_to_date": r.cost_to_date}
    if r.costs_left_out:
        out["costs_left_out"] = {"currencies": list(r.costs_left_out), "note": r.costs_note}
    return out


def _standing_json(r: ProjectResult, withheld: bool) -> dict[str, Any]:
    s = r.standing
    return {
        "state": s.state,
        "state_since": iso(s.since),
        "days_in_state": s.days,
        "stuck": [{"limit": k.limit, "days": k.days, "allowed": k.allowed} for k in s.stuck],
        "next_milestone": s.next_milestone,
        "milestones": {
            "done": s.milestones_done,
            "skipped": s.milestones_skipped,
            "total": s.milestones_total,
        },
        **_cost_json(r, withheld),
    }


def _curve_json(c: Curve) -> dict[str, Any]:
    return {
        "n": c.n,
        "rate_per_doubling": None if c.rate_per_doubling is None else round(c.rate_per_doubling, 3),
        "t1": None if c.t1 is None else round(c.t1, 2),
        "b": None if c.b is None else round(c.b, 4),
        "note": c.note,
    }


def report_data(
    report: Report,
    group_by: str | None = None,
    warnings: Sequence[str] | None = None,
    projects: Sequence[ProjectResult] | None = None,
) -> dict[str, Any]:
    """The JSON contract of `kpictl report` and the site's kpis.json; ``warnings`` are the
    run's warnings (revisions skipped, values that could not be computed). ``projects`` are
    the ones shown (default: all); the portfolio always covers all."""
    units = report.units
    p = report.portfolio
    portfolio: dict[str, Any] = {
        "kpis": {
            k: {
                **_summary_json(s, units[k]),
                "status": p.statuses[k],
                "overdue": p.overdue.get(k, 0),
                "current": _current_json(p.current[k], units[k]),
            }
            for k, s in p.kpis.items()
        },
        "learning_curve": {k: _curve_json(c) for k, c in p.learning_curve.items()},
        "launch_order": {
            k: [{"id": i, "value": rounded(v, units[k])} for i, v in pts]
            for k, pts in p.launch_order.items()
        },
        "trend": {
            k: [{"quarter": q, **_summary_json(s, units[k])} for q, s in rows]
            for k, rows in p.trend.items()
        },
        "purgatory": [{**e, "kickoff_at": iso(e["kickoff_at"])} for e in p.purgatory],
        "stale": [{**e, "last_change_at": iso(e["last_change_at"])} for e in p.stale],
        "phases": p.phases,
        "states": p.states,
        "stuck": p.stuck,
        "costs_by_category": p.costs_by_category,
        "cost_over_time": [{"quarter": q, **totals} for q, totals in p.cost_over_time],
        "spend": _spend_json(p.spend, p.costs_left_out, report.currency),
    }
    if not report.value_withheld:
        portfolio["value"] = portfolio_value_json(p.value, report.currency, group_by)
    forecasts = p.launches_expected is not None  # off in kpictl.yaml: no forecast keys at all
    if p.launches_expected is not None:
        portfolio["launches_expected"] = launches_json(p.launches_expected)
        portfolio["launches_not_counted"] = p.launches_not_counted
    if group_by:
        portfolio["groups"] = {
            group_by: {
                name: {k: _summary_json(s, units[k]) for k, s in kpis.items()}
                for name, kpis in p.groups[group_by].items()
            }
        }
    return {
        "schema_version": REPORT_SCHEMA_VERSION,
        "as_of": iso(report.as_of),
        "head": report.head,
        "currency": report.currency,
        "catalog": [
            {
                "id": k.id,
                "title": k.title,
                "phase": k.phase,
                "unit": units[k.id],
                "target": k.target,
                "direction": k.direction,
                "definition": k.definition,
                "description": k.description,
            }
            for k in report.catalog
        ],
        "projects": [
            {
                "id": r.id,
                "name": r.name,
                "team": r.team,
                "labels": r.labels,
                "path": r.path,
                "phase": r.phase,
                **_standing_json(r, report.costs_withheld),
                "archived": r.archived,
                "kpis": {k: _kpi_json(v) for k, v in r.kpis.items()},
                "costs_by_category": r.costs_by_category,
                **project_value_json(r.value),
                **({"forecast": forecast_json(r.forecast)} if forecasts else {}),
            }
            for r in (report.projects if projects is None else projects)
        ],
        "portfolio": portfolio,
        "warnings": list(warnings or []),
    }


def report_json(
    report: Report,
    group_by: str | None = None,
    warnings: Sequence[str] | None = None,
    projects: Sequence[ProjectResult] | None = None,
) -> str:
    data = report_data(report, group_by, warnings, projects)
    return json_text(data) + "\n"
