"""Charts drawn at build time as inline SVG: no JavaScript, no network, light and dark palettes.

Drawn by hand rather than with a plotting library: a 1,000-project site draws over a thousand
charts, and string templates do that in milliseconds where a plotting library takes minutes.
Colours come from CSS classes (kpictl.css), which follow Material's light and dark palettes; every
chart has a title and a description, and the page puts a table with the same numbers beside it.
Status is never shown by colour alone: bars carry a text label or a pattern as well.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape

from kpictl.dates import DAY, day_text


class Ids:
    """Unique element ids on one page (a page may hold several charts)."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.count = 0

    def next(self) -> str:
        self.count += 1
        return f"{self.prefix}-{self.count}"


def _svg(ids: Ids, width: int, height: int, title: str, desc: str, body: str, css: str) -> str:
    ident = ids.next()
    return (
        f'<svg class="kpictl-chart {css}" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" '
        f'role="img" aria-labelledby="{ident}-t {ident}-d" preserveAspectRatio="xMinYMin meet">'
        f'<title id="{ident}-t">{escape(title)}</title><desc id="{ident}-d">{escape(desc)}</desc>'
        f"{body}</svg>"
    )


def _n(value: float) -> str:
    """A coordinate, as short as it can be written (120, 3.5)."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _text(x: float, y: float, text: str, css: str = "kc-axis", anchor: str = "start") -> str:
    end = "" if anchor == "start" else f' text-anchor="{anchor}"'
    return f'<text class="{css}" x="{_n(x)}" y="{_n(y)}"{end}>{escape(text)}</text>'


def _rect(x: float, y: float, w: float, h: float, css: str) -> str:
    return f'<rect class="{css}" x="{_n(x)}" y="{_n(y)}" width="{_n(w)}" height="{_n(h)}"/>'


def _line(x1: float, y1: float, x2: float, y2: float, css: str) -> str:
    return f'<line class="{css}" x1="{_n(x1)}" x2="{_n(x2)}" y1="{_n(y1)}" y2="{_n(y2)}"/>'


def _fmt(value: float) -> str:
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:.1f}".rstrip("0").rstrip(".") if value % 1 else f"{value:.0f}"


def sparkline(ids: Ids, values: Sequence[float], title: str, target: float | None = None) -> str:
    """A small trend line of medians by quarter, with the target as a dashed line."""
    width, height, pad = 120, 32, 3
    if not values:
        return ""
    span = [*values, *([target] if target is not None else [])]
    low, high = min(span), max(span)
    high = high if high > low else low + 1
    step = (width - 2 * pad) / max(len(values) - 1, 1)

    def y(v: float) -> float:
        return height - pad - (v - low) / (high - low) * (height - 2 * pad)

    points = " ".join(f"{pad + i * step:.1f},{y(v):.1f}" for i, v in enumerate(values))
    body = ""
    if target is not None:
        body += _line(0, y(target), width, y(target), "kc-target")
    body += f'<polyline class="kc-line" points="{points}"/>'
    last = values[-1]
    end_x = pad + (len(values) - 1) * step
    body += f'<circle class="kc-dot" cx="{end_x:.1f}" cy="{y(last):.1f}" r="2.5"/>'
    desc = "Median by quarter, oldest first: " + ", ".join(_fmt(v) for v in values)
    return _svg(ids, width, height, title, desc, body, "kpictl-spark")


def bars(
    ids: Ids,
    rows: Sequence[tuple[str, float, str]],
    title: str,
    unit: str,
    target: float | None = None,
) -> str:
    """Horizontal bars, one per (label, value, status), with the target as a dashed line."""
    if not rows:
        return ""
    row_h, label_w, width = 22, 230, 720
    plot_w = width - label_w - 90
    height = row_h * len(rows) + 30
    top = max([v for _, v, _ in rows] + ([target] if target is not None else [])) or 1
    parts = []
    for i, (label, value, status) in enumerate(rows):
        y = 8 + i * row_h
        w = max(1.0, value / top * plot_w)
        short = label if len(label) <= 34 else label[:33] + "…"
        shown = _fmt(value) + ("" if status in ("met", "measured") else f" {status}")
        parts.append(
            _text(label_w - 8, y + 14, short, "kc-label", "end")
            + _rect(label_w, y + 2, w, row_h - 6, f"kc-bar kc-{escape(status)}")
            + _text(label_w + w + 6, y + 14, shown, "kc-value")
        )
    if target is not None:
        x = label_w + target / top * plot_w
        parts.append(
            _line(x, 4, x, height - 22, "kc-target")
            + _text(x, height - 8, f"target {_fmt(target)}", anchor="middle")
        )
    desc = f"{len(rows)} values in {unit}" + (
        f"; target {_fmt(target)}" if target is not None else ""
    )
    return _svg(ids, width, height, title, desc, "".join(parts), "kpictl-bars")


def histogram(
    ids: Ids,
    values: Sequence[float],
    title: str,
    unit: str,
    target: float | None = None,
    bins: int = 12,
) -> str:
    """The distribution of many values, as counts per equal-width bin."""
    if not values:
        return ""
    low, high = min(values), max(values)
    high = high if high > low else low + 1
    size = (high - low) / bins
    counts = [0] * bins
    for v in values:
        counts[min(int((v - low) / size), bins - 1)] += 1
    rows = [
        (f"{_fmt(low + i * size)}–{_fmt(low + (i + 1) * size)} {unit}", float(c), "measured")
        for i, c in enumerate(counts)
    ]
    chart = bars(ids, rows, title, "projects", None)
    if target is not None:
        chart = chart.replace(
            "</desc>", f"; target {escape(_fmt(target))} {escape(unit)}</desc>", 1
        )
    return chart


def timeline(
    ids: Ids,
    rows: Sequence[tuple[str, str, int | None, int | None]],
    as_of: int,
    title: str,
) -> str:
    """A project's milestones as bars from start to done (or to now while running)."""
    dated = [t for _, _, s, e in rows for t in (s, e) if t is not None]
    if not dated:
        return ""
    start, end = min(dated), max([*dated, as_of])
    end = end if end > start else start + DAY
    row_h, label_w, width = 22, 210, 720
    plot_w = width - label_w - 110
    height = row_h * len(rows) + 34

    def x(t: int) -> float:
        return label_w + (t - start) / (end - start) * plot_w

    parts = []
    for i, (name, status, began, done) in enumerate(rows):
        y = 6 + i * row_h
        parts.append(_text(label_w - 8, y + 14, name, "kc-label", "end"))
        if began is None and done is None:
            parts.append(_text(label_w, y + 14, status.replace("_", " "), "kc-value"))
            continue
        a = began if began is not None else done
        b = done if done is not None else as_of
        assert a is not None
        x1, x2 = x(a), max(x(b), x(a) + 3)
        kind = "done" if done is not None else "running"
        parts.append(
            _rect(x1, y + 3, x2 - x1, row_h - 8, f"kc-bar kc-{kind}")
            + _text(x2 + 6, y + 14, status.replace("_", " "), "kc-value")
        )
    axis_y = height - 10
    for t, anchor in ((start, "start"), (end, "end")):
        label = day_text(t)
        parts.append(_text(x(t), axis_y, label, anchor=anchor))
    desc = f"Milestones from {day_text(start)} to {day_text(end)}; the table below lists the dates"
    return _svg(ids, width, height, title, desc, "".join(parts), "kpictl-timeline")


def curve(
    ids: Ids,
    points: Sequence[tuple[str, float]],
    t1: float | None,
    b: float | None,
    title: str,
    unit: str,
    start: str = "start",
) -> str:
    """Each launched project's value by launch order (``start``: the milestone that orders
    them, in words), with the fitted T_k = T_1 · k^b."""
    if not points:
        return ""
    width, height, left, bottom = 720, 300, 70, 40
    plot_w, plot_h = width - left - 20, height - bottom - 20
    n = len(points)
    top = max(v for _, v in points) * 1.1 or 1

    def x(k: float) -> float:
        return left + (k - 1) / max(n - 1, 1) * plot_w

    def y(v: float) -> float:
        return 20 + plot_h - v / top * plot_h

    parts = [
        _line(left, 20 + plot_h, left + plot_w, 20 + plot_h, "kc-axisline"),
        _line(left, 20, left, 20 + plot_h, "kc-axisline"),
        _text(
            left + plot_w / 2,
            height - 6,
            f"launch order (k-th project by {start})",
            anchor="middle",
        ),
        _text(left - 8, y(top / 1.1), _fmt(top / 1.1), anchor="end"),
        _text(left - 8, 20 + plot_h, f"0 {unit}", anchor="end"),
    ]
    if t1 is not None and b is not None and n > 1:
        steps = 40
        fitted = " ".join(
            f"{x(1 + i * (n - 1) / steps):.1f},{y(t1 * (1 + i * (n - 1) / steps) ** b):.1f}"
            for i in range(steps + 1)
        )
        parts.append(f'<polyline class="kc-fit" points="{fitted}"/>')
    for k, (label, v) in enumerate(points, 1):
        tip = escape(f"{label}: {_fmt(v)}")
        dot = f'cx="{x(k):.1f}" cy="{y(v):.1f}" r="5"'
        parts.append(f'<circle class="kc-dot" {dot}><title>{tip}</title></circle>')
        parts.append(_text(x(k), 20 + plot_h + 16, str(k), anchor="middle"))
    desc = "; ".join(f"{k}. {label}: {_fmt(v)} {unit}" for k, (label, v) in enumerate(points, 1))
    if b is not None:
        desc += f"; fitted rate per doubling {2**b:.2f}"
    return _svg(ids, width, height, title, desc, "".join(parts), "kpictl-curve")


def stacked(
    ids: Ids,
    columns: Sequence[tuple[str, dict[str, float]]],
    categories: Sequence[str],
    title: str,
    unit: str,
) -> str:
    """Stacked columns (one per quarter) of cumulative cost by category, with a legend."""
    if not columns:
        return ""
    width, height, left, bottom = 720, 320, 80, 70
    plot_w, plot_h = width - left - 20, height - bottom - 20
    top = max(sum(c.values()) for _, c in columns) or 1
    col_w = plot_w / len(columns)
    parts = [
        _line(left, 20 + plot_h, left + plot_w, 20 + plot_h, "kc-axisline"),
        _text(left - 8, 26, _fmt(top), anchor="end"),
        _text(left - 8, 20 + plot_h, f"0 {unit}", anchor="end"),
    ]
    every = max(1, math.ceil(len(columns) / 12))
    for i, (label, values) in enumerate(columns):
        base = 20.0 + plot_h
        for j, category in enumerate(categories):
            h = values.get(category, 0.0) / top * plot_h
            if h <= 0:
                continue
            base -= h
            parts.append(
                f'<rect class="kc-cat kc-cat{j % 6}" x="{left + i * col_w + 2:.1f}" y="{base:.1f}" '
                f'width="{max(col_w - 4, 1):.1f}" height="{h:.1f}"/>'
            )
        if i % every == 0:
            parts.append(
                f'<text class="kc-axis" x="{left + (i + 0.5) * col_w:.1f}" y="{20 + plot_h + 14}" '
                f'text-anchor="middle">{escape(label)}</text>'
            )
    for j, category in enumerate(categories):
        lx = left + j * 105
        parts.append(
            _rect(lx, height - 24, 12, 12, f"kc-cat kc-cat{j % 6}")
            + _text(lx + 16, height - 14, category)
        )
    last_label, last = columns[-1]
    desc = f"Cumulative cost by category to {last_label}: " + ", ".join(
        f"{c} {_fmt(last.get(c, 0.0))} {unit}" for c in categories
    )
    return _svg(ids, width, height, title, desc, "".join(parts), "kpictl-stacked")
