"""How good the launch forecasts are, on the portfolio's own history: at each month-end in the
past, forecast every then-running project from what was known then, and compare with what
happened by the as-of date.

Forecasts are grouped by horizon: how far ahead their p50 was when they were made (known when
the forecast is made; grouping by when the launch actually came would pick the outcomes). A
percentile is scored once its date has passed by the as-of date, so that every forecast whose
date has come counts, launched or not; a forecast whose date is still to come is not scored yet.
Projects archived without launching are left out of the dates' score (a date says when a
project launches if it launches) and counted apart; the chance of launching at all
(``p_launch``) is scored on every forecast whose project has launched or been archived by the
as-of date (Brier score, and a reliability table by tenths). The launches counted per quarter
are scored on the quarters that have ended by the as-of date: did the projects running at the
month-end launch at least as many times as the count reached with 85% confidence?
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone

from kpictl.config import Config
from kpictl.dates import DAY
from kpictl.kpis.forecast.forecaster import forecast_portfolio
from kpictl.kpis.stats import median
from kpictl.kpis.timeline import Timeline

# (label, from days, to days) of the p50's lead over the month-end it was forecast at
HORIZONS: tuple[tuple[str, int, int | None], ...] = (
    ("within 90 days", 0, 90),
    ("90 to 180 days", 90, 180),
    ("180 to 365 days", 180, 365),
    ("over 365 days", 365, None),
)


@dataclass
class HorizonScore:
    horizon: str
    forecasts: int = 0  # forecasts with a p50 in this horizon
    scored_p50: int = 0  # ... whose p50 has passed by the as-of date
    landed_by_p50: int = 0
    scored_p85: int = 0
    landed_by_p85: int = 0
    errors: list[float] = field(default_factory=list)  # |launch − p50| in days, when scored

    @property
    def share_by_p50(self) -> float | None:
        return self.landed_by_p50 / self.scored_p50 if self.scored_p50 else None

    @property
    def share_by_p85(self) -> float | None:
        return self.landed_by_p85 / self.scored_p85 if self.scored_p85 else None

    @property
    def median_abs_error_days(self) -> float | None:
        return median(self.errors) if self.errors else None

    def add(self, p50: int, p85: int | None, launched: int | None, as_of: int) -> None:
        self.forecasts += 1
        if p50 <= as_of:
            self.scored_p50 += 1
            self.landed_by_p50 += launched is not None and launched <= p50
            # still not launched: the error so far, a lower bound
            self.errors.append(abs((launched if launched is not None else as_of) - p50) / DAY)
        if p85 is not None and p85 <= as_of:
            self.scored_p85 += 1
            self.landed_by_p85 += launched is not None and launched <= p85


@dataclass(frozen=True)
class Reliability:
    """Forecasts whose p_launch fell in [low, high): how many, their mean, how many launched."""

    low: float
    high: float
    forecasts: int
    mean_p_launch: float
    launched: int


@dataclass
class Backtest:
    as_of: int
    month_ends: list[int]
    horizons: list[HorizonScore]
    overall: HorizonScore
    without_date: int = 0  # forecasts of running projects that gave no p50
    abandoned: int = 0  # forecasts of projects archived since without launching: not scored
    # (p_launch, launched) of every forecast whose project has launched or been archived since
    outcomes: list[tuple[float, bool]] = field(default_factory=list)
    quarters: int = 0  # quarters (after a month-end) ended by the as-of date
    quarters_held: int = 0  # ... in which at least the 85%-confidence count launched

    @property
    def brier(self) -> float | None:
        """The mean squared gap between p_launch and what happened (0 is perfect; always
        saying 50% scores 0.25)."""
        if not self.outcomes:
            return None
        return sum((p - launched) ** 2 for p, launched in self.outcomes) / len(self.outcomes)

    def reliability(self) -> list[Reliability]:
        rows = []
        for tenth in range(10):
            low, high = tenth / 10, (tenth + 1) / 10
            inside = [(p, y) for p, y in self.outcomes if low <= p < high or (p == high == 1)]
            if inside:
                mean = sum(p for p, _ in inside) / len(inside)
                rows.append(Reliability(low, high, len(inside), mean, sum(y for _, y in inside)))
        return rows


def month_ends(first: int, as_of: int) -> list[int]:
    """The last second (UTC) of every month from ``first``'s to the one before ``as_of``."""
    start = datetime.fromtimestamp(first, timezone.utc)
    year, month = start.year, start.month
    out: list[int] = []
    while True:
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        end = calendar.timegm((year, month, 1, 0, 0, 0)) - 1
        if end >= as_of:
            return out
        out.append(end)


def _launches(final: Iterable[Timeline], config: Config) -> tuple[dict[str, int], set[str]]:
    """When each project launched by the as-of date; the projects archived without launching."""
    launched: dict[str, int] = {}
    abandoned: set[str] = set()
    for t in final:
        d = t.milestones.get(config.roles.launch)
        if d is not None and d.status == "done" and d.done_at is not None:
            launched[t.id] = d.done_at
        elif t.archived:
            abandoned.add(t.id)
    return launched, abandoned


def score(
    snapshots: Iterable[tuple[int, list[Timeline]]],
    final: list[Timeline],
    config: Config,
    as_of: int,
) -> Backtest:
    """Score the forecasts made at each (month-end, timelines known then) against ``final``,
    the timelines as of ``as_of``."""
    launched, abandoned = _launches(final, config)
    result = Backtest(as_of, [], [HorizonScore(h[0]) for h in HORIZONS], HorizonScore("all"))
    for made_at, timelines in snapshots:
        result.month_ends.append(made_at)
        forecast = forecast_portfolio(timelines, config, made_at)
        for count in forecast.launches:
            if count.end <= as_of:
                result.quarters += 1
                landed = sum(
                    count.begin <= launched[pid] < count.end
                    for pid in forecast.projects
                    if pid in launched
                )
                result.quarters_held += landed >= count.at_least_85
        for pid, f in forecast.projects.items():
            if f.p_launch is not None and (pid in launched or pid in abandoned):
                result.outcomes.append((f.p_launch, pid in launched))
            if pid in abandoned:
                result.abandoned += 1
                continue
            if f.p50 is None:
                result.without_date += 1
                continue
            lead = (f.p50 - made_at) / DAY
            row = next(
                i for i, (_, low, high) in enumerate(HORIZONS) if high is None or lead < high
            )
            for target in (result.horizons[row], result.overall):
                target.add(f.p50, f.p85, launched.get(pid), as_of)
    return result
