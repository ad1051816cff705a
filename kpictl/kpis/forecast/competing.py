"""Archiving as a competing risk: the chance that a project still on a step is archived before
it completes the step, by an Aalen–Johansen cumulative incidence over the portfolio's projects
on that step (completed, archived, or still running and censored at the as-of date).

Beyond the step's last observed end no estimate can split what is left between completing and
archiving; there the share of archivings among the longest quarter of the projects that ended
the step (completed or archived) is assumed.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable

from kpictl.kpis.forecast.distributions import EPSILON

DONE, ARCHIVED, RUNNING = 0, 1, 2


class Archiving:
    """Over one step's observations: durations in days, completed or not, and which of the
    ones not completed ended with the project archived."""

    def __init__(self, observed: Iterable[tuple[float, bool]], archived: Iterable[float]) -> None:
        left = Counter(archived)
        kinds: list[tuple[float, int]] = []
        for days, done in observed:
            if done:
                kinds.append((days, DONE))
            elif left[days] > 0:
                left[days] -= 1
                kinds.append((days, ARCHIVED))
            else:
                kinds.append((days, RUNNING))
        kinds.sort()
        ended = [(d, k) for d, k in kinds if k != RUNNING]
        longest = ended[-max(1, len(ended) // 4) :] if ended else []
        self.tail_share = (
            sum(1 for _, k in longest if k == ARCHIVED) / len(longest) if longest else 0.0
        )
        self.moments: list[float] = []
        self.incidence: list[float] = []  # archived by each moment (cumulative incidence)
        self.survival: list[float] = []  # neither completed nor archived after each moment
        at_risk, survival, incidence = len(kinds), 1.0, 0.0
        i = 0
        while i < len(kinds):
            moment = kinds[i][0]
            finished, gone, leaving = 0, 0, 0
            while i < len(kinds) and kinds[i][0] == moment:
                finished += int(kinds[i][1] == DONE)
                gone += int(kinds[i][1] == ARCHIVED)
                leaving += 1
                i += 1
            if finished or gone:
                incidence += survival * gone / at_risk
                survival *= 1 - (finished + gone) / at_risk
                self.moments.append(moment)
                self.incidence.append(incidence)
                self.survival.append(survival)
            at_risk -= leaving
        self.total = incidence + survival * self.tail_share  # archived at all, from the start

    def chance(self, elapsed: float = 0.0) -> float:
        """The chance of being archived on the step, for a project on it for ``elapsed`` days
        and neither completed nor archived."""
        i = bisect_right(self.moments, elapsed)
        survival = self.survival[i - 1] if i else 1.0
        if survival <= EPSILON:
            return self.tail_share
        incidence = self.incidence[i - 1] if i else 0.0
        return min(1.0, max(0.0, (self.total - incidence) / survival))
