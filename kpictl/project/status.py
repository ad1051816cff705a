"""Reading the parts of a valid project file that other stages share."""

from __future__ import annotations

from typing import Any

from kpictl.config import Config
from kpictl.config.definitions import MILESTONE_STATUSES, MilestoneStatus, Phase, Roles, one_of


def status_of(value: Any) -> MilestoneStatus:
    """A milestone's status, whether written bare (`done`) or as a mapping; missing is planned.
    The file was validated, so the status is one of the schema's."""
    status = value.get("status", "planned") if isinstance(value, dict) else value
    return "planned" if status is None else one_of(status, MILESTONE_STATUSES, "a status")


def phase_of(milestones: dict[str, Any], roles: Roles) -> Phase:
    """poc until the go milestone is done (or skipped), production until the launch milestone
    is done, then scale (a launched project is launched, whatever its go decision)."""
    if status_of(milestones.get(roles.launch)) == "done":
        return "scale"
    if status_of(milestones.get(roles.go)) in ("done", "skipped"):
        return "production"
    return "poc"


def milestone_statuses(data: dict[str, Any], config: Config) -> dict[str, MilestoneStatus]:
    """Every catalog milestone's status, in catalog order."""
    written = data.get("milestones") or {}
    return {m: status_of(written.get(m)) for m in config.milestone_ids}
