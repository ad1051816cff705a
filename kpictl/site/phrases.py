"""The site's phrases and number formats: what readers call things, in one place.

Formatting only: every status, value and comparison shown here was decided by the KPI engine.
"""

from __future__ import annotations

from collections.abc import Mapping

from kpictl.config.definitions import (
    CostMeasure,
    DurationMeasure,
    EnvironmentsMeasure,
    ItemsMeasure,
    KpiDef,
    Measure,
    ValueMeasure,
)
from kpictl.kpis.results import KpiValue

# A project's state, as readers say it.
STATE_TITLES = {
    "poc": "Proof of concept",
    "production": "Going to production",
    "launched": "Launched",
    "archived": "Archived",
}
STATE_WORDS = {
    "poc": "in proof of concept",
    "production": "going to production",
    "launched": "launched",
    "archived": "archived",
}
# The phase a KPI belongs to (the strategy's three phases).
PHASE_TITLES = {
    "poc": "Proof of concept",
    "production": "Going to production",
    "scale": "After launch: iterate and scale",
    "value": "Value and return",
}
# A value's status, as a word; the mark beside it helps scanning, the word carries the meaning.
STATUS_WORDS = {
    "met": "met",
    "missed": "missed",
    "measured": "measured",
    "running": "running",
    "overdue": "overdue",
    "not_started": "not started",
    "not_applicable": "not applicable",
    "unknown": "unknown",
    "no_data": "no data yet",
    "no_recent_data": "no recent data",
}
STATUS_MARKS = {
    "met": "✓",
    "missed": "✗",
    "overdue": "✗",
    "running": "◔",
    "not_started": "○",
    "not_applicable": "–",
    "unknown": "?",
    "measured": "•",
    "no_data": "○",
    "no_recent_data": "○",
}
# What a missing value means, where the status alone does not say it.
MISSING = {
    "not_started": "not started",
    "not_applicable": "skipped",
    "unknown": "unknown",
    "running": "running",
    "overdue": "running",
}
LIMIT_WORDS = {
    "poc_days": "in proof of concept for {days} days, past the {allowed}-day limit",
    "stale_days": "no change for {days} days, past the {allowed}-day limit",
}
SOURCE_WORDS = {
    "git": "git",
    "declared": "declared in the file",
    "added": "when the file was added",
    "created": "unknown: done before the file was added",
}
CURRENCY_SIGNS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "CNY": "¥", "INR": "₹"}


def plural(count: int, word: str, many: str | None = None) -> str:
    """12 projects, 1 project."""
    return f"{count:,} {word if count == 1 else many or word + 's'}"


def whole(value: float | None) -> str:
    """A count of days or an amount, in whole units with thousands separated: 1,234."""
    return "" if value is None else f"{value:,.0f}"


def money(value: float, currency: str) -> str:
    """An amount as a reader scans it: $2.25M, $310k, $950, −$12k; 1.2M CHF without a known
    sign."""
    size = abs(value)
    if size >= 999_500:
        shown = f"{size / 1e6:.2f}".rstrip("0").rstrip(".") + "M"
    elif size >= 9_995:
        shown = f"{size / 1e3:.0f}k"
    elif size >= 1_000:
        shown = f"{size / 1e3:.1f}".rstrip("0").rstrip(".") + "k"
    else:
        shown = f"{size:.0f}"
    minus = "−" if value < 0 and shown != "0" else ""
    sign = CURRENCY_SIGNS.get(currency)
    return f"{minus}{sign}{shown}" if sign else f"{minus}{shown} {currency}"


def cost_unknown(currencies: tuple[str, ...], converted: float, currency: str) -> str:
    """A cost to date that some costs leave unknown, in words: never a total that reads as
    complete."""
    text = f"unknown: costs in {', '.join(currencies)} do not convert to {currency}"
    if converted:
        text += f" (the costs that convert come to {money(converted, currency)})"
    return text


def left_out(projects: list[str], currencies: tuple[str, ...], currency: str) -> str:
    """What the portfolio's cost totals leave out, in a sentence: up to three projects by name;
    more are counted (the warnings page names each), so the home page stays short."""
    named = f" ({', '.join(projects)})" if len(projects) <= 3 else ""
    return (
        f"This leaves out the costs in {', '.join(currencies)} of "
        f"{plural(len(projects), 'project')}{named}, which do not convert to "
        f"{currency}: see the warnings."
    )


def days(value: float) -> str:
    """A duration in days: 38 days, 1 day, 12.5 days (no decimal on a whole day)."""
    shown = f"{value:,.0f}" if abs(value - round(value)) < 0.05 else f"{value:,.1f}"
    return f"{shown} day{'' if shown == '1' else 's'}"


def amount(value: float | None, unit: str) -> str:
    """A value with its unit, as the site writes it everywhere: 22.4 days, 21 days, $174k."""
    if value is None:
        return ""
    if unit == "days":
        return days(value)
    if unit == "ratio":
        return percent(value)
    return money(value, unit)


def percent(ratio: float) -> str:
    """A return as readers say it: 37%, −21%, 4.5% (a ratio of 0.045)."""
    shown = f"{abs(ratio) * 100:.1f}" if abs(ratio) < 0.1 else f"{abs(ratio) * 100:,.0f}"
    return f"{'−' if ratio < 0 and shown.strip('0.') else ''}{shown}%"


def short_amount(value: float | None, unit: str) -> str:
    """A value with its unit, compact: 22.4 days, $174k."""
    if value is None:
        return ""
    if unit == "ratio":
        return percent(value)
    return amount(value, unit)


def target_text(kpi: KpiDef, unit: str) -> str:
    """The target in words: at most 14 days, at least 3 days; no target."""
    if kpi.target is None:
        return "no target"
    bound = "at most" if kpi.direction == "lower" else "at least"
    return f"{bound} {amount(kpi.target, unit)}"


def _title(titles: Mapping[str, str], event: str) -> str:
    name = titles.get(event.removesuffix(".started"), event.removesuffix(".started"))
    return name if name[1:2].isupper() else name[:1].lower() + name[1:]


def _event(titles: Mapping[str, str], event: str) -> str:
    name = _title(titles, event)
    return f"the start of {name}" if event.endswith(".started") else name


def measure_words(
    measure: Measure, titles: Mapping[str, str], environments: tuple[str, ...]
) -> str:
    """A KPI's measure in words, with the catalog's milestone titles: "from go decision to
    evaluation suite"."""
    if isinstance(measure, DurationMeasure):
        start, end = measure.from_event, measure.to_event
        if start == f"{end}.started":
            return f"from the start of {_title(titles, end)} to its completion"
        return f"from {_event(titles, start)} to {_event(titles, end)}"
    if isinstance(measure, CostMeasure):
        start, end = measure.from_event, measure.to_event
        return f"costs from {_event(titles, start)} to {_event(titles, end)}"
    if isinstance(measure, ItemsMeasure):
        if measure.items == "feedback_rounds":
            return "from a feedback round opened to addressed, the median over rounds"
        kind = f"{measure.kind} updates" if measure.kind else "updates"
        return f"from requested to live, the median over {kind}"
    if isinstance(measure, EnvironmentsMeasure):
        chain = " → ".join(environments)
        return (
            f"the median time between environments ({chain}), the first from "
            f"{_event(titles, measure.from_event)}"
        )
    if isinstance(measure, ValueMeasure):
        return measure.definition
    return (
        f"every cost to the as-of date; projected to {measure.projection_years:g} years after "
        "the start"
    )


def no_value_reason(v: KpiValue) -> str | None:
    """Why a KPI has no value, when it is unknown for a stated reason ("no benefits recorded"):
    the pages name such KPIs, or projects, once under the reason instead of a row each."""
    return v.note if v.status == "unknown" and v.value is None and v.note else None


def forecast_words(
    p50: str | None,
    p85: str | None,
    not_before: str | None = None,
    why_not_before: str | None = None,
    p_launch: float | None = None,
    why_no_latest: str = "the slowest comparable projects are still running",
) -> str:
    """A launch forecast in plain words, from dates already written in the site's style:
    "likely by 12 Mar 2027, at the latest 2 May 2027"; "not before 3 Jun 2027: ..."."""
    if p50 is not None:
        text = f"likely by {p50}" + (f", at the latest {p85}" if p85 else "")
    elif not_before is not None:
        text = f"not before {not_before}" + (f": {why_not_before}" if why_not_before else "")
    else:
        return "no date yet"
    if p50 is not None and not p85:
        text += f", no latest date yet ({why_no_latest})"
    if p_launch is not None and p_launch < 0.995:
        text += f"; a {percent(p_launch)} chance it launches at all"
    return text
