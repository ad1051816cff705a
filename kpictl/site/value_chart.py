"""A project's cumulative value against its cumulative cost over time, with the payback point.

Estimated and measured value are told apart by line pattern (measured solid, with estimates
dashed), not by colour alone; cost is a third, thinner line. Values come from the KPI engine
(``ProjectValue.curve``); this module only draws them.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from datetime import datetime, tzinfo

from kpictl.site.svg import (
    GUTTER,
    RIGHT,
    Formatter,
    Ids,
    line,
    marks,
    nice_ticks,
    pct,
    svg,
    text,
    y_axis,
)

Point = tuple[int, float, float, float]  # (moment, cost, estimated value, measured value)


def _ticks(start: int, end: int, tz: tzinfo) -> list[tuple[int, str]]:
    """Quarter starts between ``start`` and ``end``, thinned to at most four, as Jan 2025."""
    first = datetime.fromtimestamp(start, tz)
    found = []
    year, month = first.year, (first.month - 1) // 3 * 3 + 4
    while True:
        if month > 12:
            year, month = year + 1, month - 12
        moment = datetime(year, month, 1, tzinfo=tz)
        stamp = int(moment.timestamp())
        if stamp > end:
            break
        found.append((stamp, moment.strftime("%b %Y")))
        month += 3
    step = max(1, -(-len(found) // 4))
    return found[::step]


def value_against_cost(
    ids: Ids,
    points: Sequence[Point],
    paid_back_at: int | None,
    title: str,
    fmt: Formatter,
    tz: tzinfo,
    day: Formatter,
) -> str:
    """The chart; empty when there is nothing to draw. ``day`` writes a moment as a date."""
    if len(points) < 2 or points[-1][0] <= points[0][0]:
        return ""
    ident = ids.next()
    top, plot_h, bottom = 24.0, 190.0, 40.0
    height = top + plot_h + bottom
    start, end = points[0][0], points[-1][0]
    high = max(max(c, e + m) for _, c, e, m in points)
    ticks = nice_ticks(0, high or 1)
    scale = ticks[-1] or 1.0

    def x(t: float) -> float:
        return GUTTER + (t - start) / (end - start) * (RIGHT - GUTTER)

    def y(v: float) -> float:
        return top + plot_h - v / scale * plot_h

    parts = [y_axis(ticks, y, fmt)]
    estimated = any(e > 0 for _, _, e, _ in points)
    for (t0, c0, e0, m0), (t1, c1, e1, m1) in itertools.pairwise(points):
        parts.append(line(pct(x(t0)), y(c0), pct(x(t1)), y(c1), "kc-v-cost"))
        parts.append(line(pct(x(t0)), y(m0), pct(x(t1)), y(m1), "kc-v-measured"))
        if estimated:
            parts.append(line(pct(x(t0)), y(e0 + m0), pct(x(t1)), y(e1 + m1), "kc-v-estimate"))
    axis_y = top + plot_h + 16
    for stamp, label in _ticks(start, end, tz):
        parts.append(line(pct(x(stamp)), top + plot_h, pct(x(stamp)), top + plot_h + 4, "kc-grid"))
        parts.append(text(pct(x(stamp)), axis_y, label, "kc-axis", "middle"))
    last = points[-1]
    words = [f"cost {fmt(last[1])}", f"value {fmt(last[2] + last[3])}"]
    desc = f"As of {day(end)}: " + ", ".join(words)
    if estimated:
        desc += f" ({fmt(last[3])} measured)"
    if paid_back_at is not None and start <= paid_back_at <= end:
        cost = _at(points, paid_back_at)
        px, py = x(paid_back_at), y(cost)
        parts.append(f'<use href="#{ident}-diamond" x="{pct(px)}" y="{py:.1f}" class="kc-v-paid"/>')
        label = f"paid back {day(paid_back_at)}"
        # Value crosses cost from below: above-left and below-right of the point are free.
        if px > 60:
            parts.append(text(pct(px - 1.5), py - 10, label, "kc-value", "end"))
        else:
            parts.append(text(pct(px + 1.5), py + 20, label, "kc-value", "start"))
        desc += f"; value reached cost on {day(paid_back_at)}"
    else:
        desc += "; value has not reached cost"
    parts += _end_labels(y(last[1]), y(last[2] + last[3]), fmt(last[1]), fmt(last[2] + last[3]))
    defs = marks(ident, ("diamond",))
    return svg(ident, height, title, desc, "".join(parts), "kpictl-value-chart", defs)


def _end_labels(cost_y: float, value_y: float, cost: str, value: str) -> list[str]:
    """ "cost" and "value" at the right end of their lines, the upper one above the other."""
    upper, lower = ("value", value_y), ("cost", cost_y)
    if cost_y < value_y:
        upper, lower = lower, upper
    words = {"value": f"value {value}", "cost": f"cost {cost}"}
    top_y = min(upper[1] - 8, lower[1] - 22)
    return [
        text(pct(RIGHT), top_y, words[upper[0]], "kc-value", "end"),
        text(
            pct(RIGHT),
            lower[1] + 16 if lower[1] - 8 - top_y < 14 else lower[1] - 8,
            words[lower[0]],
            "kc-axis",
            "end",
        ),
    ]


def _at(points: Sequence[Point], moment: int) -> float:
    """The cumulative cost at ``moment``, straight between the points around it."""
    for (t0, c0, _, _), (t1, c1, _, _) in itertools.pairwise(points):
        if t0 <= moment <= t1:
            return c0 if t1 == t0 else c0 + (c1 - c0) * (moment - t0) / (t1 - t0)
    return points[-1][1]
