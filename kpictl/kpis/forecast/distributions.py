"""Distributions of whole days: plain numbers in, plain numbers out, nothing of projects.

A duration done within its d-th day counts as d days. Probability that never reaches 1 is mass
the portfolio has not seen end (the slowest are still running): a percentile that falls there is
not given.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Iterable
from itertools import accumulate
from typing import Protocol

EPSILON = 1e-9


class Distribution(Protocol):
    """Whole days after an anchor by which a milestone is done: P(done by day k); what never
    reaches 1 is mass the portfolio has not seen end."""

    @property
    def span(self) -> tuple[int, int]: ...  # below the first, cdf is 0; from the last, constant

    def cdf(self, day: int) -> float: ...


class KaplanMeier:
    """The durations something took, as whole days (done within its d-th day counts as d),
    estimated by Kaplan–Meier over completed (True) and censored (False) observations."""

    def __init__(self, observed: Iterable[tuple[float, bool]]) -> None:
        ordered = sorted(observed, key=lambda o: (o[0], not o[1]))  # events before censoring
        self.completed = sum(1 for _, done in ordered if done)
        self.longest = max((math.ceil(d) for d, done in ordered if done), default=None)
        at_risk, survival = len(ordered), 1.0
        # each completion moment, exact (a project's elapsed time is conditioned on it)
        self.moments: list[float] = []
        self.moment_masses: list[float] = []
        i = 0
        while i < len(ordered):
            moment, events, leaving = ordered[i][0], 0, 0
            while i < len(ordered) and ordered[i][0] == moment:
                events += ordered[i][1]
                leaving += 1
                i += 1
            if events:
                after = survival * (1 - events / at_risk)
                self.moments.append(max(0.0, moment))
                self.moment_masses.append(survival - after)
                survival = after
            at_risk -= leaving
        self.tail = survival  # never seen to end: the slowest are still running
        whole = _by_day(self.moments, self.moment_masses)
        self.days, self.masses = whole.days, whole.probabilities
        # for conditioning fast: each moment's mass and all after it, and its day's place
        self._after = [*accumulate(reversed(self.moment_masses))][::-1]
        self._after.append(0.0)
        self._day_of = [bisect_right(self.days, math.ceil(m)) - 1 for m in self.moments]
        self._day_start = [0] * len(self.days)  # each day's first moment
        for k in range(len(self.moments) - 1, -1, -1):
            self._day_start[self._day_of[k]] = k

    @property
    def longest_exact(self) -> float | None:
        """The longest completed duration, in days (not rounded)."""
        return self.moments[-1] if self.moments else None

    def conditional(self, elapsed: float, scale: float = 1.0) -> Atoms:
        """The whole days it takes, given it has lasted exactly ``elapsed`` days and is not
        done: only what ended after that moment is still possible. With ``scale``, every
        duration is that many times as long (a project slower or faster than the portfolio)."""
        first = bisect_right(self.moments, elapsed / scale)
        left = self._after[first] + self.tail
        if left <= EPSILON or first == len(self.moments):
            return Atoms([], [])
        if scale != 1.0:
            moments = [m * scale for m in self.moments[first:]]
            return _by_day(moments, [m / left for m in self.moment_masses[first:]])
        # whole days from the first moment's on; that day holds only the moments after elapsed
        j = self._day_of[first]
        next_day = self._after[self._day_start[j + 1]] if j + 1 < len(self.days) else 0.0
        partial = self._after[first] - next_day
        return Atoms(self.days[j:], [partial / left, *(m / left for m in self.masses[j + 1 :])])

    def unconditional(self) -> Atoms:
        return Atoms(list(self.days), list(self.masses))


def _by_day(moments: list[float], masses: list[float]) -> Atoms:
    """Masses at exact moments (ascending) gathered on whole days: done within the d-th day
    counts as d."""
    days: list[int] = []
    out: list[float] = []
    for moment, mass in zip(moments, masses, strict=True):
        day = math.ceil(moment)
        if days and days[-1] == day:
            out[-1] += mass
        else:
            days.append(day)
            out.append(mass)
    return Atoms(days, out)


class Atoms:
    """A distribution on a few whole days (ascending, each once)."""

    def __init__(self, days: list[int], probabilities: list[float]) -> None:
        self.days = days
        self.probabilities = probabilities
        self.cumulative = list(accumulate(probabilities))

    @property
    def span(self) -> tuple[int, int]:
        return (self.days[0], self.days[-1]) if self.days else (0, 0)

    def cdf(self, day: int) -> float:
        i = bisect_right(self.days, day)
        return self.cumulative[i - 1] if i else 0.0

    def as_array(self, last: int) -> Array:
        masses = [0.0] * (last + 1)
        for d, p in zip(self.days, self.probabilities, strict=True):
            masses[d] += p
        return Array(list(accumulate(masses)))


class Array:
    """A distribution function tabulated on days 0..n-1, constant after."""

    def __init__(self, values: list[float]) -> None:
        self.values = values

    @property
    def span(self) -> tuple[int, int]:
        return 0, len(self.values) - 1

    def cdf(self, day: int) -> float:
        if day < 0:
            return 0.0
        values = self.values
        return values[day] if day < len(values) else values[-1]


class Sum:
    """Two independent durations one after the other: a few days plus a tabulated one."""

    def __init__(self, first: Atoms, then: Array) -> None:
        self.first = first
        self.then = then

    @property
    def span(self) -> tuple[int, int]:
        return self.first.span[0], self.first.span[1] + self.then.span[1]

    def cdf(self, day: int) -> float:
        values = self.then.values
        last = len(values) - 1
        total = 0.0
        for d, p in zip(self.first.days, self.first.probabilities, strict=True):
            if d > day:
                break
            k = day - d
            total += p * values[k if k < last else last]
        return total


def add(first: Atoms, then: Array) -> Array:
    """The full table of ``first`` then ``then`` (for a sum many projects share)."""
    last = first.span[1] + then.span[1]
    out = [0.0] * (last + 1)
    values = then.values
    n = len(values)
    for d, p in zip(first.days, first.probabilities, strict=True):
        for k in range(d, last + 1):
            j = k - d
            out[k] += p * values[j if j < n else n - 1]
    return Array(out)


def earliest(dist: Distribution) -> int | None:
    """The first whole day with any chance of being done; None when there is none."""
    low, high = dist.span
    if dist.cdf(high) <= EPSILON:
        return None
    while low < high:
        middle = (low + high) // 2
        if dist.cdf(middle) > EPSILON:
            high = middle
        else:
            low = middle + 1
    return low


def quantile(dist: Distribution, q: float) -> int | None:
    """The first whole day by which the milestone is done with probability q; None when the
    portfolio has not seen enough steps end to say."""
    low, high = dist.span
    if dist.cdf(high) < q - EPSILON:
        return None
    while low < high:
        middle = (low + high) // 2
        if dist.cdf(middle) >= q - EPSILON:
            high = middle
        else:
            low = middle + 1
    return low
