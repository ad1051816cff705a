"""Reading the parts of a valid project file that other stages share."""

from __future__ import annotations

from typing import Any

from kpictl.config import Config


def status_of(value: Any) -> str:
    """A milestone's status, whether written bare (`done`) or as a mapping; missing is planned."""
    if isinstance(value, dict):
        return str(value.get("status", "planned"))
    return "planned" if value is None else str(value)


def phase_of(milestones: dict[str, Any]) -> str:
    """poc until go_decision is done (or skipped), production until launched is done, then
    scale (a launched project is launched, whatever its go decision)."""
    if status_of(milestones.get("launched")) == "done":
        return "scale"
    if status_of(milestones.get("go_decision")) in ("done", "skipped"):
        return "production"
    return "poc"


def milestone_statuses(data: dict[str, Any], config: Config) -> dict[str, str]:
    """Every catalog milestone's status, in catalog order."""
    written = data.get("milestones") or {}
    return {m: status_of(written.get(m)) for m in config.milestone_ids}
