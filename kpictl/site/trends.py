"""Charts over calendar quarters, drawn at build time as fluid SVG (svg.py): a KPI's control
chart, what each quarter cost, and the cumulative cost of ownership.

Time runs left to right on a calendar axis in the configured time zone; an empty quarter is a
gap, the running quarter is marked; labels go where they cover nothing, never on the target.

A chart costs what it draws, not what its span holds: the axis labels quarters over three
years, years over eight and every 2, 5, 10... years beyond (at most eight labels); a control
chart draws the quarters that have a median, however far apart; spend and cumulative cost,
which have a value in every quarter, draw a column or point per quarter up to ten years and
per 1, 2, 5, 10... years beyond (at most 40), each column the sum of its quarters.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone

from kpictl.site.svg import (
    GUTTER,
    LEFT,
    RIGHT,
    Formatter,
    Ids,
    Layout,
    line,
    mark,
    marks,
    nice_ticks,
    pct,
    rect,
    shape_of,
    status_words,
    suffix,
    svg,
    text,
    y_axis,
    year_step,
)

__all__ = ["QuarterPoint", "control", "cumulative", "spend_columns"]


@dataclass(frozen=True)
class QuarterPoint:
    """One calendar quarter of a trend: its median (None: no value ended in it)."""

    label: str  # 2025-Q3
    start: int
    end: int
    median: float | None
    partial: bool  # the as-of date falls inside it


QUARTERS_DRAWN = 40  # the most quarters a chart draws one by one: longer spans sum into years
YEARS_LABELLED = 8  # the most years a calendar axis labels
MEDIAN_WIDTH = 1.0  # the shortest a quarter's median line is drawn, in percent of the width


def _index(q: QuarterPoint) -> int:
    """A quarter's place in the calendar, counted in quarters: 2025-Q3 is 2025 * 4 + 2."""
    year, number = q.label.split("-")
    return int(year) * 4 + int(number[1:]) - 1


def _label(index: int) -> str:
    year, number = divmod(index, 4)
    return f"{year}-Q{number + 1}"


class _Calendar:
    """The calendar quarters a chart spans, from its first quarter to its last, gaps included,
    whether it is given every quarter or only those with data; what the axis needs of it is
    found without walking the span."""

    def __init__(self, quarters: Sequence[QuarterPoint]) -> None:
        self.quarters = quarters
        self.first, self.last = _index(quarters[0]), _index(quarters[-1])
        self.first_year, self.last_year = self.first // 4, self.last // 4
        # the time zone's offset at the first quarter, to reckon the start of one not given
        self.offset = quarters[0].start - self._utc_start(self.first)

    @property
    def count(self) -> int:
        return self.last - self.first + 1

    @property
    def years(self) -> int:
        return self.last_year - self.first_year + 1

    @staticmethod
    def _utc_start(index: int) -> int:
        year, number = divmod(index, 4)
        return int(datetime(year, number * 3 + 1, 1, tzinfo=timezone.utc).timestamp())

    def start(self, index: int) -> int:
        """The first second of the quarter ``index``: as given, else reckoned."""
        at = bisect_left(self.quarters, index, key=_index)
        if at < len(self.quarters) and _index(self.quarters[at]) == index:
            return self.quarters[at].start
        if at > 0 and _index(self.quarters[at - 1]) == index - 1:
            return self.quarters[at - 1].end
        return self._utc_start(index) + self.offset

    def years_per_column(self) -> int:
        """How many years a column (or point) sums: 0 for a quarter each, up to ten years."""
        if self.count <= QUARTERS_DRAWN:
            return 0
        return year_step(self.years, QUARTERS_DRAWN)


def _quarter_axis(
    calendar: _Calendar, x_of: Callable[[int], float], y: float, unit: int = 1
) -> str:
    """The calendar under a chart, ``x_of`` placing the start of a quarter (by its index).
    Up to 12 quarters: Q1 to Q4 under their bands, with the year under each first quarter and
    the first; up to 8 years: Q1 and its year for each year; longer: a year every 2, 5, 10,
    20... years (a multiple of ``unit`` years), at most 8. Only the labels drawn are reckoned."""
    parts = []
    if calendar.count <= 12 or calendar.years <= YEARS_LABELLED:
        crowded = calendar.count > 12
        shown = range(calendar.first, calendar.last + 1)
        if crowded:
            shown = range(-(-calendar.first // 4) * 4, calendar.last + 1, 4)
            if calendar.first % 4:
                parts.append(_year_label(x_of(calendar.first), calendar.first_year, y))
        for index in shown:
            number = index % 4 + 1
            middle = (x_of(index) + x_of(index + 1)) / 2
            if not crowded or number == 1:
                parts.append(text(pct(middle), y, f"Q{number}", anchor="middle"))
            if number == 1 or index == calendar.first:
                parts.append(_year_label(x_of(index), index // 4, y))
        return "".join(parts)
    step = unit * year_step(calendar.years / unit, YEARS_LABELLED)
    for year in range(-(-calendar.first_year // step) * step, calendar.last_year + 1, step):
        x = x_of(year * 4)
        anchor = "start" if x < GUTTER + 4 else "end" if x > RIGHT - 4 else "middle"
        parts.append(text(pct(x), y, str(year), "kc-axis kc-year", anchor))
    return "".join(parts)


def _year_label(x: float, year: int, y: float) -> str:
    """A year under its first quarter's band, on the line below the quarters."""
    return text(pct(x), y + 15, str(year), "kc-axis kc-year")


def _medians_in_words(quarters: Sequence[QuarterPoint], fmt: Formatter) -> list[str]:
    """Each quarter's median (2025-Q3 49.0), oldest first; a run of quarters without one is
    written once (2027-Q1 to 2999-Q4 none), whether the chart is given them or not."""
    found: list[str] = []
    expected = _index(quarters[0])  # the first quarter not yet written
    for q in quarters:
        if q.median is None and not q.partial:
            continue
        index = _index(q)
        if index > expected:
            found.append(_none_in(expected, index - 1))
        value = "none" if q.median is None else fmt(q.median)
        found.append(f"{q.label} {value}" + (" (so far)" if q.partial else ""))
        expected = index + 1
    if expected <= _index(quarters[-1]):
        found.append(_none_in(expected, _index(quarters[-1])))
    return found


def _none_in(first: int, last: int) -> str:
    return f"{_label(first)} none" if first == last else f"{_label(first)} to {_label(last)} none"


def control(
    ids: Ids,
    points: Sequence[tuple[int, float, str, str]],
    quarters: Sequence[QuarterPoint],
    target: float | None,
    title: str,
    unit: str,
    fmt: Formatter,
) -> str:
    """A control chart on a calendar axis: each project's final value as a marker when it
    ended (a dot met, a cross missed), each quarter's median as a line across its quarter
    labelled with its value, the target as a labelled dashed line. An empty quarter is a gap;
    the running quarter is shaded and says "so far". Labels go where they cover nothing."""
    if not quarters:
        return ""
    ident = ids.next()
    top, plot_h, bottom = 30.0, 190.0, 40.0
    height = top + plot_h + bottom
    first, last = quarters[0].start, quarters[-1].end
    values = [v for _, v, _, _ in points] + [q.median for q in quarters if q.median is not None]
    ticks = nice_ticks(0, max([*values, *([target] if target is not None else []), 0.0]) or 1)
    scale = ticks[-1] or 1.0

    def xf(t: float) -> float:
        return GUTTER + (t - first) / (last - first) * (RIGHT - GUTTER)

    def y(v: float) -> float:
        return top + plot_h - v / scale * plot_h

    calendar = _Calendar(quarters)
    layout = Layout()
    parts = []
    for q in quarters:
        if q.partial:
            x0, x1 = xf(q.start), xf(q.end)
            parts.append(rect(pct(x0), top, pct(x1 - x0), plot_h, "kc-partial"))
            parts.append(text(pct((x0 + x1) / 2), top - 6, "so far", "kc-axis", "middle"))
    parts.append(y_axis(ticks, y, fmt, suffix(unit, fmt)))
    for i, tick in enumerate(ticks):
        label = fmt(tick) + (suffix(unit, fmt) if i == len(ticks) - 1 else "")
        layout.add(*layout.extent(LEFT, label, "start"), y(tick) - 15, y(tick) - 2)
    # Projects whose marks fall on the same spot with the same value and status are one mark
    # naming them (only the top one of a pile could be pointed at; at 1,000 projects a pile
    # of hundreds would also be hundreds of elements).
    piles: dict[tuple[str, float, str, str], list[str]] = {}
    for when, value, status, label in points:
        x, spot = xf(when), y(value)
        piles.setdefault((pct(x), round(spot, 1), status, fmt(value)), []).append(label)
        layout.add(x - 1.6, x + 1.6, spot - 5, spot + 5)
    marks_drawn = []
    for (x_text, spot, status, value_text), labels in piles.items():
        tip = f"{_named(labels)}: {value_text} {unit}{status_words(status)}"
        marks_drawn.append(mark(ident, shape_of(status), x_text, spot, f"kc-{status}", tip))
    segments = []
    for q in quarters:
        if q.median is not None:
            x0, x1 = xf(q.start) + 0.6, xf(q.end) - 0.6
            if x1 - x0 < MEDIAN_WIDTH:  # a quarter of a long span: still a visible line
                x0, x1 = (x0 + x1 - MEDIAN_WIDTH) / 2, (x0 + x1 + MEDIAN_WIDTH) / 2
            segments.append((q, x0, x1))
            layout.add(x0, x1, y(q.median) - 2, y(q.median) + 2)
    if target is not None:
        ty = y(target)
        parts.append(line(pct(GUTTER), ty, pct(RIGHT), ty, "kc-target"))
        words = f"target {fmt(target)}{suffix(unit, fmt)}"
        spots = [(RIGHT, "end", ty - 5), (RIGHT, "end", ty + 15), (GUTTER, "start", ty - 5)]
        spots.append((GUTTER, "start", ty + 15))
        for x, anchor, ly in spots:
            if top - 4 < ly < top + plot_h + 14 and layout.place(x, words, anchor, [ly]):
                parts.append(text(pct(x), ly, words, "kc-target-label", anchor))
                break
        else:
            parts.append(text(pct(RIGHT), ty - 5, words, "kc-target-label", "end"))
        layout.add(GUTTER, RIGHT, ty - 3, ty + 3)  # no value label sits on the target line
    parts.extend(marks_drawn)
    for q, x0, x1 in segments:
        assert q.median is not None
        parts.append(line(pct(x0), y(q.median), pct(x1), y(q.median), "kc-median"))
        words = fmt(q.median)
        middle = (x0 + x1) / 2
        my = y(q.median)
        at = layout.place(middle, words, "middle", [my - 5, my + 15, my - 19, my + 29, my - 33])
        if at is not None:
            parts.append(text(pct(middle), at, words, "kc-value", "middle"))
    axis_y = top + plot_h + 16
    parts.append(_quarter_axis(calendar, lambda index: xf(calendar.start(index)), axis_y))
    desc = "Median by quarter of the end event: " + ", ".join(_medians_in_words(quarters, fmt))
    if target is not None:
        desc += f"; target {fmt(target)} {unit}"
    defs = marks(ident, ("dot", "x"))
    return svg(ident, height, title, desc, "".join(parts), "kpictl-control", defs)


def spend_columns(
    ids: Ids,
    quarters: Sequence[QuarterPoint],
    by_quarter: Sequence[dict[str, float]],
    categories: Sequence[str],
    title: str,
    currency: str,
    fmt: Formatter,
) -> str:
    """What each quarter cost, stacked by category; the running quarter hatched over its
    colours and marked "so far"."""
    if not quarters:
        return ""
    ident = ids.next()
    top, plot_h, bottom = 24.0, 190.0, 40.0
    height = top + plot_h + bottom
    calendar = _Calendar(quarters)
    years = calendar.years_per_column()
    per = max(years * 4, 1)  # quarters summed in a column
    columns: dict[int, tuple[dict[str, float], bool]] = {}
    for q, spent in zip(quarters, by_quarter, strict=True):
        column = _index(q) // per
        summed, partial = columns.get(column, ({}, False))
        for category, amount in spent.items():
            summed[category] = summed.get(category, 0.0) + amount
        columns[column] = (summed, partial or q.partial)
    totals = {column: sum(spent.values()) for column, (spent, _) in columns.items()}
    ticks = nice_ticks(0, max(totals.values()) or 1)
    scale = ticks[-1] or 1.0
    first_column = calendar.first // per
    band = (RIGHT - GUTTER) / (calendar.last // per - first_column + 1)

    def y(v: float) -> float:
        return top + plot_h - v / scale * plot_h

    def x_of(index: int) -> float:  # for the quarter axis: where quarter ``index`` starts
        return GUTTER + (index / per - first_column) * band

    parts = [y_axis(ticks, y, fmt)]
    for column, (spent, partial) in columns.items():
        x0 = GUTTER + (column - first_column) * band + band * 0.15
        base = 0.0
        faded = " kc-so-far" if partial else ""
        for category in categories:
            amount = spent.get(category, 0.0)
            if amount <= 0:
                continue
            h = y(base) - y(base + amount)
            css = f"kc-cat kc-cat-{category}{faded}"
            parts.append(rect(pct(x0), y(base + amount), pct(band * 0.7), h, css))
            base += amount
        if partial and base > 0:
            h = y(0) - y(base)
            parts.append(rect(pct(x0), y(base), pct(band * 0.7), h, "kc-so-far-outline"))
            parts.append(text(pct(x0 + band * 0.35), y(base) - 5, "so far", "kc-axis", "middle"))
    axis_y = top + plot_h + 16
    parts.append(_quarter_axis(calendar, x_of, axis_y, max(years, 1)))
    if years:
        each = "a year" if years == 1 else f"{years} years"
        parts.append(text(pct(RIGHT), axis_y + 15, f"each column: {each}", "kc-axis", "end"))
        named = {c: _years_named(calendar, c * years, years) for c in columns}
        period = "year" if years == 1 else f"{years} years"
    else:
        named = {_index(q): q.label for q in quarters}
        period = "quarter"
    desc = f"Spend by {period} in {currency}: " + ", ".join(
        f"{named[column]} {fmt(totals[column])}" + (" (so far)" if partial else "")
        for column, (_, partial) in columns.items()
    )
    return svg(ident, height, title, desc, "".join(parts), "kpictl-spend")


def _years_named(calendar: _Calendar, start: int, years: int) -> str:
    """The years a column sums, within the chart's span: 2024–2199."""
    first, last = max(start, calendar.first_year), min(start + years - 1, calendar.last_year)
    return str(first) if first == last else f"{first}–{last}"


def cumulative(
    ids: Ids,
    quarters: Sequence[QuarterPoint],
    totals: Sequence[float],
    title: str,
    currency: str,
    fmt: Formatter,
) -> str:
    """The cumulative cost of ownership at the end of each quarter, as a line on a calendar
    axis; the last point is the as-of date when its quarter is still running."""
    if not quarters:
        return ""
    ident = ids.next()
    top, plot_h, bottom = 24.0, 190.0, 40.0
    height = top + plot_h + bottom
    first, last = quarters[0].start, quarters[-1].end
    ticks = nice_ticks(0, max(totals) or 1)
    scale = ticks[-1] or 1.0
    calendar = _Calendar(quarters)
    years = calendar.years_per_column()
    shown = list(zip(quarters, totals, strict=True))
    if years:  # a point at the end of every ``years`` years (found by bisection), and the last
        per = years * 4
        starts = range((calendar.first // per + 1) * per, calendar.last + 1, per)
        found = {bisect_left(quarters, start, key=_index) - 1 for start in starts}
        shown = [shown[i] for i in sorted(found)] + [shown[-1]]

    def xf(t: float) -> float:
        return GUTTER + (t - first) / (last - first) * (RIGHT - GUTTER)

    def y(v: float) -> float:
        return top + plot_h - v / scale * plot_h

    parts = [y_axis(ticks, y, fmt)]
    previous = (xf(first), y(0))
    for q, total in shown:
        point = (xf(q.end), y(total))
        parts.append(line(pct(previous[0]), previous[1], pct(point[0]), point[1], "kc-line"))
        css = "kc-open" if q.partial else "kc-point"
        tip = f"{q.label}{' so far' if q.partial else ''}: {fmt(total)}"
        parts.append(mark(ident, "dot", pct(point[0]), point[1], css, tip))
        previous = point
    parts.append(
        text(
            pct(RIGHT),
            previous[1] - 10 if previous[1] > top + 20 else previous[1] + 18,
            f"{fmt(totals[-1])} to date",
            "kc-value",
            "end",
        )
    )
    parts.append(
        _quarter_axis(calendar, lambda index: xf(calendar.start(index)), top + plot_h + 16)
    )
    every = "each quarter" if not years else "every year" if years == 1 else f"every {years} years"
    desc = f"Cumulative cost in {currency} at the end of {every}: " + ", ".join(
        f"{q.label} {fmt(t)}" + (" (so far)" if q.partial else "") for q, t in shown
    )
    defs = marks(ident, ("dot",))
    return svg(ident, height, title, desc, "".join(parts), "kpictl-cumulative", defs)


def _named(labels: list[str]) -> str:
    """The projects of one mark: "A", "A and B", "A, B, C and 4 more projects"."""
    if len(labels) == 1:
        return labels[0]
    if len(labels) <= 3:
        return ", ".join(labels[:-1]) + f" and {labels[-1]}"
    return f"{', '.join(labels[:3])} and {len(labels) - 3} more projects"
