"""The statistics of the portfolio view: plain functions on lists of numbers."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

MIN_CURVE_POINTS = 3  # below this a fit is not reported at all
RELIABLE_CURVE_POINTS = 8  # below this the rate is reported with a warning


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0..100) by linear interpolation between closest ranks."""
    if not values:
        raise ValueError("percentile of no values")
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low = math.floor(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def median(values: Sequence[float]) -> float:
    return percentile(values, 50)


@dataclass(frozen=True)
class Summary:
    n: int
    median: float | None
    p85: float | None
    min: float | None
    max: float | None


def summarise(values: Sequence[float]) -> Summary:
    if not values:
        return Summary(0, None, None, None, None)
    return Summary(len(values), median(values), percentile(values, 85), min(values), max(values))


@dataclass(frozen=True)
class Curve:
    """T_k = t1 · k^b fitted to the k-th project's value; rate per doubling = 2^b."""

    n: int
    t1: float | None
    b: float | None
    rate_per_doubling: float | None
    note: str


def learning_curve(values: Sequence[float]) -> Curve:
    """Least squares on logarithms over values in order (k = 1, 2, ...); values must be > 0."""
    n = len(values)
    if n < MIN_CURVE_POINTS:
        return Curve(
            n,
            None,
            None,
            None,
            f"only {n} launched project{'s' if n != 1 else ''}; a learning curve needs "
            f"at least {MIN_CURVE_POINTS}",
        )
    xs = [math.log(k) for k in range(1, n + 1)]
    ys = [math.log(v) for v in values]
    mean_x, mean_y = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mean_x) ** 2 for x in xs)
    sxy = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True))
    b = sxy / sxx
    t1 = math.exp(mean_y - b * mean_x)
    rate = 2**b
    if n < RELIABLE_CURVE_POINTS:
        note = (
            f"only {n} launched projects: the rate is indicative, not reliable "
            f"(it needs {RELIABLE_CURVE_POINTS} or more to mean much)"
        )
    else:
        change = (1 - rate) * 100
        note = (
            f"each doubling of the number of launched projects "
            f"{'cuts' if change >= 0 else 'raises'} it by {abs(change):.0f}%"
        )
    return Curve(n, t1, b, rate, note)
