"""Milestone and environment names a project still uses that the catalog no longer has.

History accepts any name of the right shape (the catalog is configuration and may change after a
revision landed), and the timelines count only the catalog's names; this says so once per
project and name, rather than once per revision or not at all.
"""

from __future__ import annotations

from collections.abc import Collection

from kpictl.history.model import BranchHistory


def outside_catalog(
    history: BranchHistory, milestones: Collection[str], environments: Collection[str]
) -> list[str]:
    """One warning per project and name in its current file that is not in the catalog."""
    warnings = []
    catalog = {"milestones": frozenset(milestones), "environments": frozenset(environments)}
    for project_id, project in sorted(history.projects.items()):
        current = project.current
        if current.data is None:
            continue  # archived: its file is gone, there is nothing left to fix
        for section, what in (("milestones", "milestone"), ("environments", "environment")):
            for name in current.data.get(section) or {}:
                if name not in catalog[section]:
                    warnings.append(
                        f"project {project_id} ({current.path}): the {what} {name!r} is not in "
                        f"the catalog of kpictl.yaml, so its dates are ignored; add it to "
                        f"{section}: in kpictl.yaml to count it, or remove it from the file"
                    )
    return warnings
