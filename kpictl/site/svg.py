"""The pieces charts are drawn with: fluid SVG, where x is a percentage of the column's width and
y is in pixels, with no viewBox, so a chart fills a phone's column or a laptop's and its text is
drawn at the size the stylesheet gives it (12 px), never scaled down.

Colours come from CSS classes (kpictl.css), so charts follow the light and dark palettes.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from html import escape

LEFT, RIGHT = 1.0, 99.0  # the plot's horizontal extent, in percent of the width
GUTTER = 11.0  # where a plot with a y axis starts: its labels ($600k, 150 days) sit left of it
CHAR_PX = 6.6  # the width of a character of 12 px chart text, on average, for layout


class Ids:
    """Unique element ids on one page (a page may hold several charts)."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.count = 0

    def next(self) -> str:
        self.count += 1
        return f"{self.prefix}-{self.count}"


def n(value: float) -> str:
    """A coordinate, as short as it can be written (120, 3.5)."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


def pct(value: float) -> str:
    return f"{n(value)}%"


def svg(
    ident: str, height: float, title: str, desc: str, body: str, css: str, defs: str = ""
) -> str:
    """A fluid chart: the column's width, ``height`` pixels high."""
    return (
        f'<svg class="kpictl-chart {css}" width="100%" height="{n(height)}" role="img" '
        f'aria-labelledby="{ident}-t {ident}-d">'
        f'<title id="{ident}-t">{escape(title)}</title><desc id="{ident}-d">{escape(desc)}</desc>'
        f"{f'<defs>{defs}</defs>' if defs else ''}{body}</svg>"
    )


def text(x: str, y: float, words: str, css: str = "kc-axis", anchor: str = "start") -> str:
    """Text at ``x`` (a percentage, or pixels) and ``y`` pixels."""
    end = "" if anchor == "start" else f' text-anchor="{anchor}"'
    return f'<text class="{css}" x="{x}" y="{n(y)}"{end}>{escape(words)}</text>'


def rect(x: str, y: float, w: str, h: float, css: str, extra: str = "") -> str:
    return f'<rect class="{css}" x="{x}" y="{n(y)}" width="{w}" height="{n(h)}"{extra}/>'


def line(x1: str, y1: float, x2: str, y2: float, css: str) -> str:
    return f'<line class="{css}" x1="{x1}" x2="{x2}" y1="{n(y1)}" y2="{n(y2)}"/>'


def mark(ident: str, shape: str, x: str, y: float, css: str, tip: str = "") -> str:
    """A marker (a shape of ``marks``) centred on (``x``, ``y``), with an optional tooltip."""
    title = f"<title>{escape(tip)}</title>" if tip else ""
    return f'<use href="#{ident}-{shape}" x="{x}" y="{n(y)}" class="kc-mark {css}">{title}</use>'


MARK_OF = {"missed": "x", "overdue": "x"}  # the marker of a status; every other is a dot


def shape_of(status: str) -> str:
    """The marker a value of ``status`` is drawn with: a cross when it misses its target."""
    return MARK_OF.get(status, "dot")


def status_words(status: str) -> str:
    """What a value label adds after the number: " overdue", " running"; nothing when met."""
    return "" if status in ("met", "measured") else f" {status.replace('_', ' ')}"


SHAPES = {
    "dot": '<circle id="{}-dot" r="4.5"/>',
    "x": '<path id="{}-x" d="M-4.5-4.5L4.5 4.5M-4.5 4.5L4.5-4.5"/>',
    "diamond": '<path id="{}-diamond" d="M0-6L6 0 0 6-6 0Z"/>',
}


def marks(ident: str, shapes: tuple[str, ...] = ("dot", "x", "diamond")) -> str:
    """The markers a chart places with ``mark``: a dot, a cross (missed) and a diamond."""
    return "".join(SHAPES[shape].format(ident) for shape in shapes)


def hatches(ident: str, kinds: tuple[str, ...] = ("running", "overdue")) -> str:
    """Hatched fills for bars still running (and running late): ``url(#<ident>-running)``."""
    return "".join(
        f'<pattern id="{ident}-{kind}" width="6" height="6" patternUnits="userSpaceOnUse" '
        f'patternTransform="rotate(45)"><rect width="6" height="6" class="kc-hatch-ground"/>'
        f'<line x1="1.5" y1="0" x2="1.5" y2="6" class="kc-hatch-{kind}"/></pattern>'
        for kind in kinds
    )


def bar_style(ident: str, status: str) -> tuple[str, str]:
    """The class and fill attribute of a bar: solid when finished, hatched while running."""
    if status in ("running", "overdue"):
        return f"kc-hatched kc-{status}", f' fill="url(#{ident}-{status})"'
    return f"kc-bar kc-{status}", ""


def nice_ticks(low: float, high: float, count: int = 4) -> list[float]:
    """Round values from ``low`` to at least ``high`` for an axis: about ``count`` steps."""
    if high <= low:
        high = low + 1
    raw = (high - low) / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    first = math.floor(low / step) * step
    ticks = [first]
    while ticks[-1] < high - 1e-9:
        ticks.append(ticks[-1] + step)
    return [round(t, 10) for t in ticks]


YEAR_STEPS = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000)


def year_step(years: float, most: int) -> int:
    """The smallest round number of years (1, 2, 5, 10, 20, ...) that cuts ``years`` into at
    most ``most`` steps: a calendar axis draws a few ticks whatever its span."""
    return next((step for step in YEAR_STEPS if years / step <= most), YEAR_STEPS[-1])


PHONE_PX = 340  # the narrowest column a chart is laid out for


class Layout:
    """The boxes already drawn on a chart (x in percent, y in pixels), so that a label can be
    placed where it covers nothing: x extents are reckoned on a phone's column, the widest a
    label can be in percent."""

    def __init__(self) -> None:
        self.boxes: list[tuple[float, float, float, float]] = []

    def add(self, x0: float, x1: float, y0: float, y1: float) -> None:
        self.boxes.append((x0, x1, y0, y1))

    @staticmethod
    def extent(x: float, words: str, anchor: str) -> tuple[float, float]:
        width = len(words) * CHAR_PX / PHONE_PX * 100
        start = {"start": x, "middle": x - width / 2, "end": x - width}[anchor]
        return start, start + width

    def free(self, x0: float, x1: float, y0: float, y1: float) -> bool:
        return all(x1 < a or x0 > b or y1 < top or y0 > bottom for a, b, top, bottom in self.boxes)

    def place(self, x: float, words: str, anchor: str, baselines: list[float]) -> float | None:
        """The first of ``baselines`` where 12 px text at ``x`` covers nothing (and take it)."""
        x0, x1 = self.extent(x, words, anchor)
        for y in baselines:
            if self.free(x0, x1, y - 11, y + 3):
                self.add(x0, x1, y - 11, y + 3)
                return y
        return None


def fits(words: str, percent_free: float, width_px: float = PHONE_PX) -> bool:
    """Whether ``words`` fit in ``percent_free`` of a phone's column (the narrowest drawn)."""
    return len(words) * CHAR_PX <= percent_free / 100 * width_px


Formatter = Callable[[float], str]  # a value as a chart writes it
Scale = Callable[[float], float]  # a value or a time to its place on an axis


def suffix(unit: str, fmt: Formatter) -> str:
    """The unit to write after a value: " days"; nothing when the value shows it ($1.2M)."""
    shown = fmt(1000.0)
    return "" if unit in shown or not shown[:1].isdigit() else f" {unit}"


def y_axis(ticks: list[float], y: Scale, fmt: Formatter, unit_last: str = "") -> str:
    """Horizontal gridlines across the plot, each labelled above its left end; the last label
    carries the unit (``unit_last``: "150 days")."""
    parts = []
    for i, tick in enumerate(ticks):
        label = fmt(tick) + (unit_last if i == len(ticks) - 1 else "")
        parts.append(line(pct(0), y(tick), pct(100), y(tick), "kc-grid" if tick else "kc-zero"))
        parts.append(text(pct(0), y(tick) - 4, label, "kc-axis kc-tick"))
    return "".join(parts)
