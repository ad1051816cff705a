"""Charts over calendar quarters, drawn at build time as fluid SVG (svg.py): a KPI's control
chart, what each quarter cost, and the cumulative cost of ownership.

Time runs left to right on a calendar axis in the configured time zone; an empty quarter is a
gap, the running quarter is marked; labels go where they cover nothing, never on the target.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from kpictl.site.svg import (
    GUTTER,
    LEFT,
    RIGHT,
    Formatter,
    Ids,
    Layout,
    Scale,
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


def _quarter_axis(quarters: Sequence[QuarterPoint], xf: Scale, y: float) -> str:
    """Quarter labels (Q1 to Q4) under their bands, with the year under each first quarter."""
    parts = []
    crowded = len(quarters) > 12
    for i, q in enumerate(quarters):
        year, number = q.label.split("-")
        middle = (xf(float(q.start)) + xf(float(q.end))) / 2
        if not crowded or number == "Q1":
            parts.append(text(pct(middle), y, number, anchor="middle"))
        if number == "Q1" or i == 0:
            parts.append(text(pct(xf(float(q.start))), y + 15, year, "kc-axis kc-year"))
    return "".join(parts)


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
    marks_drawn = []
    for when, value, status, label in points:
        tip = f"{label}: {fmt(value)} {unit}{status_words(status)}"
        marks_drawn.append(
            mark(ident, shape_of(status), pct(xf(when)), y(value), f"kc-{status}", tip)
        )
        layout.add(xf(when) - 1.6, xf(when) + 1.6, y(value) - 5, y(value) + 5)
    segments = []
    for q in quarters:
        if q.median is not None:
            x0, x1 = xf(q.start) + 0.6, xf(q.end) - 0.6
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
    parts.append(_quarter_axis(quarters, xf, top + plot_h + 16))
    desc = "Median by quarter of the end event: " + ", ".join(
        f"{q.label} {'none' if q.median is None else fmt(q.median)}"
        + (" (so far)" if q.partial else "")
        for q in quarters
    )
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
    totals = [sum(v.values()) for v in by_quarter]
    ticks = nice_ticks(0, max(totals) or 1)
    scale = ticks[-1] or 1.0
    band = (RIGHT - GUTTER) / len(quarters)

    def y(v: float) -> float:
        return top + plot_h - v / scale * plot_h

    def xf(t: float) -> float:  # for the quarter axis: a quarter's band by its start
        index = next(i for i, q in enumerate(quarters) if q.start <= t <= q.end)
        q = quarters[index]
        return GUTTER + (index + (t - q.start) / (q.end - q.start)) * band

    parts = [y_axis(ticks, y, fmt)]
    for i, (q, spent) in enumerate(zip(quarters, by_quarter, strict=True)):
        x0 = GUTTER + i * band + band * 0.15
        base = 0.0
        faded = " kc-so-far" if q.partial else ""
        for category in categories:
            amount = spent.get(category, 0.0)
            if amount <= 0:
                continue
            h = y(base) - y(base + amount)
            css = f"kc-cat kc-cat-{category}{faded}"
            parts.append(rect(pct(x0), y(base + amount), pct(band * 0.7), h, css))
            base += amount
        if q.partial and base > 0:
            h = y(0) - y(base)
            parts.append(rect(pct(x0), y(base), pct(band * 0.7), h, "kc-so-far-outline"))
            parts.append(text(pct(x0 + band * 0.35), y(base) - 5, "so far", "kc-axis", "middle"))
    parts.append(_quarter_axis(quarters, xf, top + plot_h + 16))
    desc = f"Spend by quarter in {currency}: " + ", ".join(
        f"{q.label} {fmt(total)}" + (" (so far)" if q.partial else "")
        for q, total in zip(quarters, totals, strict=True)
    )
    return svg(ident, height, title, desc, "".join(parts), "kpictl-spend")


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

    def xf(t: float) -> float:
        return GUTTER + (t - first) / (last - first) * (RIGHT - GUTTER)

    def y(v: float) -> float:
        return top + plot_h - v / scale * plot_h

    parts = [y_axis(ticks, y, fmt)]
    previous = (xf(first), y(0))
    for q, total in zip(quarters, totals, strict=True):
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
    parts.append(_quarter_axis(quarters, xf, top + plot_h + 16))
    desc = f"Cumulative cost in {currency} at the end of each quarter: " + ", ".join(
        f"{q.label} {fmt(t)}" + (" (so far)" if q.partial else "")
        for q, t in zip(quarters, totals, strict=True)
    )
    defs = marks(ident, ("dot",))
    return svg(ident, height, title, desc, "".join(parts), "kpictl-cumulative", defs)
