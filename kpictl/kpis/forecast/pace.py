"""Whether the portfolio's pace has changed: each step's median duration for the projects that
started it in the later half of the record against the earlier half, each estimated by
Kaplan–Meier (a regression of completed durations on start dates would find every portfolio
speeding up: of the projects started lately only the fast ones have finished).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from kpictl.dates import DAY
from kpictl.kpis.forecast.distributions import KaplanMeier, quantile
from kpictl.kpis.forecast.path import YEAR, Seen

# the later half's steps taking this much less (more) time than the earlier half's is a trend
FASTER, SLOWER = 0.85, 1 / 0.85
Z = 3.0  # and the log-rank test says so at three standard errors
MIN_GAP_DAYS = 90  # halves whose typical starts are closer say nothing of a pace per year
MOST_PER_YEAR = 2.0  # a rate per year from a short record is held within halving or doubling


@dataclass(frozen=True)
class Pace:
    ratio: float  # the later half's step durations over the earlier half's (geometric mean)
    steps: int  # the steps compared
    per_year: float  # a step started a year later takes this many times as long
    z: float  # the log-rank score, later half against earlier (positive: the later faster)

    @property
    def changed(self) -> bool:
        """A change both large and unlikely to be chance."""
        return (self.ratio <= FASTER and self.z >= Z) or (self.ratio >= SLOWER and self.z <= -Z)

    def note(self) -> str:
        """For people, beside the forecasts."""
        change = abs(1 - self.per_year)
        way, less, then = (
            ("faster", "less", "early") if self.per_year < 1 else ("slower", "more", "late")
        )
        return (
            f"teams have been getting {way} (a step started a year later takes about "
            f"{change:.0%} {less} time): these dates assume that pace today, and are {then} "
            "if it has stopped"
        )


def pace(seen: Seen, keys: Sequence[str], min_basis: int) -> Pace | None:
    """The change of pace over the steps ``keys``, from the steps where both halves have at
    least ``min_basis`` completed and a median; None when no step has."""
    logs, rates, scores = [], [], []
    for key in keys:
        pairs = list(zip(seen.anchors[key], seen.durations[key], strict=True))
        if not pairs:
            continue
        starts = sorted(a for a, _ in pairs)
        cut = starts[len(pairs) // 2]  # steps started on it are in the later half
        earlier = [d for a, d in pairs if a < cut]
        later = [d for a, d in pairs if a >= cut]
        early_km, late_km = KaplanMeier(earlier), KaplanMeier(later)
        if min(early_km.completed, late_km.completed) < min_basis:
            continue
        before, after = _median(early_km), _median(late_km)
        gap = _middle([a for a in starts if a >= cut]) - _middle([a for a in starts if a < cut])
        if before and after and gap >= MIN_GAP_DAYS * DAY:
            logs.append(math.log(after / before))
            rates.append(logs[-1] / (gap / YEAR))
            scores.append(log_rank(later, earlier))
    if not logs:
        return None
    z = sum(scores) / math.sqrt(len(scores))
    per_year = min(MOST_PER_YEAR, max(1 / MOST_PER_YEAR, math.exp(sum(rates) / len(rates))))
    return Pace(math.exp(sum(logs) / len(logs)), len(logs), per_year, z)


def log_rank(group: list[tuple[float, bool]], other: list[tuple[float, bool]]) -> float:
    """The log-rank statistic (a z-score) of ``group`` against ``other``: positive when the
    group's steps end sooner than the other's."""
    merged = sorted(
        [(d, done, True) for d, done in group] + [(d, done, False) for d, done in other]
    )
    n1, n2 = len(group), len(other)
    observed = expected = variance = 0.0
    i = 0
    while i < len(merged):
        moment = merged[i][0]
        d1 = d2 = left1 = left2 = 0
        while i < len(merged) and merged[i][0] == moment:
            _, done, mine = merged[i]
            if mine:
                d1 += done
                left1 += 1
            else:
                d2 += done
                left2 += 1
            i += 1
        n, d = n1 + n2, d1 + d2
        if d and n >= 2:
            observed += d1
            expected += d * n1 / n
            variance += d * (n1 / n) * (n2 / n) * (n - d) / (n - 1)
        n1 -= left1
        n2 -= left2
    return 0.0 if variance <= 0 else (observed - expected) / math.sqrt(variance)


def _middle(ordered: list[int]) -> float:
    return ordered[len(ordered) // 2] if ordered else 0


def _median(km: KaplanMeier) -> float | None:
    day = quantile(km.unconditional(), 0.5)
    return None if day is None else max(day, 1)
