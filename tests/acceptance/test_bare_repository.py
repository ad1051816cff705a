"""A bare repository has no working tree, so nothing in it is uncommitted: it reads as the
checked-out clone does, without a note about kpictl.yaml."""

from __future__ import annotations

import json

from tests.conftest import run_kpictl
from tests.gitutil import HistoryRepo, git, project_yaml


def test_a_bare_repository_has_no_uncommitted_kpictl_yaml(tmp_path):
    repo = HistoryRepo(tmp_path / "kpis")
    repo.commit(
        "2025-01-06T09:00:00+00:00",
        {"kpictl.yaml": "timezone: Europe/Paris\n", "projects/a.yaml": project_yaml("a")},
    )
    repo.commit(
        "2025-02-06T09:00:00+00:00", {"projects/a.yaml": project_yaml("a", demo_ready="done")}
    )
    bare = tmp_path / "kpis.git"
    git(tmp_path, "clone", "-q", "--bare", str(repo.path), str(bare))
    for args in (
        ("report", "--format", "json"),
        ("history", "--format", "json"),
        ("diff", "HEAD~1", "HEAD"),
    ):
        in_bare = run_kpictl(*args, cwd=bare)
        in_clone = run_kpictl(*args, cwd=repo.path)
        assert in_bare.code == 0, in_bare.err
        assert "not committed" not in in_bare.err
        assert in_bare.err == in_clone.err
        assert in_bare.out == in_clone.out
    report = json.loads(run_kpictl("report", "--format", "json", cwd=bare).out)
    assert report["projects"][0]["id"] == "a"
