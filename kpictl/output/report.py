"""`kpictl report` for people and spreadsheets: a terminal table, Markdown and CSV; and the
report's formats by name."""

from __future__ import annotations

import csv
import io
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

from kpictl.config import KpiDef
from kpictl.dates import iso
from kpictl.errors import KpictlError
from kpictl.kpis import Report
from kpictl.kpis.results import KpiStatus, ProjectResult
from kpictl.kpis.stats import Summary
from kpictl.output.forecast import (
    csv_rows,
    forecast_line,
    forecast_markdown,
    launches_csv_rows,
    launches_lines,
    launches_markdown,
)
from kpictl.output.report_json import left_out_words, report_json, rounded
from kpictl.output.value_text import (
    group_value_line,
    portfolio_value_sentence,
    project_value_sentence,
)
from kpictl.printable import bidi_visible, printable

ReportFormat = Literal["table", "json", "csv", "markdown"]
GroupBy = Literal["team", "label"]

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


@dataclass(frozen=True)
class ReportView:
    """What a report shows: the projects asked for (the portfolio still covers all), the
    portfolio statistics per group, the run's warnings, and whether the table shows the
    portfolio (not when projects were asked for by id)."""

    projects: Sequence[ProjectResult]
    group_by: GroupBy | None = None
    warnings: Sequence[str] = ()
    portfolio: bool = True


def shown_projects(report: Report, ids: Sequence[str]) -> list[ProjectResult]:
    """The projects with these ids (every project when none), in the report's order."""
    unknown = sorted(set(ids) - {p.id for p in report.projects})
    if unknown:
        raise KpictlError(
            f"no project with the id {', '.join(unknown)}; `kpictl projects` lists them"
        )
    return [p for p in report.projects if not ids or p.id in ids]


def number_text(value: float | None, unit: str = "days") -> str:
    """A value as reports show it: one decimal for days, whole units for money; — if none."""
    if value is None:
        return "—"
    if unit == "days":
        return f"{value:,.1f}"
    if unit == "ratio":
        return f"{value * 100:,.1f}%"
    return f"{value:,.0f}"


def _title(k: KpiDef, unit: str, width: int) -> str:
    label = printable(f"{k.title} ({'%' if unit == 'ratio' else unit})")
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
    value = sum(1 for k in report.catalog if k.phase == "value")
    counted = f"{len(report.catalog)} KPIs"
    if value:
        counted += f" ({len(report.catalog) - value} of the strategy, {value} of value and return)"
    note = f"Now ({window}): {len(missed)} of the {counted} miss their target"
    note += f": {'; '.join(missed)}" if missed else ""
    notes = [note]
    if quiet:
        notes.append(f"No recent data ({window}): {', '.join(quiet)}")
    return notes


def report_table(report: Report, view: ReportView) -> str:
    group_by, shown = view.group_by, view.projects
    units = report.units
    lines = [
        f"KPIs as of {iso(report.as_of)} at {report.head[:10]}; costs in {report.currency}",
        "",
    ]
    p = report.portfolio
    if view.portfolio:
        lines.append(
            f"Portfolio: {len(shown)} project{'' if len(shown) == 1 else 's'} "
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
        value = portfolio_value_sentence(report)
        notes += [value] if value else []
        for note in notes:
            lines += textwrap.wrap(note, 100, initial_indent="  ", subsequent_indent="    ")
        lines += launches_lines(report)
        if group_by:
            for name, summaries in p.groups[group_by].items():
                lines += ["", f"{group_by.capitalize()} {printable(name)}"]
                lines += _summary_rows(report, summaries, units)
                value = group_value_line(report, group_by, name)
                lines += [printable(value)] if value else []
        lines.append("")
    for r in shown:
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
        value = project_value_sentence(r.value, report.currency, printable)
        if value:
            lines += textwrap.wrap(value, 100, initial_indent="  ", subsequent_indent="    ")
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


def report_csv(report: Report, view: ReportView) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for r in view.projects:
        for k in report.catalog:
            v = r.kpis[k.id]
            writer.writerow(
                [
                    r.id,
                    r.team,
                    r.phase,
                    k.id,
                    rounded(v.value, v.unit),
                    v.unit,
                    v.status,
                    v.target,
                    iso(v.from_at),
                    iso(v.to_at),
                    v.commit,
                    v.note,
                ]
            )
        if r.value is not None and r.value.measured is not None:
            measured = [r.id, r.team, r.phase, "value_measured", r.value.measured]
            writer.writerow([*measured, report.currency, "measured", None, None, iso(report.as_of)])
        as_of = iso(report.as_of)
        for kpi, days, status, when, note in csv_rows(r.forecast, report.as_of):
            row = (r.id, r.team, r.phase, kpi, days, "days", status, None, as_of, when, None, note)
            writer.writerow(row)
    if view.portfolio:
        writer.writerows(launches_csv_rows(report))
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


def report_markdown(report: Report, view: ReportView) -> str:
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
    value = portfolio_value_sentence(report)
    lines += ["", f"{md_escape(value)}."] if value else []
    lines += launches_markdown(report, md_escape)
    for r in view.projects:
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
        value = project_value_sentence(r.value, report.currency)
        lines += ["", f"{md_escape(value)}."] if value else []
        lines += forecast_markdown(r.forecast, md_escape)
    return "\n".join(lines) + "\n"


def _report_json(report: Report, view: ReportView) -> str:
    return report_json(report, view.group_by, view.warnings, view.projects)


REPORT_FORMATS: dict[ReportFormat, Callable[[Report, ReportView], str]] = {
    "table": report_table,
    "json": _report_json,
    "csv": report_csv,
    "markdown": report_markdown,
}
