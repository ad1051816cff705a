"""Each running project's launch forecast, and the portfolio's: the conditioned current step
followed by the full distributions of the steps after it, read at the 50th and 85th percentiles;
the launches per quarter counted from the same distributions."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from kpictl.config import Config
from kpictl.dates import DAY, long_day_text
from kpictl.kpis.forecast.distributions import (
    Array,
    Distribution,
    Sum,
    add,
    earliest,
    quantile,
)
from kpictl.kpis.forecast.pace import pace
from kpictl.kpis.forecast.path import (
    PRODUCTION,
    YEAR,
    LaunchPath,
    Step,
    StepDef,
    anchor_of_go,
    seen,
    status,
)
from kpictl.kpis.forecast.quarters import launch_counts
from kpictl.kpis.results import Forecast, LaunchCount, MilestoneForecast
from kpictl.kpis.timeline import Dated, Timeline

QUANTILES = (0.50, 0.85)
# The reason a forecast has a p50 and no p85 because too few projects completed a step.
TOO_FEW_FOR_P85 = "a date that 85% of projects meet needs at least"


def level(q: float, n: int) -> float:
    """The level at which to read a distribution estimated from ``n`` completed examples for a
    date that a new project meets with probability ``q``: a new duration falls at or below the
    k-th of n observed ones with probability k/(n+1), so the k that gives q is q*(n+1), the
    estimate's level q*(n+1)/n. Above 1 (n < q/(1-q)) the examples cannot give that date."""
    return q * (n + 1) / n


@dataclass
class _Outlook:
    """A forecast with the distribution it came from (for the counts per quarter)."""

    forecast: Forecast
    anchor: int = 0
    dist: Distribution | None = None


@dataclass(frozen=True)
class PortfolioForecast:
    projects: dict[str, Forecast]  # every project neither launched nor archived
    launches: list[LaunchCount]
    not_counted: list[str]  # running projects whose launch has no distribution to count


def _date(anchor: int, day: int | None) -> int | None:
    return None if day is None else anchor + day * DAY


def _day(epoch: int) -> str:
    return long_day_text(epoch).replace("\u00a0", " ")


class _Forecaster:
    def __init__(
        self, config: Config, as_of: int, steps: dict[str, Step], per_year: float = 1.0
    ) -> None:
        self.config = config
        self.per_year = per_year
        self.as_of = as_of
        self.steps = steps
        self.path = LaunchPath.of(config)
        self.min_basis = config.forecast.min_basis
        self._after_go: Array | None = None

    def _too_little(self, used: Iterable[StepDef]) -> str | None:
        """Why the least-observed step of ``used`` is too little to forecast from, if it is."""
        step = min(used, key=lambda s: self.steps[s.key].completed)
        n = self.steps[step.key].completed
        if n < self.min_basis:
            window = self.config.forecast.window_days
            within = "" if window is None else f" that started in the last {window} days"
            return (
                f"too little history: {n} project{'' if n == 1 else 's'} completed "
                f"{step.label}{within}; a forecast needs {self.min_basis} "
                "(forecast.min_basis in kpictl.yaml)"
            )
        return None

    def after_go(self) -> Array:
        """From the go milestone to launch, for a project that has not reached it yet."""
        if self._after_go is None:
            self._after_go = add(self.steps[PRODUCTION].unconditional(), self._lag())
        return self._after_go

    def project(self, t: Timeline) -> _Outlook:
        roles = self.config.roles
        ms = t.milestones
        start = ms[roles.start].done_at if roles.start in ms else None
        left = tuple(m for m in self.path.production if status(t, m) not in ("done", "skipped"))
        in_production = status(t, roles.go) in ("done", "skipped")
        outlook = self._launch(t, start, in_production, left)
        f = outlook.forecast
        launch = MilestoneForecast(roles.launch, f.p50, f.p85)
        f.next = self._next(t, start, in_production, left, launch)
        return outlook

    def _launch(
        self, t: Timeline, start: int | None, in_production: bool, left: tuple[str, ...]
    ) -> _Outlook:
        roles, path = self.config.roles, self.path
        used = [path.go, path.built, path.lag] if not in_production else [path.built, path.lag]
        if in_production and not left:
            used = [path.lag]
        basis = min(self.steps[s.key].completed for s in used)
        outlook = _Outlook(Forecast(roles.launch, None, None, None, basis, None))
        f = outlook.forecast
        if status(t, roles.launch) == "skipped":
            f.reason = f"{roles.launch} is skipped: there is no launch to forecast"
            return outlook
        f.reason = self._too_little(used)
        if f.reason is not None:
            return outlook
        ahead: Array | None  # the steps after the current one, in full
        if not in_production:
            if start is None:
                f.reason = f"{roles.start} has no date to count from"
                return outlook
            anchor, step, ahead = start, path.go, self.after_go()
        else:
            go_at = anchor_of_go(t, roles.go)
            if go_at is None:
                f.reason = (
                    f"{roles.go} has no date git can vouch for (skipped without a date, or "
                    "done when the project file was added): declare it (date: YYYY-MM-DD) "
                    "to forecast"
                )
                return outlook
            anchor, step, ahead = go_at, path.built, self._lag()
            if not left:
                done = (t.milestones[m].done_at for m in path.production if m in t.milestones)
                anchor = max([anchor, *(d for d in done if d is not None and d <= self.as_of)])
                step, ahead = path.lag, None
        scale = self._scale(anchor)
        elapsed = (self.as_of - anchor) / DAY / scale  # at the portfolio's pace now
        current = self.steps[step.key]
        f.past_p85 = self._past_p85(step, elapsed)
        f.p_launch = self._p_launch(used, step, elapsed)
        first = current.conditional(elapsed * scale, scale)
        if not first.days:
            # past everything the portfolio has seen end: a bound, not a date
            since = max(self.as_of, anchor + round((current.longest_exact or 0) * scale * DAY))
            shortest = 0 if ahead is None else earliest(ahead) or 0
            f.not_before = since + shortest * DAY
            f.reason = (
                f"not before {_day(f.not_before)}: already longer {step.words} "
                f"({(self.as_of - anchor) / DAY:.0f} days) than any project that finished it "
                f"({current.longest} days)"
            )
            return outlook
        outlook.anchor = anchor
        dist: Distribution = first if ahead is None else Sum(first, ahead)
        self._fill(outlook, dist)
        return outlook

    def _scale(self, anchor: int) -> float:
        """How many times as long as the portfolio's steps now a step started at ``anchor``
        takes (1 unless the pace has changed)."""
        return float(self.per_year ** ((anchor - self.as_of) / YEAR))

    def _lag(self) -> Array:
        lag = self.steps[self.path.lag.key].unconditional()
        return lag.as_array(lag.span[1])

    def _p_launch(self, used: list[StepDef], current: StepDef, elapsed: float) -> float:
        """The chance of launching at all: of not being archived on this step, from the time
        already spent on it, nor on any step after it."""
        chance = 1.0
        for s in used:
            archiving = self.steps[s.key].archiving
            chance *= 1 - archiving.chance(elapsed if s == current else 0.0)
        return chance

    def _past_p85(self, step: StepDef, elapsed: float) -> bool | None:
        """Whether the project has spent longer on its step than 85% of the projects that took
        it (None when the portfolio has not seen 85% of them end)."""
        usual = quantile(self.steps[step.key].unconditional(), 0.85)
        return None if usual is None else elapsed > usual

    def _fill(self, outlook: _Outlook, dist: Distribution) -> None:
        f = outlook.forecast
        n = f.basis
        p50, p85 = (quantile(dist, level(q, n)) for q in QUANTILES)
        f.p50, f.p85 = _date(outlook.anchor, p50), _date(outlook.anchor, p85)
        outlook.dist = dist
        if f.p50 is not None and f.p85 is None and level(QUANTILES[1], n) > 1:
            needed = math.ceil(QUANTILES[1] / (1 - QUANTILES[1]) - 1e-9)
            f.reason = (
                f"p85: {n} comparable projects completed the step with the fewest; "
                f"{TOO_FEW_FOR_P85} {needed}"
            )
        elif f.p50 is None or f.p85 is None:
            which = "p85" if f.p50 is not None else "p50 and p85"
            if f.p50 is None:  # no date at all: the earliest the portfolio has seen is a bound
                f.not_before = _date(outlook.anchor, earliest(dist))
            bound = "" if f.not_before is None else f"not before {_day(f.not_before)}; "
            f.reason = (
                f"{bound}{which}: the slowest comparable projects are still running, so the "
                "portfolio has not yet seen where that percentile lies"
            )

    def _next(
        self,
        t: Timeline,
        start: int | None,
        in_production: bool,
        left: tuple[str, ...],
        launch: MilestoneForecast,
    ) -> MilestoneForecast:
        """The milestone not yet done that is expected first: on the way to the go milestone,
        or among the production milestones and the launch, which run in parallel."""
        order = {m: i for i, m in enumerate(self.config.milestone_ids)}
        candidates: list[MilestoneForecast] = []
        if not in_production:
            anchor = start
            names = [
                m
                for m in (*self.path.poc, self.config.roles.go)
                if status(t, m) not in ("done", "skipped")
            ]
        else:
            anchor = anchor_of_go(t, self.config.roles.go)
            names = list(left)
        for name in names:
            step = self.steps[name]
            if anchor is None or step.completed < self.min_basis:
                candidates.append(MilestoneForecast(name, None, None))
                continue
            dist = step.conditional((self.as_of - anchor) / DAY, self._scale(anchor))
            p50, p85 = (
                quantile(dist, level(q, step.completed)) if dist.days else None for q in QUANTILES
            )
            candidates.append(MilestoneForecast(name, _date(anchor, p50), _date(anchor, p85)))
        if in_production:
            candidates.append(launch)
        return min(
            candidates,
            key=lambda c: (c.p50 is None, c.p50 or 0, order.get(c.milestone, len(order))),
        )


def forecast_portfolio(
    timelines: Sequence[Timeline], config: Config, as_of: int
) -> PortfolioForecast:
    """A forecast for every project neither launched nor archived, and the launches expected in
    the rest of this quarter and each of the next four."""
    observed = seen(timelines, config, as_of)
    path = LaunchPath.of(config)
    changed = pace(
        observed, [s.key for s in (path.go, path.built, path.lag)], config.forecast.min_basis
    )
    if changed is None or not changed.changed:
        changed = None
    per_year = 1.0 if changed is None else changed.per_year
    forecaster = _Forecaster(config, as_of, observed.steps(as_of, per_year), per_year)
    launch = config.roles.launch
    outlooks: dict[str, _Outlook] = {}
    for t in timelines:
        if t.archived or (t.milestones.get(launch) or Dated("planned")).status == "done":
            continue
        outlooks[t.id] = o = forecaster.project(t)
        if changed is not None and o.forecast.reason is None:
            o.forecast.reason = changed.note()
        elif changed is not None:
            o.forecast.reason = f"{o.forecast.reason}; {changed.note()}"
    counted = [(o.anchor, o.dist, o.forecast.p_launch) for o in outlooks.values() if o.dist]
    return PortfolioForecast(
        projects={i: o.forecast for i, o in outlooks.items()},
        launches=launch_counts(
            [(anchor, dist) for anchor, dist, _ in counted],
            as_of,
            [1.0 if p is None else p for _, _, p in counted],
        ),
        not_counted=sorted(i for i, o in outlooks.items() if not o.dist),
    )
