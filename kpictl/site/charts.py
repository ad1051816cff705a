"""The site's charts, drawn at build time as inline SVG: no JavaScript, no network.

Drawn by hand rather than with a plotting library: a 1,000-project site draws over a thousand
charts, and string templates do that in milliseconds where a plotting library takes minutes.
Every chart is fluid (svg.py): it fills the column on a phone or a laptop with its text at 12 px.
Each has a title and a description, and the page puts a table with the same numbers beside it.

The rules they follow: time runs left to right on a calendar axis, with empty quarters left as
gaps and a running quarter marked; every axis has ticks, gridlines and its unit; a target is a
labelled line that no value label sits on; running bars are hatched, finished bars solid; a
status is never shown by colour alone (a word or a marker shape goes with it).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo
from html import escape
from itertools import pairwise

from kpictl.dates import long_day_text
from kpictl.site.svg import (
    GUTTER,
    LEFT,
    RIGHT,
    Formatter,
    Ids,
    Layout,
    Scale,
    bar_style,
    fits,
    hatches,
    line,
    mark,
    marks,
    nice_ticks,
    pct,
    rect,
    suffix,
    svg,
    text,
    y_axis,
)

__all__ = ["Ids", "QuarterPoint", "bars", "control", "curve", "histogram", "sparkline", "timeline"]

SHAPES = {"missed": "x", "overdue": "x"}  # every other status is a dot


def _shape(status: str) -> str:
    return SHAPES.get(status, "dot")


def _suffix(status: str) -> str:
    return "" if status in ("met", "measured") else f" {status.replace('_', ' ')}"


def _short(label: str, limit: int = 30) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def sparkline(ids: Ids, values: Sequence[float | None], title: str, target: float | None) -> str:
    """A small line of medians by quarter, from zero, with the target dashed; an empty quarter
    is a gap in the line. No text: the tile writes its first and last values beside it."""
    known = [v for v in values if v is not None]
    if len(known) < 2:
        return ""
    width, height, pad = 120.0, 36.0, 3.0
    top = max([*known, *([target] if target is not None else [])]) * 1.05 or 1.0
    step = (width - 2 * pad) / max(len(values) - 1, 1)

    def y(v: float) -> float:
        return height - pad - v / top * (height - 2 * pad)

    runs: list[list[str]] = [[]]
    for i, v in enumerate(values):
        if v is None:
            runs.append([])
        else:
            runs[-1].append(f"{pad + i * step:.1f},{y(v):.1f}")
    body = f'<line class="kc-zero" x1="0" x2="{width:g}" y1="{y(0):.1f}" y2="{y(0):.1f}"/>'
    if target is not None:
        body += f'<line class="kc-target" x1="0" x2="{width:g}" y1="{y(target):.1f}" '
        body += f'y2="{y(target):.1f}"/>'
    for run in runs:
        if len(run) > 1:
            body += f'<polyline class="kc-line" points="{" ".join(run)}"/>'
        elif run:
            cx, cy = run[0].split(",")
            body += f'<circle class="kc-dot" cx="{cx}" cy="{cy}" r="2"/>'
    last = len(values) - 1 - next(i for i, v in enumerate(reversed(values)) if v is not None)
    end = values[last]
    assert end is not None
    body += f'<circle class="kc-dot" cx="{pad + last * step:.1f}" cy="{y(end):.1f}" r="2.5"/>'
    ident = ids.next()
    desc = "Median by quarter, oldest first, from zero: " + ", ".join(
        "none" if v is None else f"{v:,.1f}" for v in values
    )
    return (
        f'<svg class="kpictl-chart kpictl-spark" viewBox="0 0 {width:g} {height:g}" '
        f'role="img" aria-labelledby="{ident}-t {ident}-d" preserveAspectRatio="none">'
        f'<title id="{ident}-t">{escape(title)}</title><desc id="{ident}-d">{desc}</desc>'
        f"{body}</svg>"
    )


def _value_axis(
    ticks: list[float], x_of: Callable[[float], str], fmt: Formatter, unit: str, y: float
) -> str:
    """Tick labels under a horizontal value axis; the last carries ``unit`` (" days")."""
    parts = []
    for i, tick in enumerate(ticks):
        anchor = "start" if i == 0 else "end" if i == len(ticks) - 1 else "middle"
        label = fmt(tick) + (unit if i == len(ticks) - 1 else "")
        parts.append(text(x_of(tick), y, label, anchor=anchor))
    return "".join(parts)


def bars(
    ids: Ids,
    rows: Sequence[tuple[str, float, str]],
    title: str,
    unit: str,
    target: float | None,
    fmt: Formatter,
) -> str:
    """Horizontal bars, one per (label, value, status): the label and value on a line of their
    own above each bar, so neither ever sits on the target line, drawn beside the bars. The
    axis fits the final values and the target; a running value far beyond them runs off the
    axis, cut with a gap, its full value written."""
    if not rows:
        return ""
    ident = ids.next()
    top_pad, row_h, bar_y, bar_h = 24.0, 36.0, 17.0, 12.0
    height = top_pad + row_h * len(rows) + 22
    goal = [target] if target is not None else []
    final = [v for _, v, s in rows if s not in ("running", "overdue")]
    high = max(final + goal) * 1.15 if final else max([v for _, v, _ in rows] + goal)
    ticks = nice_ticks(0, high or 1, 4)
    scale = ticks[-1] or 1.0

    def xf(v: float) -> float:
        return LEFT + v / scale * (RIGHT - LEFT)

    def x(v: float) -> str:
        return pct(xf(v))

    parts = []
    for i, (label, value, status) in enumerate(rows):
        y0 = top_pad + i * row_h
        shown = fmt(value) + _suffix(status)
        parts.append(text(pct(LEFT), y0 + 12, _short(label), "kc-label"))
        parts.append(text(pct(RIGHT), y0 + 12, shown, f"kc-value kc-{status}", "end"))
        for tick in ticks[1:]:
            parts.append(line(x(tick), y0 + bar_y - 3, x(tick), y0 + bar_y + bar_h + 3, "kc-grid"))
        css, fill = bar_style(ident, status)
        width = min(max(xf(value) - LEFT, 0.4), RIGHT - LEFT)
        parts.append(rect(pct(LEFT), y0 + bar_y, pct(width), bar_h, css, fill))
        if value > scale:  # off the axis: a gap near its end says the bar is cut
            parts.append(rect(pct(RIGHT - 4), y0 + bar_y - 2, pct(1.2), bar_h + 4, "kc-cut"))
        if target is not None:
            parts.append(
                line(x(target), y0 + bar_y - 4, x(target), y0 + bar_y + bar_h + 4, "kc-target")
            )
    if target is not None:
        parts.append(_target_label(xf(target), 14, f"target {fmt(target)}{suffix(unit, fmt)}"))
    parts.append(_value_axis(ticks, x, fmt, suffix(unit, fmt), height - 6))
    desc = f"{len(rows)} values in {unit}" + (
        f"; target {fmt(target)} {unit}" if target is not None else ""
    )
    body = "".join(parts)
    return svg(ident, height, title, desc, body, "kpictl-bars", hatches(ident))


def _target_label(x: float, y: float, words: str) -> str:
    """The target's label at the top of its line, kept inside the chart."""
    room_left, room_right = x - LEFT, RIGHT - x
    if fits(words, room_right * 2) and fits(words, room_left * 2):
        return text(pct(x), y, words, "kc-target-label", "middle")
    if room_right >= room_left:
        return text(pct(x), y, words, "kc-target-label")
    return text(pct(x), y, words, "kc-target-label", "end")


def histogram(
    ids: Ids,
    values: Sequence[float],
    title: str,
    unit: str,
    target: float | None,
    fmt: Formatter,
    bins: int = 12,
) -> str:
    """The distribution of many values: how many projects fall in each equal-width range; the
    range holding the target says so."""
    if not values:
        return ""
    low, high = min(values), max(values)
    high = high if high > low else low + 1
    size = (high - low) / bins
    counts = [0] * bins
    for v in values:
        counts[min(int((v - low) / size), bins - 1)] += 1
    rows = []
    for i, count in enumerate(counts):
        start, end = low + i * size, low + (i + 1) * size
        holds = target is not None and start <= target < end
        label = f"{fmt(start)}–{fmt(end)}{suffix(unit, fmt)}" + (" (target)" if holds else "")
        rows.append((label, float(count), "measured"))
    return bars(ids, rows, title, "projects", None, lambda v: f"{v:,.0f}")


def _month_ticks(start: int, end: int, tz: tzinfo) -> list[tuple[int, str]]:
    """Month starts between ``start`` and ``end`` (at most five), labelled Mar 2025."""
    first = datetime.fromtimestamp(start, tz)
    last = datetime.fromtimestamp(end, tz)
    months = (last.year - first.year) * 12 + last.month - first.month + 1
    step = next((s for s in (1, 2, 3, 6, 12, 24, 48) if months / s <= 5), 120)
    found: list[tuple[int, str]] = []
    index = first.year * 12 + first.month  # the month after the first day's month
    while True:
        year, month = divmod(index, 12)
        moment = datetime(year, month + 1, 1, tzinfo=tz)
        stamp = int(moment.timestamp())
        if stamp > end:
            return found
        if (month % step == 0 or step == 1) and stamp >= start:
            found.append((stamp, moment.strftime("%b %Y")))
        index += 1


def timeline(
    ids: Ids,
    rows: Sequence[tuple[str, str, int | None, int | None]],
    start: int,
    end: int,
    as_of: int,
    title: str,
    tz: tzinfo,
) -> str:
    """A project's milestones, each on a row of its own from ``start`` to ``end``: a solid bar
    from when it started to when it was done, hatched while in progress (to the as-of date), a
    diamond when it was done at once; skipped and not started are written, not drawn. The
    as-of date is a line when it falls inside the span."""
    if not rows or end <= start:
        return ""
    ident = ids.next()
    top_pad, row_h, bar_y, bar_h = 24.0, 34.0, 19.0, 10.0
    height = top_pad + row_h * len(rows) + 22
    span = end - start

    def xf(t: int) -> float:
        return LEFT + (min(max(t, start), end) - start) / span * (RIGHT - LEFT)

    ticks = _month_ticks(start, end, tz)
    if len(ticks) < 2:  # a span of weeks: its first and last days
        ticks = [(start, _day(start, tz)), (end, _day(end, tz))]
    bottom = top_pad + row_h * len(rows)
    parts = [line(pct(xf(t)), top_pad, pct(xf(t)), bottom, "kc-grid") for t, _ in ticks]
    for i, (name, status, began, done) in enumerate(rows):
        y0 = top_pad + i * row_h
        if status == "skipped" or (began is None and done is None):
            note = "skipped" if status == "skipped" else "not started"
        elif done is not None and (began is None or xf(done) - xf(began) < 0.8):
            note = f"done {_day(done, tz)}"
            parts.append(mark(ident, "diamond", pct(xf(done)), y0 + bar_y + bar_h / 2, "kc-done"))
        else:
            assert began is not None
            stop = done if done is not None else as_of
            css, fill = ("kc-bar kc-done", "") if done is not None else bar_style(ident, "running")
            width = max(xf(stop) - xf(began), 0.6)
            parts.append(rect(pct(xf(began)), y0 + bar_y, pct(width), bar_h, css, fill))
            note = f"done {_day(done, tz)}" if done is not None else f"since {_day(began, tz)}"
        words = escape(f"{_short(name, 32)} · {note}")
        parts.append(f'<text x="{pct(LEFT)}" y="{y0 + 12:g}">{words}</text>')
    if start <= as_of <= end:
        x = xf(as_of)
        parts.append(line(pct(x), top_pad - 4, pct(x), bottom, "kc-today"))
        label = _target_label(x, 14, f"as of {_day(as_of, tz)}")
        parts.append(label.replace("kc-target-label", "kc-today-label"))
    for stamp, label in ticks:
        anchor = "middle"
        if xf(stamp) < 12:
            anchor = "start"
        elif xf(stamp) > 88:
            anchor = "end"
        parts.append(text(pct(xf(stamp)), height - 6, label, anchor=anchor))
    desc = (
        f"Milestones from {_day(start, tz)} to {_day(end, tz)}; the table below lists each "
        "one's dates"
    )
    return svg(
        ident,
        height,
        title,
        desc,
        "".join(parts),
        "kpictl-timeline",
        hatches(ident, ("running",)) + marks(ident, ("diamond",)),
    )


def _day(epoch: int, tz: tzinfo) -> str:
    return long_day_text(epoch, tz)


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
        tip = f"{label}: {fmt(value)} {unit}{_suffix(status)}"
        marks_drawn.append(
            mark(ident, _shape(status), pct(xf(when)), y(value), f"kc-{status}", tip)
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


def curve(
    ids: Ids,
    points: Sequence[tuple[str, float]],
    t1: float | None,
    b: float | None,
    target: float | None,
    title: str,
    unit: str,
    fmt: Formatter,
    order: str,
) -> str:
    """Each launched project's value by launch order (``order``: what orders them, in words),
    with the fitted T_k = T_1 · k^b and the target."""
    if not points:
        return ""
    ident = ids.next()
    top, plot_h, bottom = 24.0, 200.0, 44.0
    height = top + plot_h + bottom
    count = len(points)
    fitted = []
    if t1 is not None and b is not None and count > 1:
        steps = 48
        fitted = [
            (1 + i * (count - 1) / steps, t1 * (1 + i * (count - 1) / steps) ** b)
            for i in range(steps + 1)
        ]
    high = max([v for _, v in points] + [v for _, v in fitted] + ([target] if target else []))
    ticks = nice_ticks(0, high or 1)
    scale = ticks[-1] or 1.0

    def xf(k: float) -> float:
        return GUTTER + 2 + (k - 1) / max(count - 1, 1) * (RIGHT - GUTTER - 4)

    def y(v: float) -> float:
        return top + plot_h - v / scale * plot_h

    parts = [y_axis(ticks, y, fmt, suffix(unit, fmt))]
    if target is not None:
        words = f"target {fmt(target)}{suffix(unit, fmt)}"
        parts.append(line(pct(GUTTER), y(target), pct(RIGHT), y(target), "kc-target"))
        ty = y(target) - 5 if y(target) - 5 > top else y(target) + 15
        parts.append(text(pct(RIGHT), ty, words, "kc-target-label", "end"))
    for (k0, v0), (k1, v1) in pairwise(fitted):
        parts.append(line(pct(xf(k0)), y(v0), pct(xf(k1)), y(v1), "kc-fit"))
    every = max(1, -(-count // 12))
    for k, (label, value) in enumerate(points, 1):
        parts.append(
            mark(
                ident, "dot", pct(xf(k)), y(value), "kc-point", f"{k}. {label}: {fmt(value)} {unit}"
            )
        )
        if (k - 1) % every == 0 or k == count:
            parts.append(text(pct(xf(k)), top + plot_h + 16, str(k), anchor="middle"))
    parts.append(
        text(
            pct(50), height - 6, f"launch order: k-th launched project by {order}", anchor="middle"
        )
    )
    desc = "; ".join(f"{k}. {label}: {fmt(v)} {unit}" for k, (label, v) in enumerate(points, 1))
    if b is not None:
        desc += f"; fitted rate per doubling {2**b:.2f}"
    return svg(ident, height, title, desc, "".join(parts), "kpictl-curve", marks(ident, ("dot",)))


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
