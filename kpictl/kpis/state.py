"""Where a project stands: its state, since when, whether it is stuck, and what comes next.

Pure: the as-of time is an argument. The portfolio's purgatory and stale lists are read from
these standings, so a project page and the home page can never disagree about who is stuck.
"""

from __future__ import annotations

from kpictl.config import Config
from kpictl.config.definitions import Phase
from kpictl.dates import DAY
from kpictl.kpis.results import ProjectState, Standing, Stuck
from kpictl.kpis.timeline import Timeline

_STATES: dict[Phase, ProjectState] = {"poc": "poc", "production": "production", "scale": "launched"}


def _entered(t: Timeline, state: ProjectState, config: Config) -> int | None:
    """When the project entered ``state``: the date of the milestone that moved it there."""
    roles = config.roles
    if state == "archived":
        deleted = [e.landed_at for e in t.events if e.field == "archived" and e.new is True]
        return deleted[-1] if deleted else t.last_change_at
    if state == "launched":
        return t.milestones[roles.launch].done_at
    if state == "production":
        go = t.milestones[roles.go]
        if go.done_at is not None:
            return go.done_at
        # Skipped without a declared date: when the change that skipped it landed.
        field = f"milestones.{roles.go}"
        moved = [e.landed_at for e in t.events if e.field == field and e.new in ("done", "skipped")]
        return moved[-1] if moved else None
    start = t.milestones.get(roles.start)
    return start.done_at if start and start.done_at is not None else t.created_at


def standing(t: Timeline, phase: Phase, config: Config, as_of: int) -> Standing:
    """``t``'s standing at ``as_of``; ``phase`` is its catalog phase (from its milestones)."""
    state: ProjectState = "archived" if t.archived else _STATES[phase]
    since = _entered(t, state, config)
    days = None if since is None else round((as_of - since) / DAY, 6)
    stuck: list[Stuck] = []
    if state == "poc" and days is not None and days > config.poc_days:
        stuck.append(Stuck("poc_days", days, config.poc_days))
    quiet = round((as_of - t.last_change_at) / DAY, 6)
    if state in ("poc", "production") and (as_of - t.last_change_at) / DAY > config.stale_days:
        stuck.append(Stuck("stale_days", quiet, config.stale_days))
    statuses = [t.milestones[m].status for m in config.milestone_ids]
    following = None
    if state in ("poc", "production"):
        following = next(
            (
                m
                for m, s in zip(config.milestone_ids, statuses, strict=True)
                if s not in ("done", "skipped")
            ),
            None,
        )
    return Standing(
        state=state,
        since=since,
        days=days,
        stuck=tuple(stuck),
        next_milestone=following,
        milestones_done=statuses.count("done"),
        milestones_skipped=statuses.count("skipped"),
        milestones_total=len(statuses),
    )
