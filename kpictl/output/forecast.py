"""Launch forecasts as the outputs show them: in the report (JSON, text, Markdown, CSV) and as
`kpictl forecast` prints them."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from typing import Any, Literal

from kpictl.dates import DAY, day_text, iso
from kpictl.kpis import Forecast, LaunchCount, Report
from kpictl.kpis.backtest import Backtest, HorizonScore
from kpictl.kpis.results import MilestoneForecast
from kpictl.output.jsontext import json_text

ForecastFormat = Literal["text", "json"]

# The count of launches reached with 85% confidence: the 15th percentile of the count, named
# so that nobody reads it as the optimistic figure.
AT_LEAST = "at_least_with_85pct_confidence"


def forecast_json(f: Forecast | None) -> dict[str, Any] | None:
    """A project's ``forecast`` in the report's JSON: null when launched or archived."""
    if f is None:
        return None
    return {
        "milestone": f.milestone,
        "p50": iso(f.p50),
        "p85": iso(f.p85),
        "not_before": iso(f.not_before),
        "p_launch": None if f.p_launch is None else round(f.p_launch, 3),
        "past_p85": f.past_p85,
        "next": None if f.next is None else _milestone_json(f.next),
        "basis": f.basis,
        "reason": f.reason,
    }


def _milestone_json(m: MilestoneForecast) -> dict[str, Any]:
    return {"milestone": m.milestone, "p50": iso(m.p50), "p85": iso(m.p85)}


def launches_json(counts: list[LaunchCount]) -> list[dict[str, Any]]:
    return [
        {
            "quarter": c.quarter,
            "from": iso(c.begin),
            "to": iso(c.end),
            "median": c.median,
            AT_LEAST: c.at_least_85,
        }
        for c in counts
    ]


def _day(epoch: int | None) -> str:
    return "—" if epoch is None else day_text(epoch)


def forecast_line(f: Forecast) -> str:
    """One line for people: the launch's p50 and p85, the next milestone, or why not."""
    if f.p50 is None:
        text = f"{f.milestone}: {f.reason}" if f.not_before else f"{f.milestone}: no forecast"
        text += "" if f.not_before or not f.reason else f"; {f.reason}"
    else:
        text = f"{f.milestone} p50 {_day(f.p50)}, p85 {_day(f.p85)} (from {f.basis} projects)"
        if f.reason:
            text += f"; {f.reason}"
    if f.p_launch is not None and f.p_launch < 0.995:
        text += f"; chance of launching at all {f.p_launch:.0%} (the dates are if it launches)"
    if f.next is not None and f.next.milestone != f.milestone:
        n = f.next
        when = "no forecast" if n.p50 is None else f"p50 {_day(n.p50)}, p85 {_day(n.p85)}"
        text += f"; next: {n.milestone} {when}"
    if f.past_p85:
        text += "; late: longer on its step than 85% of the projects that took it"
    return text


def _quarter_name(c: LaunchCount, as_of: int) -> str:
    return f"{c.quarter} (from {day_text(c.begin)})" if c.begin == as_of else c.quarter


def launches_lines(report: Report) -> list[str]:
    """The launches expected per quarter, for the text table."""
    counts = report.portfolio.launches_expected
    if counts is None:
        return []
    parts = [
        f"{_quarter_name(c, report.as_of)} {c.median} (at least {c.at_least_85})" for c in counts
    ]
    text = "Launches expected per quarter, median (at least, with 85% confidence): " + "; ".join(
        parts
    )
    if report.portfolio.launches_not_counted:
        text += (
            f"; not counted, without a forecast: {', '.join(report.portfolio.launches_not_counted)}"
        )
    return textwrap.wrap(text, 100, initial_indent="  ", subsequent_indent="    ")


def launches_markdown(report: Report, escape: Any) -> list[str]:
    counts = report.portfolio.launches_expected
    if counts is None:
        return []
    lines = [
        "",
        "## Launches expected",
        "",
        "| quarter | median | at least, with 85% confidence |",
        "|---|---:|---:|",
    ]
    lines += [
        f"| {_quarter_name(c, report.as_of)} | {c.median} | {c.at_least_85} |" for c in counts
    ]
    if report.portfolio.launches_not_counted:
        names = ", ".join(f"`{i}`" for i in report.portfolio.launches_not_counted)
        lines += ["", f"Not counted, without a forecast: {names}."]
    return lines


def forecast_markdown(f: Forecast | None, escape: Any) -> list[str]:
    if f is None:
        return []
    return ["", f"Launch forecast: {escape(forecast_line(f))}."]


def csv_rows(
    f: Forecast | None, as_of: int
) -> list[tuple[str, float | None, str, str | None, str]]:
    """(kpi, days from the as-of, status, date, note) rows: the launch's and the next
    milestone's p50 and p85."""
    if f is None:
        return []
    rows = []
    targets = [(f.milestone, f.p50, f.p85, f"basis {f.basis}")]
    if f.next is not None and f.next.milestone != f.milestone:
        targets.append((f.next.milestone, f.next.p50, f.next.p85, "the next milestone"))
    for milestone, p50, p85, note in targets:
        for name, when in (("p50", p50), ("p85", p85)):
            days = None if when is None else round((when - as_of) / DAY, 1)
            status = "forecast" if when is not None else "no_forecast"
            why = f.reason if when is None and f.reason and milestone == f.milestone else note
            rows.append((f"forecast:{milestone}:{name}", days, status, iso(when), why))
    return rows


def launches_csv_rows(report: Report) -> list[tuple[object, ...]]:
    """The launches expected per quarter as CSV rows of the portfolio (no project): the median
    count and the count reached with 85% confidence, from and to the quarter's bounds."""
    rows: list[tuple[object, ...]] = []
    for c in report.portfolio.launches_expected or []:
        for name, count in (("median", c.median), (AT_LEAST, c.at_least_85)):
            kpi = f"launches_expected:{c.quarter}:{name}"
            note = "projects running now; projects not yet started are not counted"
            when = (iso(c.begin), iso(c.end))
            rows.append(("", "", "", kpi, count, "launches", "forecast", None, *when, None, note))
    return rows


def forecast_data(report: Report, warnings: list[str]) -> dict[str, Any]:
    """`kpictl forecast --format json`: the report's forecasts alone."""
    p = report.portfolio
    return {
        "as_of": iso(report.as_of),
        "head": report.head,
        "projects": [
            {"id": r.id, "name": r.name, "phase": r.phase, "forecast": forecast_json(r.forecast)}
            for r in report.projects
            if r.forecast is not None
        ],
        "launches_expected": launches_json(p.launches_expected or []),
        "launches_not_counted": p.launches_not_counted,
        "warnings": warnings,
    }


def forecast_text(report: Report, warnings: list[str]) -> str:
    """For people; the warnings are on stderr already."""
    lines = [f"Launch forecasts as of {iso(report.as_of)} at {report.head[:10]}", ""]
    running = [r for r in report.projects if r.forecast is not None]
    if not running:
        lines.append("  no running project: every project is launched or archived")
    for r in running:
        assert r.forecast is not None
        lines += textwrap.wrap(
            f"{r.id} ({r.phase}): {forecast_line(r.forecast)}",
            100,
            subsequent_indent="    ",
        )
    lines.append("")
    lines += launches_lines(report)
    return "\n".join(lines) + "\n"


def forecast_json_text(report: Report, warnings: list[str]) -> str:
    return json_text(forecast_data(report, warnings)) + "\n"


def _share(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


def _score_json(h: HorizonScore) -> dict[str, Any]:
    error = h.median_abs_error_days
    return {
        "horizon": h.horizon,
        "forecasts": h.forecasts,
        "scored_p50": h.scored_p50,
        "landed_by_p50": _share(h.share_by_p50),
        "scored_p85": h.scored_p85,
        "landed_by_p85": _share(h.share_by_p85),
        "median_abs_error_days": None if error is None else round(error, 1),
    }


def backtest_data(b: Backtest, head: str) -> dict[str, Any]:
    """`kpictl forecast --backtest --format json`."""
    return {
        "as_of": iso(b.as_of),
        "head": head,
        "month_ends": [iso(m) for m in b.month_ends],
        "horizons": [_score_json(h) for h in b.horizons],
        "all": _score_json(b.overall),
        "without_date": b.without_date,
        "abandoned": b.abandoned,
        "p_launch": {
            "scored": len(b.outcomes),
            "brier": None if b.brier is None else round(b.brier, 4),
            "reliability": [
                {
                    "from": r.low,
                    "to": r.high,
                    "forecasts": r.forecasts,
                    "mean_p_launch": round(r.mean_p_launch, 3),
                    "launched": round(r.launched / r.forecasts, 3),
                }
                for r in b.reliability()
            ],
        },
        "quarters": {"scored": b.quarters, "held_at_least_85": b.quarters_held},
    }


def backtest_json(b: Backtest, head: str) -> str:
    return json_text(backtest_data(b, head)) + "\n"


def _percent(share: float | None, n: int) -> str:
    return "—" if share is None else f"{share:.0%} of {n}"


def backtest_text(b: Backtest, head: str) -> str:
    ends = b.month_ends
    span = f"{day_text(ends[0])} to {day_text(ends[-1])}" if ends else "none yet"
    lines = [
        f"Backtest of the launch forecasts as of {iso(b.as_of)} at {head[:10]}",
        f"  forecasts made at {len(ends)} month-ends ({span}), each from what was known then;",
        "  a percentile is scored once its date has passed",
        "",
        f"  {'horizon of the p50':<20}{'forecasts':>10}{'landed by p50':>17}"
        f"{'landed by p85':>17}{'median |error|':>16}",
    ]
    for h in [*b.horizons, b.overall]:
        error = h.median_abs_error_days
        lines.append(
            f"  {h.horizon:<20}{h.forecasts:>10}{_percent(h.share_by_p50, h.scored_p50):>17}"
            f"{_percent(h.share_by_p85, h.scored_p85):>17}"
            f"{'—' if error is None else f'{error:.0f} days':>16}"
        )
    notes = (
        "Well calibrated: about 50% landed by p50 and 85% by p85. The error of a launch still to "
        "come is the error so far. Forecasts of running projects without a date (too little "
        f"history, or past everything the portfolio had seen): {b.without_date}; of projects "
        f"archived since without launching (not scored): {b.abandoned}."
    )
    lines += ["", *textwrap.wrap(notes, 100, initial_indent="  ", subsequent_indent="  ")]
    lines += ["", *_p_launch_lines(b)]
    return "\n".join(lines) + "\n"


def _p_launch_lines(b: Backtest) -> list[str]:
    held = _percent(b.quarters_held / b.quarters if b.quarters else None, b.quarters)
    lines = [
        f"  Launches per quarter: the count reached with 85% confidence was reached in {held} "
        "quarters",
        f"  Chance of launching at all, scored on {len(b.outcomes)} forecasts of projects launched "
        "or archived since:",
    ]
    if b.brier is None:
        return lines
    lines.append(f"    Brier score {b.brier:.3f} (0 is perfect; always saying 50% scores 0.250)")
    lines.append(f"    {'p_launch':<12}{'forecasts':>10}{'mean p_launch':>15}{'launched':>10}")
    for r in b.reliability():
        lines.append(
            f"    {f'{r.low:.0%}–{r.high:.0%}':<12}{r.forecasts:>10}{r.mean_p_launch:>15.0%}"
            f"{r.launched / r.forecasts:>10.0%}"
        )
    return lines


FORECAST_FORMATS: dict[ForecastFormat, Callable[[Report, list[str]], str]] = {
    "text": forecast_text,
    "json": forecast_json_text,
}
BACKTEST_FORMATS: dict[ForecastFormat, Callable[[Backtest, str], str]] = {
    "text": backtest_text,
    "json": backtest_json,
}
