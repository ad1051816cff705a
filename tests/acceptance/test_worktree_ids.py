"""Uncommitted files follow the rule committed ones do: an id is one project's. A copy of a
project file under another name is ignored with a warning, never read as the project moving
to the copy; a file renamed in the working tree is still the same project, moved."""

from __future__ import annotations

import json

import pytest

from tests.conftest import run_kpictl
from tests.gitutil import HistoryRepo, git, project_yaml


@pytest.fixture
def repo(tmp_path) -> HistoryRepo:
    repo = HistoryRepo(tmp_path / "kpis")
    repo.commit(
        "2025-01-06T09:00:00+00:00",
        {"kpictl.yaml": "# defaults\n", "projects/alpha.yaml": project_yaml("alpha", "Alpha")},
    )
    return repo


def test_a_copy_under_another_name_is_ignored_with_a_warning(repo):
    copy = project_yaml("alpha", "Copy of alpha", team_assembled="done")
    (repo.path / "projects" / "aaa-copy.yaml").write_text(copy, encoding="utf-8")
    result = run_kpictl("report", "--worktree", "--format", "json", cwd=repo.path)
    assert result.code == 0, result.err
    report = json.loads(result.out)
    (alpha,) = report["projects"]
    assert alpha["name"] == "Alpha"
    assert alpha["path"] == "projects/alpha.yaml"
    assert any(
        "uncommitted projects/aaa-copy.yaml uses the id 'alpha' of projects/alpha.yaml" in w
        for w in report["warnings"]
    ), report["warnings"]
    diff = run_kpictl("diff", "HEAD", cwd=repo.path)
    assert diff.code == 0, diff.err
    assert "moved" not in diff.out and "Copy of alpha" not in diff.out
    assert "uses the id 'alpha' of projects/alpha.yaml" in diff.out  # said, on the summary
    assert "No change to any project file" in diff.out


def test_a_file_renamed_in_the_working_tree_is_the_same_project_moved(repo):
    git(repo.path, "mv", "projects/alpha.yaml", "projects/alpha-renamed.yaml")
    result = run_kpictl("report", "--worktree", "--format", "json", cwd=repo.path)
    assert result.code == 0, result.err
    (alpha,) = json.loads(result.out)["projects"]
    assert alpha["path"] == "projects/alpha-renamed.yaml"
    assert alpha["archived"] is False
