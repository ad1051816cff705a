"""A blob over the 1 MiB limit of a project file is never read from git: its size is asked
first, and the revision is skipped with the loader's [too-large] reason; a kpictl.yaml over it,
committed at the ref read, is a configuration error."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import run_kpictl
from tests.gitutil import HistoryRepo, git, project_yaml

BIG = 5 * 1024 * 1024  # compressible: git keeps it small, a whole read would not be


def _big_project() -> str:
    text = project_yaml("a", team_assembled="done")
    return text + "# " + "x" * (BIG - len(text) - 3) + "\n"


@pytest.fixture
def repo(tmp_path: Path) -> HistoryRepo:
    repo = HistoryRepo(tmp_path / "kpis")
    repo.commit(
        "2025-01-06T09:00:00+00:00",
        {"kpictl.yaml": "# defaults\n", "projects/a.yaml": project_yaml("a")},
    )
    return repo


def test_a_project_revision_over_the_limit_is_skipped_unread(repo):
    big = repo.commit("2025-02-06T09:00:00+00:00", {"projects/a.yaml": _big_project()})
    later = project_yaml("a", team_assembled="done", problem_statement="done")
    repo.commit("2025-03-06T09:00:00+00:00", {"projects/a.yaml": later})
    for _ in range(2):  # cold, then from the cache: the same
        result = run_kpictl("history", "--format", "json", cwd=repo.path)
        assert result.code == 0, result.err
        data = json.loads(result.out)
        assert data["warnings"] == [
            f"commit {big[:10]} (2025-02-06T09:00:00Z): projects/a.yaml did not validate (line 1: "
            f"[too-large] the file is {BIG:,} bytes, over the limit of 1,048,576 bytes (1 MiB); "
            "a project file is a few kilobytes, so check what was pasted into it); this revision "
            "is skipped"
        ]
        milestones = data["projects"][0]["milestones"]
        assert milestones["team_assembled"]["done_at"] == "2025-03-06T09:00:00Z"


def test_a_project_file_of_exactly_the_limit_is_read(repo):
    text = project_yaml("a", team_assembled="done")
    exact = text + "# " + "x" * (1024 * 1024 - len(text) - 3) + "\n"
    assert len(exact.encode()) == 1024 * 1024
    repo.commit("2025-02-06T09:00:00+00:00", {"projects/a.yaml": exact})
    result = run_kpictl("history", "--format", "json", cwd=repo.path)
    assert result.code == 0 and json.loads(result.out)["warnings"] == []


def test_a_committed_kpictl_yaml_over_the_limit_is_a_configuration_error(repo):
    big = "# " + "x" * (BIG - 3) + "\n"
    at = repo.commit("2025-02-06T09:00:00+00:00", {"kpictl.yaml": big})
    repo.commit("2025-03-06T09:00:00+00:00", {"kpictl.yaml": "# defaults\n"})
    for args in (("report", "--ref", at), ("history", "--ref", at), ("diff", at, "main")):
        result = run_kpictl(*args, cwd=repo.path)
        assert result.code == 2, (args, result.err)
        assert result.err == (
            f"kpictl: error: kpictl.yaml:1:1: error[too-large]: the kpictl.yaml committed at {at} "
            f"is {BIG:,} bytes, over the limit of 1,048,576 bytes (1 MiB); a kpictl.yaml is a "
            "few kilobytes, so check what was committed in it\n"
        ), args
    # Committed on the branch but not in the working tree: the committed one is what counts.
    git(repo.path, "reset", "-q", "--mixed", at)
    assert (repo.path / "kpictl.yaml").read_text() == "# defaults\n"
    result = run_kpictl("report", cwd=repo.path)
    assert result.code == 2 and "the kpictl.yaml committed in the last commit is" in result.err
