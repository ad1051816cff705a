"""`kpictl report` output: the JSON contract, a terminal table, CSV and Markdown."""

from __future__ import annotations

import csv
import io
import textwrap
from typing import Any

from kpictl.config import KpiDef
from kpictl.dates import iso
from kpictl.kpis import KpiValue, Report
from kpictl.kpis.results import Current, KpiStatus, LeftOut, ProjectResult, Spend
from kpictl.kpis.stats import Curve, Summary
from kpictl.output.contracts import REPORT_SCHEMA_VERSION
from kpictl.output.forecast import (
    csv_rows,
    forecast_json,
    forecast_line,
    forecast_markdown,
    launches_json,
    launches_lines,
    launches_markdown,
)
from kpictl.output.jsontext import json_text
from kpictl.printable import bidi_visible, printable

STATUS_WORDS: dict[KpiStatus, str] = {
    "met": "met",
    "missed": "MISSED",
    "measured": "measured",
    "running": "running",
    "overdue": "OVERDUE",
    "not_started": "not started",
    "not_applicable": "n/a",
    "unknown": "unknown",
}


def _round(value: float | None, unit: str) -> float | None:
    """A value as JSON and CSV carry it: days as computed (seconds / 86,400) to six decimals,
    money to the cent. Text, Markdown and the site round for reading."""
    if value is None:
        return None
    return round(value, 6 if unit == "days" else 2)


def _kpi_json(v: KpiValue) -> dict[str, Any]:
    out: dict[str, Any] = {
        "value": _round(v.value, v.unit),
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
    if v.note:
        out["note"] = v.note
    return out


def _summary_json(s: Summary, unit: str) -> dict[str, Any]:
    return {
        "n": s.n,
        "median": _round(s.median, unit),
        "p85": _round(s.p85, unit),
        "min": _round(s.min, unit),
        "max": _round(s.max, unit),
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
        "change": _round(c.change, unit),
        "change_pct": _pct(c.change_pct),
        "miss": _round(c.miss, unit),
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
    report: Report, group_by: str | None = None, warnings: list[str] | None = None
) -> dict[str, Any]:
    """The JSON contract of `kpictl report` and the site's kpis.json; ``warnings`` are the
    run's warnings (revisions skipped, values that could not be computed)."""
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
            k: [{"id": i, "value": _round(v, units[k])} for i, v in pts]
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
                **({"forecast": forecast_json(r.forecast)} if forecasts else {}),
            }
            for r in report.projects
        ],
        "portfolio": portfolio,
        "warnings": list(warnings or []),
    }


def report_json(
    report: Report, group_by: str | None = None, warnings: list[str] | None = None
) -> str:
    data = report_data(report, group_by, warnings)
    return json_text(data) + "\n"


def number_text(value: float | None, unit: str = "days") -> str:
    """A value as reports show it: one decimal for days, whole units for money; — if none."""
    if value is None:
        return "—"
    if unit == "days":
        return f"{value:,.1f}"
    return f"{value:,.0f}"


def _title(k: KpiDef, unit: str, width: int) -> str:
    label = printable(f"{k.title} ({'days' if unit == 'days' else unit})")
    return label if len(label) <= width else label[: width - 1] + "…"


CURRENT_WORDS = {"missed": "MISSED", "no_recent_data": "no recent data"}


def _summary_rows(
    report: Report, summaries: dict[str, Summary], units: dict[str, str]
) -> list[str]:
    rows = [f"  {'KPI':<52}{'median':>9}{'p85':>10}{'target':>10}{'n':>5}"]
    for k in report.catalog:
        s, unit = summaries[k.id], units[k.id]
        rows.append(
            f"  {_title(k, unit, 51):<52}{number_text(s.median, unit):>9}"
            f"{number_text(s.p85, unit):>10}{number_text(k.target, unit):>10}{s.n:>5}"
        )
    return rows


def _now_notes(report: Report) -> list[str]:
    """The KPIs that miss their target now (in the recent window), by how much."""
    current = report.portfolio.current
    if not current:
        return []
    quarters = next(iter(current.values())).quarters
    units = report.units
    missed = []
    for k in report.catalog:
        c = current[k.id]
        if c.status == "missed" and c.miss is not None:
            over = "" if c.miss_pct is None else f", {c.miss_pct:.0f}% over"
            missed.append(
                f"{k.id} {number_text(c.summary.median, units[k.id])} against "
                f"{number_text(k.target, units[k.id])}{over}"
            )
    quiet = [k.id for k in report.catalog if current[k.id].status == "no_recent_data"]
    window = quarters[0] if len(quarters) == 1 else f"{quarters[0]} to {quarters[-1]}"
    note = f"Now ({window}): {len(missed)} of {len(report.catalog)} KPIs miss their target"
    note += f": {'; '.join(missed)}" if missed else ""
    notes = [note]
    if quiet:
        notes.append(f"No recent data ({window}): {', '.join(quiet)}")
    return notes


def report_table(report: Report, group_by: str | None = None, *, portfolio: bool = True) -> str:
    units = report.units
    lines = [
        f"KPIs as of {iso(report.as_of)} at {report.head[:10]}; costs in {report.currency}",
        "",
    ]
    p = report.portfolio
    if portfolio:
        lines.append(
            f"Portfolio: {len(report.projects)} project{'' if len(report.projects) == 1 else 's'} "
            f"({p.phases['poc']} proof of concept, {p.phases['production']} in production, "
            f"{p.phases['scale']} launched)"
        )
        lines += _summary_rows(report, p.kpis, units)
        notes = _now_notes(report)
        for curve_id, curve in p.learning_curve.items():
            rate = "—" if curve.rate_per_doubling is None else f"{curve.rate_per_doubling:.2f}"
            notes.append(
                f"Learning curve, {curve_id}: rate per doubling {rate} (n={curve.n}); {curve.note}"
            )
        for e in p.purgatory:
            notes.append(
                f"Purgatory: {e['id']} ({printable(e['team'])}) in proof of concept for "
                f"{e['days_in_poc']:.0f} days without a go decision"
            )
        for e in p.stale:
            notes.append(
                f"Stale: {e['id']} ({printable(e['team'])}), not launched, has had no change for "
                f"{e['days_since_change']:.0f} days"
            )
        if p.costs_left_out is not None:
            notes.append(f"Costs: {left_out_words(p.costs_left_out, report.currency)}")
        for note in notes:
            lines += textwrap.wrap(note, 100, initial_indent="  ", subsequent_indent="    ")
        lines += launches_lines(report)
        if group_by:
            for name, summaries in p.groups[group_by].items():
                lines += ["", f"{group_by.capitalize()} {printable(name)}"]
                lines += _summary_rows(report, summaries, units)
        lines.append("")
    for r in report.projects:
        archived = "  (archived)" if r.archived else ""
        lines.append(
            f"{r.id}  ·  {printable(r.name)}  ·  {printable(r.team)}  ·  {r.phase}{archived}"
        )
        lines.append(f"  {'KPI':<52}{'value':>10}{'target':>10}  {'status':<12}commit")
        for k in report.catalog:
            v = r.kpis[k.id]
            commit = (v.commit or "")[:8]
            lines.append(
                f"  {_title(k, units[k.id], 51):<52}{number_text(v.value, v.unit):>10}"
                f"{number_text(v.target, v.unit):>10}  {STATUS_WORDS[v.status]:<12}"
                f"{commit}".rstrip()
            )
        if r.costs_note is not None:
            lines += textwrap.wrap(
                f"Cost to date: unknown: {printable(r.costs_note)}",
                100,
                initial_indent="  ",
                subsequent_indent="    ",
            )
        if r.forecast is not None:
            lines += textwrap.wrap(
                f"Launch forecast: {forecast_line(r.forecast)}",
                100,
                initial_indent="  ",
                subsequent_indent="    ",
            )
        lines.append("")
    return "\n".join(lines)


CSV_COLUMNS = [
    "project",
    "team",
    "phase",
    "kpi",
    "value",
    "unit",
    "status",
    "target",
    "from",
    "to",
    "commit",
    "note",
]


def report_csv(report: Report) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for r in report.projects:
        for k in report.catalog:
            v = r.kpis[k.id]
            writer.writerow(
                [
                    r.id,
                    r.team,
                    r.phase,
                    k.id,
                    _round(v.value, v.unit),
                    v.unit,
                    v.status,
                    v.target,
                    iso(v.from_at),
                    iso(v.to_at),
                    v.commit,
                    v.note,
                ]
            )
        as_of = iso(report.as_of)
        for kpi, days, status, when, note in csv_rows(r.forecast, report.as_of):
            row = (r.id, r.team, r.phase, kpi, days, "days", status, None, as_of, when, None, note)
            writer.writerow(row)
    return out.getvalue()


def md_escape(text: str) -> str:
    """Text that Markdown and HTML show as written: no markup, links or tags from users, and
    bidi overrides shown as ``\\u202e`` (they would reorder the text around them)."""
    out = []
    for ch in bidi_visible(text):
        if ch in "\\`*_{}[]()#+-.!|<>&~\"'":
            out.append(f"&#{ord(ch)};")
        elif ch in "\n\r":
            out.append(" ")
        else:
            out.append(ch)
    return "".join(out)


def report_markdown(report: Report, group_by: str | None = None) -> str:
    units = report.units
    p = report.portfolio
    lines = [
        f"# KPIs as of {iso(report.as_of)}",
        "",
        f"Commit `{report.head[:10]}`; costs in {report.currency}.",
        "",
        "| KPI | median | p85 | target | n | now | status now |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for k in report.catalog:
        s, unit, c = p.kpis[k.id], units[k.id], p.current[k.id]
        lines.append(
            f"| {md_escape(k.title)} ({md_escape(unit)}) | {number_text(s.median, unit)} | "
            f"{number_text(s.p85, unit)} | {number_text(k.target, unit)} | {s.n} | "
            f"{number_text(c.summary.median, unit)} | {CURRENT_WORDS.get(c.status, c.status)} |"
        )
    if p.costs_left_out is not None:
        words = left_out_words(p.costs_left_out, report.currency)
        lines += ["", f"Costs: {md_escape(words)}."]
    lines += launches_markdown(report, md_escape)
    for r in report.projects:
        lines += [
            "",
            f"## {md_escape(r.name)} (`{r.id}`)",
            "",
            f"Team {md_escape(r.team)}, phase {r.phase}.",
            "",
            "| KPI | value | target | status |",
            "|---|---:|---:|---|",
        ]
        for k in report.catalog:
            v = r.kpis[k.id]
            lines.append(
                f"| {md_escape(k.title)} | {number_text(v.value, v.unit)} | "
                f"{number_text(v.target, v.unit)} | {STATUS_WORDS[v.status]} |"
            )
        if r.costs_note is not None:
            lines += ["", f"Cost to date: unknown: {md_escape(r.costs_note)}."]
        lines += forecast_markdown(r.forecast, md_escape)
    return "\n".join(lines) + "\n"
