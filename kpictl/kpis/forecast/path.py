"""The path to launch, from the catalog's roles, and each step's durations across the portfolio.

From the start milestone to the go milestone (the proof-of-concept milestones on the way, each
timed from the start); from the go milestone to the last of the production milestones, which run
in parallel; from that one to the launch, which waits for all of them. A completed step is an
event; a step still running is censored at the as-of date, and one of an archived project when
the project was archived.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field

from kpictl.config import Config
from kpictl.dates import DAY
from kpictl.kpis.forecast.competing import Archiving
from kpictl.kpis.forecast.distributions import KaplanMeier
from kpictl.kpis.timeline import Dated, Timeline

YEAR = 365 * DAY
PRODUCTION = "(production)"  # the key of the step from the go milestone to the last production one


@dataclass(frozen=True)
class StepDef:
    """One step of the path, named by ``key``: a milestone id, or one of the two steps that end
    at the last production milestone and at the launch."""

    key: str
    label: str  # in words: "kickoff → go_decision"
    words: str = field(default="", compare=False)  # for people: "in proof of concept"


class Step(KaplanMeier):
    """The durations one step took across the portfolio, as whole days (a step done within
    its d-th day counts as d), estimated by Kaplan–Meier over completed and censored ones;
    and the chance of being archived on it, with archiving as a competing risk."""

    def __init__(
        self,
        definition: StepDef,
        observed: Iterable[tuple[float, bool]],
        archived: Iterable[float] = (),
    ) -> None:
        seen = list(observed)
        super().__init__(seen)
        self.definition = definition
        self.archiving = Archiving(seen, archived)


@dataclass(frozen=True)
class LaunchPath:
    """The catalog's path to launch: milestones timed from the start on the way to the go
    milestone, then the production milestones (in parallel) timed from the go milestone."""

    poc: tuple[str, ...]
    production: tuple[str, ...]
    go: StepDef  # start → go
    built: StepDef  # go → the last production milestone (the launch waits for all of them)
    lag: StepDef  # the last production milestone → launch

    @classmethod
    def of(cls, config: Config) -> LaunchPath:
        roles = config.roles
        named = {roles.start, roles.go, roles.launch}
        return cls(
            tuple(m.id for m in config.milestones if m.phase == "poc" and m.id not in named),
            tuple(m.id for m in config.milestones if m.phase == "production" and m.id not in named),
            StepDef(roles.go, f"{roles.start} → {roles.go}", "in proof of concept"),
            StepDef(PRODUCTION, f"{roles.go} → the last production milestone", "in production"),
            StepDef(
                roles.launch,
                f"the last production milestone → {roles.launch}",
                f"between production and {_title(config, roles.launch)}",
            ),
        )

    def definitions(self, config: Config) -> dict[str, StepDef]:
        roles = config.roles
        return {
            **{m: StepDef(m, f"{roles.start} → {m}") for m in self.poc},
            **{m: StepDef(m, f"{roles.go} → {m}") for m in self.production},
            **{s.key: s for s in (self.go, self.built, self.lag)},
        }


def _title(config: Config, milestone: str) -> str:
    title = next((m.title for m in config.milestones if m.id == milestone), milestone)
    return title[:1].lower() + title[1:]


def vouched_done_at(d: Dated | None) -> int | None:
    """A done milestone's date that git or the file vouches for."""
    if d is None or d.status != "done" or d.done_at is None or d.source == "created":
        return None
    return d.done_at


def anchor_of_go(t: Timeline, go: str) -> int | None:
    """When production started: the go milestone done (or skipped with a declared date)."""
    d = t.milestones.get(go)
    if d is None or d.status not in ("done", "skipped") or d.done_at is None:
        return None
    return None if d.source == "created" else d.done_at


def status(t: Timeline, milestone: str) -> str:
    d = t.milestones.get(milestone)
    return d.status if d is not None else "planned"


class _Observer:
    """Each step's observations across the portfolio, as of a moment and within the window."""

    def __init__(self, config: Config, as_of: int) -> None:
        self.config = config
        self.as_of = as_of
        window = config.forecast.window_days
        self.since = None if window is None else as_of - window * DAY
        self.path = LaunchPath.of(config)
        self.definitions = self.path.definitions(config)
        self.seen: dict[str, list[tuple[float, bool]]] = {key: [] for key in self.definitions}
        # beside each observation: whether it ended with the project archived
        self.archived: dict[str, list[bool]] = {key: [] for key in self.definitions}
        self.anchors: dict[str, list[int]] = {key: [] for key in self.definitions}  # step starts
        self._archived_now = False

    def _see(self, key: str, anchor: int, end: int, done: bool) -> None:
        if self.since is not None and anchor < self.since:
            return
        days = max(0.0, (end - anchor) / DAY)
        self.seen[key].append((days, done))
        self.anchors[key].append(anchor)
        self.archived[key].append(not done and self._archived_now)

    def add(self, t: Timeline) -> None:
        roles, path = self.config.roles, self.path
        ms = t.milestones
        start = ms.get(roles.start)
        if start is None or start.done_at is None:
            return
        watched = min(self.as_of, t.last_change_at) if t.archived else self.as_of
        self._archived_now = t.archived
        launch_status = status(t, roles.launch)
        launched = vouched_done_at(ms.get(roles.launch))
        moved_on = status(t, roles.go) in ("done", "skipped") or launch_status == "done"
        for key in (*path.poc, roles.go):
            d = ms.get(key) or Dated("planned")
            if d.status == "skipped" or (d.status == "done" and vouched_done_at(d) is None):
                continue  # not on this project's path, or done before git could tell when
            done_at = vouched_done_at(d)
            if done_at is not None:
                self._see(key, start.done_at, done_at, True)
            elif not moved_on:
                self._see(key, start.done_at, watched, False)
        anchor = anchor_of_go(t, roles.go)
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


def _observe(timelines: Iterable[Timeline], config: Config, as_of: int) -> _Observer:
    observer = _Observer(config, as_of)
    for t in timelines:
        observer.add(t)
    return observer


def observations(
    timelines: Iterable[Timeline], config: Config, as_of: int
) -> dict[str, list[tuple[float, bool]]]:
    """Each step's durations across the portfolio as of ``as_of``, in days: True when the step
    was completed, False when it was still running (or its project archived) then."""
    return _observe(timelines, config, as_of).seen


@dataclass(frozen=True)
class Seen:
    """Every step's observations: durations (days, completed), and beside each when the step
    started and whether it ended with the project archived."""

    definitions: dict[str, StepDef]
    durations: dict[str, list[tuple[float, bool]]]
    anchors: dict[str, list[int]]
    archived: dict[str, list[bool]]

    def steps(self, as_of: int, per_year: float = 1.0) -> dict[str, Step]:
        """Every step's estimate; with a change of pace (a step started a year later takes
        ``per_year`` times as long), each duration as it would have taken started at the as-of
        date."""
        out = {}
        for key, durations in self.durations.items():
            paced = [
                (d * per_year ** ((as_of - a) / YEAR), done) if per_year != 1.0 else (d, done)
                for (d, done), a in zip(durations, self.anchors[key], strict=True)
            ]
            gone = [d for (d, _), g in zip(paced, self.archived[key], strict=True) if g]
            out[key] = step = Step(self.definitions[key], paced, gone)
            # in days as they were taken, for people
            step.longest = max((math.ceil(d) for d, done in durations if done), default=None)
        return out


def seen(timelines: Iterable[Timeline], config: Config, as_of: int) -> Seen:
    o = _observe(timelines, config, as_of)
    return Seen(o.definitions, o.seen, o.anchors, o.archived)


def step_durations(timelines: Iterable[Timeline], config: Config, as_of: int) -> dict[str, Step]:
    """Every step of the path, estimated from the portfolio as of ``as_of``."""
    return seen(timelines, config, as_of).steps(as_of)
