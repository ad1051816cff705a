"""Launch forecasts from the portfolio's own history: timelines, the catalog and the as-of in,
each running project's forecast and the launches expected per quarter out.

The path to launch follows the catalog's roles: from the start to the go milestone (the
proof-of-concept milestones on the way each timed from the start); from the go milestone to the
last of the production milestones, which run in parallel; from that one to the launch, which
waits for all of them. Each step's duration is estimated by Kaplan–Meier from every project that
took it with its start in the window: a completed step is an event, a step still running is
right-censored at the as-of date (it took at least this long), and a step of an archived
project is censored when the project was archived. A running project's time left on its step is
that distribution conditioned on the time it has already spent there; the steps after it are
added by exact convolution on whole days. There is no sampling, hence no seed: the same timelines
and as-of give the same forecast, and a project's forecast depends only on its own milestones and
the shared step durations. Probability the portfolio has not seen end (the slowest projects of a
step are still running) stays at infinity: a percentile that falls there is not given.

The production milestones are one step (the time to the last of them, per project) for the
launch, so that a project's slow and fast milestones are not treated as independent draws; each
of them is also a step of its own, for the next milestone a project is expected to reach.
"""

from __future__ import annotations

import calendar
import math
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import accumulate
from typing import Protocol

from kpictl.config import Config
from kpictl.dates import DAY, quarter
from kpictl.kpis.results import Forecast, LaunchCount, MilestoneForecast
from kpictl.kpis.timeline import Dated, Timeline

QUANTILES = (0.50, 0.85)
QUARTERS_AHEAD = 4  # after the quarter of the as-of date
_EPSILON = 1e-9


@dataclass(frozen=True)
class StepDef:
    """One step of the path, named by ``key``: a milestone id, or one of the two steps that end
    at the last production milestone and at the launch."""

    key: str
    label: str  # in words: "kickoff → go_decision"


class Step:
    """The durations one step took across the portfolio, as whole days (a step done within
    its d-th day counts as d), estimated by Kaplan–Meier over completed and censored ones."""

    def __init__(self, definition: StepDef, observed: Iterable[tuple[float, bool]]) -> None:
        self.definition = definition
        ordered = sorted(observed, key=lambda o: (o[0], not o[1]))  # events before censoring
        self.completed = sum(1 for _, done in ordered if done)
        self.longest = max((math.ceil(d) for d, done in ordered if done), default=None)
        at_risk, survival = len(ordered), 1.0
        masses: dict[int, float] = {}
        i = 0
        while i < len(ordered):
            moment, events, leaving = ordered[i][0], 0, 0
            while i < len(ordered) and ordered[i][0] == moment:
                events += ordered[i][1]
                leaving += 1
                i += 1
            if events:
                after = survival * (1 - events / at_risk)
                day = max(0, math.ceil(moment))
                masses[day] = masses.get(day, 0.0) + survival - after
                survival = after
            at_risk -= leaving
        self.days = sorted(masses)
        self.masses = [masses[d] for d in self.days]
        self.tail = survival  # never seen to end: the slowest are still running

    def conditional(self, elapsed: float) -> Atoms:
        """The whole days the step takes, given it has lasted ``elapsed`` days and is not done."""
        first = bisect_right(self.days, elapsed)
        masses = self.masses[first:]
        left = sum(masses) + self.tail
        if left <= _EPSILON or not masses:
            return Atoms([], [])
        return Atoms(self.days[first:], [m / left for m in masses])

    def unconditional(self) -> Atoms:
        return Atoms(list(self.days), list(self.masses))


class Distribution(Protocol):
    """Whole days after an anchor by which a milestone is done: P(done by day k); what never
    reaches 1 is mass the portfolio has not seen end."""

    @property
    def span(self) -> tuple[int, int]: ...  # below the first, cdf is 0; from the last, constant

    def cdf(self, day: int) -> float: ...


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


def quantile(dist: Distribution, q: float) -> int | None:
    """The first whole day by which the milestone is done with probability q; None when the
    portfolio has not seen enough steps end to say."""
    low, high = dist.span
    if dist.cdf(high) < q - _EPSILON:
        return None
    while low < high:
        middle = (low + high) // 2
        if dist.cdf(middle) >= q - _EPSILON:
            high = middle
        else:
            low = middle + 1
    return low


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


PRODUCTION = "(production)"  # the key of the step from the go milestone to the last production one


@dataclass(frozen=True)
class _Path:
    """The catalog's path to launch: milestones timed from the start on the way to the go
    milestone, then the production milestones (in parallel) timed from the go milestone."""

    poc: tuple[str, ...]
    production: tuple[str, ...]
    go: StepDef  # start → go
    built: StepDef  # go → the last production milestone (the launch waits for all of them)
    lag: StepDef  # the last production milestone → launch

    @classmethod
    def of(cls, config: Config) -> _Path:
        roles = config.roles
        named = {roles.start, roles.go, roles.launch}
        return cls(
            tuple(m.id for m in config.milestones if m.phase == "poc" and m.id not in named),
            tuple(m.id for m in config.milestones if m.phase == "production" and m.id not in named),
            StepDef(roles.go, f"{roles.start} → {roles.go}"),
            StepDef(PRODUCTION, f"{roles.go} → the last production milestone"),
            StepDef(roles.launch, f"the last production milestone → {roles.launch}"),
        )

    def definitions(self, config: Config) -> dict[str, StepDef]:
        roles = config.roles
        return {
            **{m: StepDef(m, f"{roles.start} → {m}") for m in self.poc},
            **{m: StepDef(m, f"{roles.go} → {m}") for m in self.production},
            **{s.key: s for s in (self.go, self.built, self.lag)},
        }


def _dated(d: Dated | None) -> int | None:
    """A done milestone's date that git or the file vouches for."""
    if d is None or d.status != "done" or d.done_at is None or d.source == "created":
        return None
    return d.done_at


def _anchor_of_go(t: Timeline, go: str) -> int | None:
    """When production started: the go milestone done (or skipped with a declared date)."""
    d = t.milestones.get(go)
    if d is None or d.status not in ("done", "skipped") or d.done_at is None:
        return None
    return None if d.source == "created" else d.done_at


def _status(t: Timeline, milestone: str) -> str:
    d = t.milestones.get(milestone)
    return d.status if d is not None else "planned"


class _Observer:
    """Each step's observations across the portfolio, as of a moment and within the window."""

    def __init__(self, config: Config, as_of: int) -> None:
        self.config = config
        self.as_of = as_of
        window = config.forecast.window_days
        self.since = None if window is None else as_of - window * DAY
        self.path = _Path.of(config)
        self.definitions = self.path.definitions(config)
        self.seen: dict[str, list[tuple[float, bool]]] = {key: [] for key in self.definitions}

    def _see(self, key: str, anchor: int, end: int, done: bool) -> None:
        if self.since is not None and anchor < self.since:
            return
        self.seen[key].append((max(0.0, (end - anchor) / DAY), done))

    def add(self, t: Timeline) -> None:
        roles, path = self.config.roles, self.path
        ms = t.milestones
        start = ms.get(roles.start)
        if start is None or start.done_at is None:
            return
        watched = min(self.as_of, t.last_change_at) if t.archived else self.as_of
        launch_status = _status(t, roles.launch)
        launched = _dated(ms.get(roles.launch))
        moved_on = _status(t, roles.go) in ("done", "skipped") or launch_status == "done"
        for key in (*path.poc, roles.go):
            d = ms.get(key) or Dated("planned")
            if d.status == "skipped" or (d.status == "done" and _dated(d) is None):
                continue  # not on this project's path, or done before git could tell when
            done_at = _dated(d)
            if done_at is not None:
                self._see(key, start.done_at, done_at, True)
            elif not moved_on:
                self._see(key, start.done_at, watched, False)
        anchor = _anchor_of_go(t, roles.go)
        if anchor is None:
            return
        waited = [anchor]  # the go milestone and the production milestones the launch waited for
        pending = vouched = False
        for key in path.production:
            d = ms.get(key) or Dated("planned")
            if d.status == "done" and d.done_at is not None:
                if launched is None or d.done_at <= launched:
                    waited.append(d.done_at)
                    vouched = vouched or d.source == "created"
                if d.source != "created":
                    self._see(key, anchor, d.done_at, True)
            elif d.status != "skipped" and launch_status != "done":
                self._see(key, anchor, watched, False)
                pending = True
        if vouched:
            return  # when production ended is not known: neither of its last two steps is
        built = max(waited)
        if pending:
            self._see(PRODUCTION, anchor, watched, False)
            return
        if launched is None and launch_status == "done":
            return
        self._see(PRODUCTION, anchor, built, True)
        if launched is not None:
            self._see(roles.launch, built, launched, True)
        elif launch_status != "skipped":
            self._see(roles.launch, built, max(watched, built), False)

    def steps(self) -> dict[str, Step]:
        return {key: Step(self.definitions[key], seen) for key, seen in self.seen.items()}


def _ceil_days(seconds: int) -> int:
    return -(-seconds // DAY)


def _date(anchor: int, day: int | None) -> int | None:
    return None if day is None else anchor + day * DAY


class _Forecaster:
    def __init__(self, config: Config, as_of: int, steps: dict[str, Step]) -> None:
        self.config = config
        self.as_of = as_of
        self.steps = steps
        self.path = _Path.of(config)
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

    def _past(self, t: Timeline, step: StepDef, elapsed: float) -> str:
        longest = self.steps[step.key].longest or 0
        return (
            f"{t.id} has spent {elapsed:.0f} days on {step.label}, longer than any project that "
            f"completed it took ({longest} days at most); there is no date to forecast"
        )

    def after_go(self) -> Array:
        """From the go milestone to launch, for a project that has not reached it yet."""
        if self._after_go is None:
            built = self.steps[PRODUCTION].unconditional()
            lag = self.steps[self.path.lag.key].unconditional()
            self._after_go = add(built, lag.as_array(lag.span[1]))
        return self._after_go

    def project(self, t: Timeline) -> _Outlook:
        roles = self.config.roles
        ms = t.milestones
        start = ms[roles.start].done_at if roles.start in ms else None
        left = tuple(m for m in self.path.production if _status(t, m) not in ("done", "skipped"))
        in_production = _status(t, roles.go) in ("done", "skipped")
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
        if _status(t, roles.launch) == "skipped":
            f.reason = f"{roles.launch} is skipped: there is no launch to forecast"
            return outlook
        f.reason = self._too_little(used)
        if f.reason is not None:
            return outlook
        dist: Distribution
        if not in_production:
            if start is None:
                f.reason = f"{roles.start} has no date to count from"
                return outlook
            elapsed = (self.as_of - start) / DAY
            first = self.steps[path.go.key].conditional(elapsed)
            f.past_p85 = self._past_p85(path.go, elapsed)
            if not first.days:
                f.reason = self._past(t, path.go, elapsed)
                return outlook
            outlook.anchor, dist = start, Sum(first, self.after_go())
        else:
            anchor = _anchor_of_go(t, roles.go)
            if anchor is None:
                f.reason = (
                    f"{roles.go} has no date git can vouch for (skipped without a date, or "
                    "done when the project file was added): declare it (date: YYYY-MM-DD) "
                    "to forecast"
                )
                return outlook
            step = path.built
            if not left:
                done = (t.milestones[m].done_at for m in path.production if m in t.milestones)
                anchor = max([anchor, *(d for d in done if d is not None and d <= self.as_of)])
                step = path.lag
            elapsed = (self.as_of - anchor) / DAY
            first = self.steps[step.key].conditional(elapsed)
            f.past_p85 = self._past_p85(step, elapsed)
            if not first.days:
                f.reason = self._past(t, step, elapsed)
                return outlook
            outlook.anchor = anchor
            if left:
                lag = self.steps[path.lag.key].unconditional()
                dist = Sum(first, lag.as_array(lag.span[1]))
            else:
                dist = first
        self._fill(outlook, dist)
        return outlook

    def _past_p85(self, step: StepDef, elapsed: float) -> bool | None:
        """Whether the project has spent longer on its step than 85% of the projects that took
        it (None when the portfolio has not seen 85% of them end)."""
        usual = quantile(self.steps[step.key].unconditional(), 0.85)
        return None if usual is None else elapsed > usual

    def _fill(self, outlook: _Outlook, dist: Distribution) -> None:
        p50, p85 = (quantile(dist, q) for q in QUANTILES)
        f = outlook.forecast
        f.p50, f.p85 = _date(outlook.anchor, p50), _date(outlook.anchor, p85)
        outlook.dist = dist
        if f.p50 is None or f.p85 is None:
            which = "p85" if f.p50 is not None else "p50 and p85"
            f.reason = (
                f"{which}: the slowest comparable projects are still running, so the portfolio "
                "has not yet seen where that percentile lies"
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
                if _status(t, m) not in ("done", "skipped")
            ]
        else:
            anchor = _anchor_of_go(t, self.config.roles.go)
            names = list(left)
        for name in names:
            step = self.steps[name]
            if anchor is None or step.completed < self.min_basis:
                candidates.append(MilestoneForecast(name, None, None))
                continue
            dist = step.conditional((self.as_of - anchor) / DAY)
            p50, p85 = (quantile(dist, q) if dist.days else None for q in QUANTILES)
            candidates.append(MilestoneForecast(name, _date(anchor, p50), _date(anchor, p85)))
        if in_production:
            candidates.append(launch)
        return min(
            candidates,
            key=lambda c: (c.p50 is None, c.p50 or 0, order.get(c.milestone, len(order))),
        )


def quarter_bounds(as_of: int, count: int = QUARTERS_AHEAD) -> list[tuple[str, int, int]]:
    """The rest of the as-of's calendar quarter (UTC), then the next ``count`` quarters."""
    year, month = (int(x) for x in quarter(as_of).split("-Q"))
    month = (month - 1) * 3 + 1
    bounds = []
    begin = as_of
    for _ in range(count + 1):
        year2, month2 = (year + 1, 1) if month == 10 else (year, month + 3)
        if year2 > 9999:
            break  # dates end with 9999: no quarter after it
        end = calendar.timegm((year2, month2, 1, 0, 0, 0))
        bounds.append((f"{year}-Q{(month - 1) // 3 + 1}", begin, end))
        begin, year, month = end, year2, month2
    return bounds


def _count_distribution(chances: Iterable[float]) -> list[float]:
    """P(k launches) for independent projects launching with the given chances."""
    counts = [1.0]
    offset = 0  # counts[i] is P(offset + i): the negligible low end is dropped as it goes
    for p in chances:
        if p <= _EPSILON:
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


def _launch_counts(outlooks: Sequence[_Outlook], as_of: int) -> list[LaunchCount]:
    bounds = quarter_bounds(as_of)
    if not bounds:
        return []  # as of the last quarter of 9999: no quarter to count launches in
    moments = [bounds[0][1], *(end for _, _, end in bounds)]
    # Done on whole day d means done by anchor + d days; each boundary's cdf once per project.
    done_before = [
        [o.dist.cdf(_ceil_days(m - o.anchor) - 1) for m in moments]
        for o in outlooks
        if o.dist is not None
    ]
    rows = []
    for i, (name, begin, end) in enumerate(bounds):
        chances = [max(0.0, cdfs[i + 1] - cdfs[i]) for cdfs in done_before]
        counts = _count_distribution(chances)
        cumulative = list(accumulate(counts))
        median = next(k for k, c in enumerate(cumulative) if c >= 0.5 - _EPSILON)
        # the most launches reached with 85% confidence: P(count >= k) >= 0.85
        at_least = max(
            k for k in range(len(counts)) if k == 0 or 1 - cumulative[k - 1] >= 0.85 - _EPSILON
        )
        rows.append(LaunchCount(name, begin, end, median, at_least))
    return rows


def step_durations(timelines: Iterable[Timeline], config: Config, as_of: int) -> dict[str, Step]:
    """Every step of the path, estimated from the portfolio as of ``as_of``."""
    observer = _Observer(config, as_of)
    for t in timelines:
        observer.add(t)
    return observer.steps()


def forecast_portfolio(
    timelines: Sequence[Timeline], config: Config, as_of: int
) -> PortfolioForecast:
    """A forecast for every project neither launched nor archived, and the launches expected in
    the rest of this quarter and each of the next four."""
    steps = step_durations(timelines, config, as_of)
    forecaster = _Forecaster(config, as_of, steps)
    launch = config.roles.launch
    outlooks: dict[str, _Outlook] = {}
    for t in timelines:
        if t.archived or (t.milestones.get(launch) or Dated("planned")).status == "done":
            continue
        outlooks[t.id] = forecaster.project(t)
    return PortfolioForecast(
        projects={i: o.forecast for i, o in outlooks.items()},
        launches=_launch_counts(list(outlooks.values()), as_of),
        not_counted=sorted(i for i, o in outlooks.items() if o.dist is None),
    )
