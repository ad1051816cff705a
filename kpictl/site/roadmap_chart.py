"""The roadmap chart: running projects as lanes on one calendar axis, grouped by team.

Each lane shows the phase so far (proof of concept done: solid; the current phase to today:
hatched, in the overdue colour and with the word "late" when the project is late), the next
milestone's likely date (a diamond), and the expected launch: a band from the date it is likely
launched by to the date it is launched by at the latest, or a dashed arrow from the date it will
not be launched before. A line marks today. Fluid SVG with 12 px text, as every chart (svg.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import tzinfo
from html import escape

from kpictl.dates import DAY, long_day_text
from kpictl.site.charts import _month_ticks
from kpictl.site.svg import (
    LEFT,
    RIGHT,
    Ids,
    bar_style,
    fits,
    hatches,
    line,
    mark,
    marks,
    n,
    pct,
    rect,
    svg,
    text,
)

TOP, TEAM_H, ROW_H, BAR_Y, BAR_H = 40.0, 28.0, 34.0, 18.0, 11.0
LABEL_CHARS = 50  # a lane's name and expected launch fit a phone's column together


@dataclass(frozen=True)
class Lane:
    team: str  # the team's display name
    name: str
    state: str
    start: int | None
    go_at: int | None
    next_at: int | None
    next_title: str | None
    p50: int | None
    p85: int | None
    not_before: int | None
    late: bool
    expected: str  # the expected launch in a few words: likely 12 Mar 2027, no date yet


def _short(label: str, limit: int) -> str:
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"


def span_of(lanes: list[Lane], as_of: int) -> tuple[int, int]:
    """From the first start to the last date drawn, with room after it for an arrow."""
    starts = [lane.start for lane in lanes if lane.start is not None]
    ends = [
        t
        for lane in lanes
        for t in (lane.next_at, lane.p50, lane.p85, lane.not_before)
        if t is not None
    ]
    start = min([*starts, as_of - 90 * DAY])
    end = max([*ends, as_of]) + 45 * DAY
    return start, end


def roadmap_chart(ids: Ids, lanes: list[Lane], as_of: int, title: str, tz: tzinfo) -> str:
    if not lanes:
        return ""
    ident = ids.next()
    start, end = span_of(lanes, as_of)
    span = end - start

    def xf(t: int) -> float:
        return LEFT + (min(max(t, start), end) - start) / span * (RIGHT - LEFT)

    teams = list(dict.fromkeys(lane.team for lane in lanes))
    height = TOP + TEAM_H * len(teams) + ROW_H * len(lanes) + 24
    bottom = height - 22
    ticks = _month_ticks(start, end, tz)
    parts = [line(pct(xf(t)), TOP - 6, pct(xf(t)), bottom, "kc-grid") for t, _ in ticks]
    for stamp, label in ticks:
        anchor = "start" if xf(stamp) < 12 else "end" if xf(stamp) > 88 else "middle"
        parts.append(text(pct(xf(stamp)), TOP - 10, label, anchor=anchor))
        parts.append(text(pct(xf(stamp)), height - 6, label, anchor=anchor))
    y = TOP
    for team in teams:
        parts.append(text(pct(LEFT), y + 20, _short(team, 50), "kc-team"))
        y += TEAM_H
        for lane in (lane for lane in lanes if lane.team == team):
            parts.append(_lane(ident, lane, y, xf, as_of, tz))
            y += ROW_H
    x = xf(as_of)
    parts.append(line(pct(x), TOP - 6, pct(x), bottom, "kc-today"))
    words = f"today {long_day_text(as_of, tz)}"
    anchor = "middle" if fits(words, min(x - LEFT, RIGHT - x) * 2) else "end"
    if anchor == "end" and x - LEFT < RIGHT - x:
        anchor = "start"
    parts.append(text(pct(x), 12, words, "kc-today-label", anchor))
    desc = (
        f"{len(lanes)} running projects of {len(teams)} teams from "
        f"{long_day_text(start, tz)} to {long_day_text(end, tz)}; the table below lists each "
        "one's next milestone and expected launch"
    )
    defs = hatches(ident) + marks(ident, ("diamond",))
    return svg(ident, height, title, desc, "".join(parts), "kpictl-roadmap", defs)


def _lane(
    ident: str, lane: Lane, y: float, xf: Callable[[int], float], as_of: int, tz: tzinfo
) -> str:
    day = long_day_text
    parts = []
    css = "kc-lane-label" + (" kc-late" if lane.late else "")
    said = ("late · " if lane.late else "") + lane.expected
    parts.append(text(pct(LEFT), y + 13, _short(lane.name, LABEL_CHARS - len(said) - 2), css))
    parts.append(text(pct(RIGHT), y + 13, said, css, "end"))
    bar_top = y + BAR_Y
    if lane.start is not None:
        now = "overdue" if lane.late else "running"
        css, fill = bar_style(ident, now)
        if lane.go_at is not None and lane.go_at > lane.start:
            done_w = max(xf(lane.go_at) - xf(lane.start), 0.4)
            parts.append(rect(pct(xf(lane.start)), bar_top, pct(done_w), BAR_H, "kc-bar kc-done"))
            begin = lane.go_at
        else:
            begin = lane.start
        width = max(xf(as_of) - xf(begin), 0.4)
        parts.append(rect(pct(xf(begin)), bar_top, pct(width), BAR_H, css, fill))
    mid = bar_top + BAR_H / 2
    if lane.p50 is not None:
        stop = lane.p85 if lane.p85 is not None else lane.p50
        width = max(xf(stop) - xf(lane.p50), 0.8)
        tip = f"{lane.name}: likely launched by {day(lane.p50, tz)}" + (
            f", at the latest {day(lane.p85, tz)}" if lane.p85 is not None else ""
        )
        parts.append(
            f'<rect class="kc-band" x="{pct(xf(lane.p50))}" y="{n(bar_top - 2)}" '
            f'width="{pct(width)}" height="{n(BAR_H + 4)}"><title>{escape(tip)}</title></rect>'
        )
    elif lane.not_before is not None:
        x0 = xf(lane.not_before)
        parts.append(line(pct(x0), mid, pct(RIGHT), mid, "kc-not-before"))
        parts.append(
            line(pct(x0), bar_top - 2, pct(x0), bar_top + BAR_H + 2, "kc-not-before-start")
        )
        parts.append(text(pct(RIGHT), mid + 4, "▶", "kc-not-before-end", "end"))
    if lane.next_at is not None:
        tip = (
            f"{lane.name}: {lane.next_title or 'next milestone'} likely by {day(lane.next_at, tz)}"
        )
        parts.append(mark(ident, "diamond", pct(xf(lane.next_at)), mid, "kc-next", tip))
    return "".join(parts)
