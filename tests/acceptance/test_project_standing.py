"""Where a project stands follows its milestones as they are, whatever was skipped."""

from __future__ import annotations

import json

from tests.conftest import run_kpictl
from tests.gitutil import HistoryRepo, project_yaml


def test_a_launched_project_without_a_go_decision_is_launched(tmp_path):
    repo = HistoryRepo(tmp_path / "repo")
    repo.commit("2024-01-01T00:00:00+00:00", {"projects/n.yaml": project_yaml("n")})
    repo.commit(
        "2024-03-01T00:00:00+00:00",
        {
            "projects/n.yaml": project_yaml(
                "n", go_decision="skipped", security_review="done", launched="done"
            )
        },
    )
    report = json.loads(
        run_kpictl("report", "--format", "json", "--as-of", "2024-09-01", cwd=repo.path).out
    )
    assert report["projects"][0]["phase"] == "scale"
    assert report["portfolio"]["purgatory"] == [] and report["portfolio"]["stale"] == []
