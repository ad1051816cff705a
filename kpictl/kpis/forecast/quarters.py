"""The launches expected per calendar quarter (UTC): for independent projects, each with its
chance of launching in the quarter (its chance of launching at all times the chance its launch
falls in the quarter), the distribution of the count (a Poisson-binomial)."""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Sequence
from itertools import accumulate

from kpictl.dates import DAY, quarter
from kpictl.kpis.forecast.distributions import EPSILON, Distribution
from kpictl.kpis.results import LaunchCount

QUARTERS_AHEAD = 4  # after the quarter of the as-of date


def quarter_bounds(as_of: int, count: int = QUARTERS_AHEAD) -> list[tuple[str, int, int]]:
    """The rest of the as-of's calendar quarter (UTC), then the next ``count`` quarters; less
    than a day left of the as-of's quarter is no quarter of its own: the next one starts then."""
    year, month = (int(x) for x in quarter(as_of).split("-Q"))
    month = (month - 1) * 3 + 1
    bounds: list[tuple[str, int, int]] = []
    begin = as_of
    while len(bounds) < count + 1:
        year2, month2 = (year + 1, 1) if month == 10 else (year, month + 3)
        if year2 > 9999:
            break  # dates end with 9999: no quarter after it
        end = calendar.timegm((year2, month2, 1, 0, 0, 0))
        if end - begin >= DAY or bounds:
            bounds.append((f"{year}-Q{(month - 1) // 3 + 1}", begin, end))
            begin = end
        year, month = year2, month2
    return bounds


def count_distribution(chances: Iterable[float]) -> list[float]:
    """P(k launches) for independent projects launching with the given chances."""
    counts = [1.0]
    offset = 0  # counts[i] is P(offset + i): the negligible low end is dropped as it goes
    for p in chances:
        if p <= EPSILON:
            continue
        grown = [0.0] * (len(counts) + 1)
        for i, c in enumerate(counts):
            grown[i] += c * (1 - p)
            grown[i + 1] += c * p
        low = 0
        while low < len(grown) - 1 and grown[low] < 1e-15:
            low += 1
        high = len(grown)
        while high > low + 1 and grown[high - 1] < 1e-15:
            high -= 1
        counts, offset = grown[low:high], offset + low
    return [0.0] * offset + counts


def _ceil_days(seconds: int) -> int:
    return -(-seconds // DAY)


def launch_counts(
    launches: Sequence[tuple[int, Distribution]],
    as_of: int,
    launching: Sequence[float] | None = None,
) -> list[LaunchCount]:
    """Per quarter, the median count of launches and the most reached with 85% confidence;
    ``launches`` are the running projects' launch distributions (if they launch), each in whole
    days after its anchor (a moment), and ``launching`` their chances of launching at all."""
    bounds = quarter_bounds(as_of)
    if not bounds:
        return []  # as of the last quarter of 9999: no quarter to count launches in
    moments = [bounds[0][1], *(end for _, _, end in bounds)]
    # Done on whole day d means done by anchor + d days; each boundary's cdf once per project.
    done_before = [
        [dist.cdf(_ceil_days(m - anchor) - 1) for m in moments] for anchor, dist in launches
    ]
    rows = []
    for i, (name, begin, end) in enumerate(bounds):
        chances = [
            max(0.0, cdfs[i + 1] - cdfs[i]) * (1.0 if launching is None else launching[j])
            for j, cdfs in enumerate(done_before)
        ]
        counts = count_distribution(chances)
        cumulative = list(accumulate(counts))
        median = next(k for k, c in enumerate(cumulative) if c >= 0.5 - EPSILON)
        # the most launches reached with 85% confidence: P(count >= k) >= 0.85
        at_least = max(
            k for k in range(len(counts)) if k == 0 or 1 - cumulative[k - 1] >= 0.85 - EPSILON
        )
        rows.append(LaunchCount(name, begin, end, median, at_least))
    return rows
