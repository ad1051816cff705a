"""A change that changes a project's id: the old project is archived and a new one starts,
without its history. `kpictl diff` says so at the top of its summary, with how to keep it."""

from __future__ import annotations

from dataclasses import dataclass

from kpictl.kpis.timeline import Timeline
from kpictl.output.markdown import code


@dataclass(frozen=True)
class IdChange:
    """A project file whose ``id:`` changed: the old project is archived, a new one starts."""

    old_id: str
    new_id: str
    old_path: str
    new_path: str  # the old path when the id changed in place


def find_id_changes(before: dict[str, Timeline], after: dict[str, Timeline]) -> list[IdChange]:
    """The projects this change archives because their file now says another id. In the
    history the old id is archived with the file's path and the new id is new at that path,
    or, the file renamed, at the new path with the same name (or the same content but the id)."""
    started = [t for pid, t in sorted(after.items()) if pid not in before]
    paths_before = {t.path for t in before.values() if not t.archived}
    paths_after = {t.path for t in after.values() if not t.archived}
    changes = []
    for pid, old in sorted(before.items()):
        now = after.get(pid)
        if old.archived or now is None or not now.archived:
            continue
        new = [t for t in started if not t.archived and t.path == old.path]
        if not new and old.path not in paths_after:  # the file was renamed, or deleted
            new = [
                t
                for t in started
                if not t.archived and t.path not in paths_before and _same_project(old, t)
            ]
        if len(new) == 1:
            started.remove(new[0])
            changes.append(IdChange(pid, new[0].id, old.path, new[0].path))
    return changes


def _same_project(old: Timeline, new: Timeline) -> bool:
    if old.data.get("name") == new.data.get("name"):
        return True
    rest = ("id", "name")
    return {k: v for k, v in old.data.items() if k not in rest} == {
        k: v for k, v in new.data.items() if k not in rest
    }


def id_change_note(changes: list[IdChange]) -> list[str]:
    if not changes:
        return []
    lines = ["**This change changes a project's id: its history is not carried over.**", ""]
    for c in changes:
        moved = "" if c.new_path == c.old_path else f", renamed {code(c.new_path)},"
        lines.append(
            f"- {code(c.old_path)}{moved} now says {code('id: ' + c.new_id)} (it said "
            f"{code('id: ' + c.old_id)}): {code(c.old_id)} is archived and {code(c.new_id)} "
            f"starts as a new project, without the history of {code(c.old_id)}. To keep the "
            f"history instead, keep the id ({code('id: ' + c.old_id)}); rename the file freely."
        )
    return [*lines, ""]
