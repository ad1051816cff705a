"""A project's revisions → its milestone dates, each with the commit that produced it.

Pure computation over the revisions that ``history`` read; times are seconds since the epoch
(UTC) until a reporter formats them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from kpictl.config import Config
from kpictl.dates import parse_declared, zone
from kpictl.history.model import History, ProjectHistory, Revision
from kpictl.project.status import status_of

STARTED = ("in_progress", "done")


@dataclass
class Dated:
    """When a milestone or environment started and was done, and where that date came from."""

    status: str
    started_at: int | None = None
    done_at: int | None = None
    # git | declared | created: done when the project file was added, so git cannot tell when
    # (for kickoff: the project's creation, which is its start)
    source: str | None = None
    commit: str | None = None
    provisional: bool = False
    started_source: str | None = None  # git | created (already started when the file was added)


@dataclass
class Item:
    """An update or feedback round, followed by its id."""

    id: str
    status: str
    kind: str | None
    requested_at: int
    requested_commit: str | None
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
    events: list[Event] = field(default_factory=list)
    last_change_at: int = 0


class _Tracker:
    """Follows one status through the revisions: first start, and the last time it became done."""

    def __init__(self, done_word: str) -> None:
        self.done_word = done_word
        self.status: str | None = None
        self.started: Revision | None = None
        self.done: Revision | None = None

    def see(self, status: str, revision: Revision) -> None:
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


def build_timeline(project: ProjectHistory, config: Config) -> Timeline:
    tz = zone(config.timezone)
    first = project.revisions[0]
    latest_data = next(r.data for r in reversed(project.revisions) if r.data is not None)
    latest_path = next(r.path for r in reversed(project.revisions) if r.data is not None)
    timeline = Timeline(
        id=project.id,
        path=latest_path,
        data=latest_data,
        created_at=first.landed_at,
        created_commit=_sha(first),
        archived=project.archived,
    )
    milestone_ids = config.milestone_ids
    trackers = {m: _Tracker("done") for m in milestone_ids}
    env_trackers = {e: _Tracker("done") for e in config.environments}
    update_trackers: dict[str, _Tracker] = {}
    feedback_trackers: dict[str, _Tracker] = {}
    first_seen: dict[tuple[str, str], Revision] = {}
    date_seen: dict[tuple[str, str], tuple[Any, Revision]] = {}
    previous: dict[str, Any] | None = None
    previous_path: str | None = None
    archived = False

    def event(revision: Revision, name: str, old: Any, new: Any) -> None:
        commit = revision.commit
        timeline.events.append(
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

    for revision in project.revisions:
        timeline.last_change_at = max(timeline.last_change_at, revision.landed_at)
        data = revision.data
        if data is None:
            event(revision, "archived", False, True)
            archived = True
            continue
        if previous is None:
            event(revision, "created", None, revision.path)
        elif archived:
            event(revision, "archived", True, False)
        archived = False
        if previous_path is not None and revision.path != previous_path:
            event(revision, "path", previous_path, revision.path)
        previous_path = revision.path
        old = previous or {}
        for key in ("name", "team"):
            if previous is not None and old.get(key) != data.get(key):
                event(revision, key, old.get(key), data.get(key))
        for section, names, tracked in (
            ("milestones", milestone_ids, trackers),
            ("environments", config.environments, env_trackers),
        ):
            if previous is not None and data.get(section) == old.get(section):
                continue  # most revisions change one section; the rest cost nothing
            now_values = _section(data, section, names)
            old_values = _section(old, section, names) if previous is not None else {}
            for name, value in now_values.items():
                if previous is not None and value == old_values[name]:
                    continue  # unchanged: its tracker and declared date stay as they are
                status = status_of(value)
                before = status_of(old_values.get(name)) if previous is not None else None
                if status != before and not (before is None and status == "planned"):
                    event(revision, f"{section}.{name}", before, status)
                tracked[name].see(status, revision)
                declared = value.get("date") if isinstance(value, dict) else None
                seen = date_seen.get((section, name))
                if declared is not None and (seen is None or seen[0] != declared):
                    date_seen[(section, name)] = (declared, revision)
                    if seen is not None:
                        event(revision, f"{section}.{name}.date", seen[0], declared)
                elif declared is None:
                    date_seen.pop((section, name), None)
        for key, trackers_of, done_word in (
            ("updates", update_trackers, "live"),
            ("feedback_rounds", feedback_trackers, "addressed"),
        ):
            if previous is not None and data.get(key) == old.get(key):
                continue
            now_items = _items(data, key)
            old_items = _items(old, key)
            for item_id, entry in now_items.items():
                if (key, item_id) not in first_seen:
                    first_seen[(key, item_id)] = revision
                before = old_items.get(item_id, {}).get("status")
                if entry["status"] != before:
                    event(revision, f"{key}.{item_id}", before, entry["status"])
                trackers_of.setdefault(item_id, _Tracker(done_word)).see(entry["status"], revision)
            for item_id in old_items.keys() - now_items.keys():
                event(revision, f"{key}.{item_id}", old_items[item_id]["status"], None)
                trackers_of.pop(item_id, None)
                first_seen.pop((key, item_id), None)
        if previous is not None and data.get("costs") == old.get("costs"):
            previous = data
            continue
        now_costs = {c["item"]: c for c in data.get("costs") or []}
        old_costs = {c["item"]: c for c in old.get("costs") or []}
        for item, cost in now_costs.items():
            if ("costs", item) not in first_seen:
                first_seen[("costs", item)] = revision
            before_cost = old_costs.get(item)
            if before_cost is None or _cost_text(before_cost) != _cost_text(cost):
                event(
                    revision,
                    f"costs.{item}",
                    _cost_text(before_cost) if before_cost else None,
                    _cost_text(cost),
                )
        for item in old_costs.keys() - now_costs.keys():
            event(revision, f"costs.{item}", _cost_text(old_costs[item]), None)
            first_seen.pop(("costs", item), None)
        previous = data

    _settle_milestones(timeline, trackers, env_trackers, date_seen, tz, first)
    _settle_items(timeline, latest_data, update_trackers, feedback_trackers, first_seen)
    _settle_costs(timeline, latest_data, first_seen, tz)
    return timeline


def _settle_milestones(
    timeline: Timeline,
    trackers: dict[str, _Tracker],
    env_trackers: dict[str, _Tracker],
    date_seen: dict[tuple[str, str], tuple[Any, Revision]],
    tz: Any,
    first: Revision,
) -> None:
    for section, tracked, target in (
        ("milestones", trackers, timeline.milestones),
        ("environments", env_trackers, timeline.environments),
    ):
        for name, tracker in tracked.items():
            status = tracker.status or "planned"
            dated = Dated(status=status)
            at_creation = name != "kickoff" or section != "milestones"
            if tracker.started is not None:
                dated.started_at = tracker.started.landed_at
                dated.started_source = (
                    "created" if at_creation and tracker.started is first else "git"
                )
            if status == "done" and tracker.done is not None:
                dated.done_at = tracker.done.landed_at
                dated.source = "created" if at_creation and tracker.done is first else "git"
                dated.commit, dated.provisional = _sha(tracker.done), tracker.done.provisional
            declared = date_seen.get((section, name))
            if declared is not None and status in ("done", "skipped"):
                moment, _ = parse_declared(declared[0], tz)
                dated.done_at, dated.source = int(moment.timestamp()), "declared"
                dated.commit, dated.provisional = _sha(declared[1]), declared[1].provisional
                if dated.started_at is not None and dated.started_at > dated.done_at:
                    dated.started_at = None  # git only saw it after the declared date
                    dated.started_source = None
            if section == "milestones" and name == "kickoff" and dated.done_at is None:
                dated.done_at, dated.source = timeline.created_at, "created"
                dated.commit = timeline.created_commit
            target[name] = dated


def _settle_items(
    timeline: Timeline,
    data: dict[str, Any],
    update_trackers: dict[str, _Tracker],
    feedback_trackers: dict[str, _Tracker],
    first_seen: dict[tuple[str, str], Revision],
) -> None:
    for key, trackers_of, target in (
        ("updates", update_trackers, timeline.updates),
        ("feedback_rounds", feedback_trackers, timeline.feedback_rounds),
    ):
        for entry in data.get(key) or []:
            tracker = trackers_of[entry["id"]]
            requested = first_seen[(key, entry["id"])]
            item = Item(
                entry["id"],
                entry["status"],
                entry.get("kind"),
                requested.landed_at,
                _sha(requested),
            )
            if entry["status"] == tracker.done_word and tracker.done is not None:
                item.done_at, item.commit = tracker.done.landed_at, _sha(tracker.done)
                item.provisional = tracker.done.provisional
                item.recorded_done = tracker.done is requested
            target.append(item)


def _settle_costs(
    timeline: Timeline, data: dict[str, Any], first_seen: dict[tuple[str, str], Revision], tz: Any
) -> None:
    for cost in data.get("costs") or []:
        added = first_seen[("costs", cost["item"])]
        starts = added.landed_at
        if "from" in cost:
            starts = int(parse_declared(cost["from"], tz)[0].timestamp())
        ends = None
        if "until" in cost and cost["per"] != "once":
            ends = int(parse_declared(cost["until"], tz)[0].timestamp())
        timeline.costs.append(
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


def build_timelines(
    history: History, config: Config, ids: Iterable[str] = (), as_of: int | None = None
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
