"""Names a project still uses that the catalog no longer has: one warning per project and name."""

from __future__ import annotations

from kpictl.history.model import BranchHistory, Commit, ProjectHistory, Revision
from kpictl.history.outside_catalog import outside_catalog

COMMIT = Commit("a" * 40, 0, 0, "someone", "change")


def project(project_id: str, *datas) -> ProjectHistory:
    path = f"projects/{project_id}.yaml"
    return ProjectHistory(project_id, [Revision(COMMIT, i, path, d) for i, d in enumerate(datas)])


def test_one_warning_per_project_and_name_in_its_current_file():
    old = {"id": "a", "milestones": {"legal_review": "in_progress", "kickoff": "done"}}
    now = {"id": "a", "milestones": {"legal_review": "done"}, "environments": {"qa": "done"}}
    gone = {"id": "b", "milestones": {"legal_review": "done"}}
    dropped = {"id": "c", "milestones": {"kickoff": "done"}}
    history = BranchHistory(
        "main",
        "a" * 40,
        {
            "a": project("a", old, old, now),
            "b": project("b", gone, None),  # archived: its file is gone
            "c": project("c", {"id": "c", "milestones": {"legal_review": "done"}}, dropped),
        },
        [],
        0,
    )
    warnings = outside_catalog(history, ("kickoff",), ("dev", "prod"))
    assert len(warnings) == 2
    assert warnings[0].startswith("project a (projects/a.yaml): the milestone 'legal_review'")
    assert warnings[1].startswith("project a (projects/a.yaml): the environment 'qa'")
    assert "environments: in kpictl.yaml" in warnings[1]
