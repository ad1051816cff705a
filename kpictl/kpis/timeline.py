"""A project's revisions → its milestone dates, each with the commit that produced it.

Pure computation over the revisions that ``history`` read; times are seconds since the epoch
(UTC) until a reporter formats them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Generic, Literal, TypeVar

from kpictl.config import Config
from kpictl.config.definitions import MilestoneStatus
from kpictl.dates import parse_declared, zone
from kpictl.history.model import BranchHistory, ProjectHistory, Revision
from kpictl.kpis.benefits import Benefit, Benefits
from kpictl.project.status import status_of

STARTED = ("in_progress", "done")

# git: when the change landed; declared: a date written in the file; added: the start milestone
# (kickoff), dated when its project file landed, the normal way a project starts; created: any
# other milestone already done when the file was added, so git cannot tell when.
DateSource = Literal["git", "declared", "added", "created"]
Status = TypeVar("Status", bound=str)


@dataclass
class Dated:
    """When a milestone or environment started and was done, and where that date came from."""

    status: MilestoneStatus
    started_at: int | None = None
    done_at: int | None = None
    source: DateSource | None = None
    commit: str | None = None
    provisional: bool = False
    started_source: DateSource | None = None  # git, or created: started when the file was added


@dataclass
class Item:
    """An update or feedback round, followed by its id."""

    id: str
    status: str
    kind: str | None
    requested_at: int
    done_at: int | None = None  # live_at for updates, addressed_at for feedback rounds
    commit: str | None = None
    provisional: bool = False
    recorded_done: bool = False  # first written already live/addressed: no request time known


@dataclass
class Cost:
    item: str
    category: str
    amount: float
    currency: str
    per: str
    added_at: int
    starts_at: int
    ends_at: int | None
    commit: str | None
    dated: bool = False  # `from` was written, so starts_at is declared, not the landing time


@dataclass
class Event:
    landed_at: int
    authored_at: int | None
    commit: str | None
    author: str | None
    subject: str | None
    field: str
    old: Any
    new: Any
    provisional: bool = False


@dataclass
class Timeline:
    id: str
    path: str
    data: dict[str, Any]  # the latest landed content
    created_at: int
    created_commit: str | None
    archived: bool
    milestones: dict[str, Dated] = field(default_factory=dict)
    environments: dict[str, Dated] = field(default_factory=dict)
    updates: list[Item] = field(default_factory=list)
    feedback_rounds: list[Item] = field(default_factory=list)
    costs: list[Cost] = field(default_factory=list)
    benefits: list[Benefit] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    last_change_at: int = 0


class _Tracker(Generic[Status]):
    """Follows one status through the revisions: first start, and the last time it became done."""

    def __init__(self, done_word: Status) -> None:
        self.done_word = done_word
        self.status: Status | None = None
        self.started: Revision | None = None
        self.done: Revision | None = None

    def see(self, status: Status, revision: Revision) -> None:
        if self.started is None and status in (*STARTED, self.done_word):
            self.started = revision
        if status == self.done_word and self.status != self.done_word:
            self.done = revision
        self.status = status


def _sha(revision: Revision | None) -> str | None:
    return revision.commit.sha if revision and revision.commit else None


def _section(data: dict[str, Any], key: str, names: Iterable[str]) -> dict[str, Any]:
    written = data.get(key) or {}
    return {name: written.get(name) for name in names}


def _items(data: dict[str, Any], key: str) -> dict[str, dict[str, Any]]:
    return {entry["id"]: entry for entry in data.get(key) or []}


def _cost_text(cost: dict[str, Any]) -> str:
    amount = cost["amount"]
    shown = f"{amount:,.2f}".rstrip("0").rstrip(".") if isinstance(amount, float) else f"{amount:,}"
    return f"{shown} {cost['currency']}" + ("" if cost["per"] == "once" else f"/{cost['per']}")


class _EventLog:
    """The timeline's events, each stamped with the revision that landed it."""

    def __init__(self, events: list[Event]) -> None:
        self.events = events

    def add(self, revision: Revision, name: str, old: Any, new: Any) -> None:
        commit = revision.commit
        self.events.append(
            Event(
                revision.landed_at,
                commit.authored_at if commit else None,
                commit.sha if commit else None,
                commit.author if commit else None,
                commit.subject if commit else None,
                name,
                old,
                new,
                revision.provisional,
            )
        )


class _Identity:
    """The file itself: created, archived (deleted) and restored, moved, renamed, handed over."""

    def __init__(self, log: _EventLog) -> None:
        self.log = log
        self.archived = False
        self.path: str | None = None

    def see(self, revision: Revision, previous: dict[str, Any] | None) -> dict[str, Any] | None:
        """Record ``revision``; its data, or None when it deleted the file."""
        data = revision.data
        if data is None:
            self.log.add(revision, "archived", False, True)
            self.archived = True
            return None
        if previous is None:
            self.log.add(revision, "created", None, revision.path)
        elif self.archived:
            self.log.add(revision, "archived", True, False)
        self.archived = False
        if self.path is not None and revision.path != self.path:
            self.log.add(revision, "path", self.path, revision.path)
        self.path = revision.path
        if previous is not None:
            for key in ("name", "team"):
                if previous.get(key) != data.get(key):
                    self.log.add(revision, key, previous.get(key), data.get(key))
        return data


class _Statuses:
    """Milestones or environments: each name's status through the revisions, and the date
    declared for it."""

    def __init__(self, key: str, names: Iterable[str], log: _EventLog) -> None:
        self.key = key
        self.log = log
        self.trackers: dict[str, _Tracker[MilestoneStatus]] = {
            name: _Tracker("done") for name in names
        }
        self.declared: dict[str, tuple[Any, Revision]] = {}  # name → (date, revision)

    def see(
        self, revision: Revision, data: dict[str, Any], previous: dict[str, Any] | None
    ) -> None:
        key = self.key
        if previous is not None and data.get(key) == previous.get(key):
            return  # most revisions change one section; the rest cost nothing
        now_values = _section(data, key, self.trackers)
        old_values = _section(previous, key, self.trackers) if previous is not None else {}
        for name, value in now_values.items():
            if previous is not None and value == old_values[name]:
                continue  # unchanged: its tracker and declared date stay as they are
            status = status_of(value)
            before = status_of(old_values.get(name)) if previous is not None else None
            if status != before and not (before is None and status == "planned"):
                self.log.add(revision, f"{key}.{name}", before, status)
            self.trackers[name].see(status, revision)
            self._see_date(revision, name, value.get("date") if isinstance(value, dict) else None)

    def _see_date(self, revision: Revision, name: str, declared: Any) -> None:
        seen = self.declared.get(name)
        if declared is not None and (seen is None or seen[0] != declared):
            self.declared[name] = (declared, revision)
            if seen is not None:
                self.log.add(revision, f"{self.key}.{name}.date", seen[0], declared)
        elif declared is None:
            self.declared.pop(name, None)

    def settle(self, first: Revision, tz: Any, start: str | None) -> dict[str, Dated]:
        """Each name's dates. ``start`` names the milestone that the file's creation dates
        when nothing else does (None for environments)."""
        return {
            name: self._dated(name, tracker, first, tz, start)
            for name, tracker in self.trackers.items()
        }

    def _dated(
        self,
        name: str,
        tracker: _Tracker[MilestoneStatus],
        first: Revision,
        tz: Any,
        start: str | None,
    ) -> Dated:
        status = tracker.status or "planned"
        dated = Dated(status=status)
        at_creation = name != start  # the file's creation is the start's own date
        if tracker.started is not None:
            dated.started_at = tracker.started.landed_at
            dated.started_source = "created" if at_creation and tracker.started is first else "git"
        if status == "done" and tracker.done is not None:
            dated.done_at = tracker.done.landed_at
            dated.source = "git"
            if tracker.done is first:
                dated.source = "created" if at_creation else "added"
            dated.commit, dated.provisional = _sha(tracker.done), tracker.done.provisional
        declared = self.declared.get(name)
        if declared is not None and status in ("done", "skipped"):
            moment, _ = parse_declared(declared[0], tz)
            dated.done_at, dated.source = int(moment.timestamp()), "declared"
            dated.commit, dated.provisional = _sha(declared[1]), declared[1].provisional
            if dated.started_at is not None and dated.started_at > dated.done_at:
                dated.started_at = None  # git only saw it after the declared date
                dated.started_source = None
        if name == start and dated.done_at is None:
            dated.done_at, dated.source = first.landed_at, "added"
            dated.commit = _sha(first)
        return dated


class _Items:
    """Updates or feedback rounds, followed by their ids: when each was first seen (requested)
    and when it became done (live or addressed)."""

    def __init__(self, key: str, done_word: str, log: _EventLog) -> None:
        self.key = key
        self.done_word = done_word
        self.log = log
        self.trackers: dict[str, _Tracker[str]] = {}
        self.first_seen: dict[str, Revision] = {}

    def see(
        self, revision: Revision, data: dict[str, Any], previous: dict[str, Any] | None
    ) -> None:
        key = self.key
        if previous is not None and data.get(key) == previous.get(key):
            return
        now_items = _items(data, key)
        old_items = _items(previous or {}, key)
        for item_id, entry in now_items.items():
            self.first_seen.setdefault(item_id, revision)
            before = old_items.get(item_id, {}).get("status")
            if entry["status"] != before:
                self.log.add(revision, f"{key}.{item_id}", before, entry["status"])
            tracker = self.trackers.setdefault(item_id, _Tracker(self.done_word))
            tracker.see(entry["status"], revision)
        for item_id in old_items.keys() - now_items.keys():
            self.log.add(revision, f"{key}.{item_id}", old_items[item_id]["status"], None)
            self.trackers.pop(item_id, None)
            self.first_seen.pop(item_id, None)

    def settle(self, data: dict[str, Any]) -> list[Item]:
        settled = []
        for entry in data.get(self.key) or []:
            tracker = self.trackers[entry["id"]]
            requested = self.first_seen[entry["id"]]
            item = Item(entry["id"], entry["status"], entry.get("kind"), requested.landed_at)
            if entry["status"] == tracker.done_word and tracker.done is not None:
                item.done_at, item.commit = tracker.done.landed_at, _sha(tracker.done)
                item.provisional = tracker.done.provisional
                item.recorded_done = tracker.done is requested
            settled.append(item)
        return settled


class _Costs:
    """Costs, followed by their item name: when each was first added, and its changes."""

    def __init__(self, log: _EventLog) -> None:
        self.log = log
        self.first_seen: dict[str, Revision] = {}

    def see(
        self, revision: Revision, data: dict[str, Any], previous: dict[str, Any] | None
    ) -> None:
        if previous is not None and data.get("costs") == previous.get("costs"):
            return
        now_costs = {c["item"]: c for c in data.get("costs") or []}
        old_costs = {c["item"]: c for c in (previous or {}).get("costs") or []}
        for item, cost in now_costs.items():
            self.first_seen.setdefault(item, revision)
            before = old_costs.get(item)
            if before is None or _cost_text(before) != _cost_text(cost):
                old_text = _cost_text(before) if before else None
                self.log.add(revision, f"costs.{item}", old_text, _cost_text(cost))
        for item in old_costs.keys() - now_costs.keys():
            self.log.add(revision, f"costs.{item}", _cost_text(old_costs[item]), None)
            self.first_seen.pop(item, None)

    def settle(self, data: dict[str, Any], tz: Any) -> list[Cost]:
        settled = []
        for cost in data.get("costs") or []:
            added = self.first_seen[cost["item"]]
            starts = added.landed_at
            if "from" in cost:
                starts = int(parse_declared(cost["from"], tz)[0].timestamp())
            ends = None
            if "until" in cost and cost["per"] != "once":
                ends = int(parse_declared(cost["until"], tz)[0].timestamp())
            settled.append(
                Cost(
                    cost["item"],
                    cost["category"],
                    cost["amount"],
                    cost["currency"],
                    cost["per"],
                    added.landed_at,
                    starts,
                    ends,
                    _sha(added),
                    "from" in cost,
                )
            )
        return settled


def build_timeline(project: ProjectHistory, config: Config) -> Timeline:
    """Follow ``project`` through its revisions, then settle each date from what was seen."""
    first = project.revisions[0]
    latest = next(r for r in reversed(project.revisions) if r.data is not None)
    latest_data = next(r.data for r in reversed(project.revisions) if r.data is not None)
    timeline = Timeline(
        id=project.id,
        path=latest.path,
        data=latest_data,
        created_at=first.landed_at,
        created_commit=_sha(first),
        archived=project.archived,
    )
    log = _EventLog(timeline.events)
    identity = _Identity(log)
    milestones = _Statuses("milestones", config.milestone_ids, log)
    environments = _Statuses("environments", config.environments, log)
    updates = _Items("updates", "live", log)
    feedback_rounds = _Items("feedback_rounds", "addressed", log)
    costs = _Costs(log)
    benefits = Benefits(log)
    previous: dict[str, Any] | None = None
    for revision in project.revisions:
        timeline.last_change_at = max(timeline.last_change_at, revision.landed_at)
        data = identity.see(revision, previous)
        if data is None:
            continue
        for section in (milestones, environments, updates, feedback_rounds, costs, benefits):
            section.see(revision, data, previous)
        previous = data
    tz = zone(config.timezone)
    timeline.milestones = milestones.settle(first, tz, config.roles.start)
    timeline.environments = environments.settle(first, tz, None)
    timeline.updates = updates.settle(latest_data)
    timeline.feedback_rounds = feedback_rounds.settle(latest_data)
    timeline.costs = costs.settle(latest_data, tz)
    timeline.benefits = benefits.settle(latest_data, tz)
    return timeline


def build_timelines(
    history: BranchHistory, config: Config, ids: Iterable[str] = (), as_of: int | None = None
) -> list[Timeline]:
    """Timelines of the wanted projects (all by default), from revisions landed by ``as_of``."""
    wanted = set(ids)
    timelines = []
    for project_id, project in sorted(history.projects.items()):
        if wanted and project_id not in wanted:
            continue
        if as_of is not None:
            kept = [r for r in project.revisions if r.landed_at <= as_of]
            if not any(r.data is not None for r in kept):
                continue
            project = ProjectHistory(project_id, kept)
        timelines.append(build_timeline(project, config))
    return timelines
