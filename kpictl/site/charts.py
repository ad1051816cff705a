"""The site's charts, drawn at build time as inline SVG: no JavaScript, no network.

Drawn by hand rather than with a plotting library: a 1,000-project site draws over a thousand
charts, and string templates do that in milliseconds where a plotting library takes minutes.
Every chart is fluid (svg.py): it fills the column on a phone or a laptop with its text at 12 px.
This module draws values per project and per milestone; trends.py draws calendar quarters.
Each has a title and a description, and the page puts a table with the same numbers beside it.

The rules they follow: time runs left to right on a calendar axis, with empty quarters left as
gaps and a running quarter marked; every axis has ticks, gridlines and its unit; a target is a
labelled line that no value label sits on; running bars are hatched, finished bars solid; a
status is never shown by colour alone (a word or a marker shape goes with it).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
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
    bar_style,
    fits,
    hatches,
    line,
    mark,
    marks,
    nice_ticks,
    pct,
    rect,
    status_words,
    suffix,
    svg,
    text,
    y_axis,
    year_step,
)

__all__ = ["Ids", "bars", "curve", "histogram", "sparkline", "timeline"]


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
            if runs[-1]:
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
    desc = "Median by quarter, oldest first, from zero: " + ", ".join(_medians_in_words(values))
    return (
        f'<svg class="kpictl-chart kpictl-spark" viewBox="0 0 {width:g} {height:g}" '
        f'role="img" aria-labelledby="{ident}-t {ident}-d" preserveAspectRatio="none">'
        f'<title id="{ident}-t">{escape(title)}</title><desc id="{ident}-d">{desc}</desc>'
        f"{body}</svg>"
    )


def _medians_in_words(values: Sequence[float | None]) -> list[str]:
    """Each value (12.4), "none" for an empty quarter, and a run of empty quarters once ("none
    for 3,990 quarters"), so that a span of centuries is described in a few words."""
    found: list[str] = []
    empty = 0
    for v in [*values, 0.0]:
        if v is None:
            empty += 1
            continue
        if empty:
            found.append("none" if empty == 1 else f"none for {empty:,} quarters")
            empty = 0
        found.append(f"{v:,.1f}")
    return found[:-1]


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
        shown = fmt(value) + status_words(status)
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
    """Month starts between ``start`` and ``end`` (at most five), labelled Mar 2025: every 1,
    2, 3 or 6 months over months; every January of every 1, 2, 5, 10, 20... years over years.
    Only the ticks drawn are reckoned, so a span of centuries costs no more than one of weeks."""
    first = datetime.fromtimestamp(start, tz)
    last = datetime.fromtimestamp(end, tz)
    months = (last.year - first.year) * 12 + last.month - first.month + 1
    step = next((s for s in (1, 2, 3, 6) if months / s <= 5), None)
    if step is None:
        return _january_ticks(first.year + 1, last.year, year_step(months / 12, 5), end, tz)
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


def _january_ticks(
    first_year: int, last_year: int, step: int, end: int, tz: tzinfo
) -> list[tuple[int, str]]:
    """The first of January of every ``step``-th year from ``first_year`` to ``end``."""
    found: list[tuple[int, str]] = []
    for year in range(-(-first_year // step) * step, last_year + 1, step):
        moment = datetime(year, 1, 1, tzinfo=tz)
        stamp = int(moment.timestamp())
        if stamp > end:
            break
        found.append((stamp, moment.strftime("%b %Y")))
    return found


def timeline(
    ids: Ids,
    rows: Sequence[tuple[str, str, int | None, int | None]],
    start: int,
    end: int,
    as_of: int,
    title: str,
    tz: tzinfo,
    forecasts: Mapping[str, tuple[int, int | None]] | None = None,
) -> str:
    """A project's milestones, each on a row of its own from ``start`` to ``end``: a solid bar
    from when it started to when it was done, hatched while in progress (to the as-of date), a
    diamond when it was done at once; a skipped one is written, not drawn. The as-of date is a
    line when it falls inside the span. ``forecasts`` (by row name: the 50% and 85% dates) draw
    a milestone not yet done as an outlined band from its likely to its latest date. A
    milestone not started and not forecast has nothing to draw: it gets no row (the page lists
    those in words), so an early project's chart is not a column of empty rows on a phone."""
    rows = [
        row
        for row in rows
        if row[1] == "skipped"
        or row[2] is not None
        or row[3] is not None
        or row[0] in (forecasts or {})
    ]
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
        expected = (forecasts or {}).get(name)
        if expected is not None and done is None and status != "skipped":
            likely, latest = expected
            x0 = xf(likely)
            x1 = max(xf(latest) if latest is not None else RIGHT, x0 + 0.8)
            parts.append(rect(pct(x0), y0 + bar_y, pct(x1 - x0), bar_h, "kc-forecast"))
            note += f" · likely by {_day(likely, tz)}"
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
    with the fitted learning curve (a power law of the launch order) and the target."""
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
        # The label goes where it covers no data point and no part of the fitted curve.
        layout = Layout()
        for k, (_, value) in enumerate(points, 1):
            layout.add(xf(k) - 1.6, xf(k) + 1.6, y(value) - 5, y(value) + 5)
        for k0, v0 in fitted:
            layout.add(xf(k0) - 0.5, xf(k0) + 0.5, y(v0) - 2, y(v0) + 2)
        words = f"target {fmt(target)}{suffix(unit, fmt)}"
        ty = y(target)
        parts.append(line(pct(GUTTER), ty, pct(RIGHT), ty, "kc-target"))
        spots = [(RIGHT, "end"), (GUTTER + 1, "start"), (50.0, "middle")]
        tries = [(x, a, ly) for ly in (ty - 5, ty + 15) for x, a in spots]
        tries += [(x, a, ly) for ly in (ty - 19, ty + 29) for x, a in spots]
        spot = next(
            (
                (x, a, ly)
                for x, a, ly in tries
                if top - 4 < ly < top + plot_h + 14 and layout.place(x, words, a, [ly]) is not None
            ),
            (RIGHT, "end", ty - 5 if ty - 5 > top else ty + 15),
        )
        parts.append(text(pct(spot[0]), spot[2], words, "kc-target-label", spot[1]))
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
    parts.append(text(pct(50), height - 6, f"launch order, by {order}", anchor="middle"))
    desc = "; ".join(f"{k}. {label}: {fmt(v)} {unit}" for k, (label, v) in enumerate(points, 1))
    if b is not None:
        desc += f"; each doubling of launches changes the value by {(2**b - 1) * 100:+.0f}%"
    return svg(ident, height, title, desc, "".join(parts), "kpictl-curve", marks(ident, ("dot",)))
