"""Commit times and command-line times out of range are a clear error or warning, never a crash:
commits are written with raw timestamps git's date parser would refuse."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import run_kpictl
from tests.gitutil import HistoryRepo, git, project_yaml

YEAR_3000 = 32_503_680_000
YEAR_10000 = 253_402_300_800


def raw_commit(repo: HistoryRepo, files: dict[str, str], committed: str, authored: str = "") -> str:
    """Commit ``files`` with the committer time written as is (``-100``, ``abc``...)."""
    repo.write(files)
    git(repo.path, "add", "-A")
    tree = git(repo.path, "write-tree").strip()
    parent = git(repo.path, "rev-parse", "HEAD").strip()
    body = (
        f"tree {tree}\nparent {parent}\n"
        f"author A <a@example.com> {authored or committed} +0000\n"
        f"committer C <c@example.com> {committed} +0000\n\nraw time {committed}\n"
    )
    sha = git(repo.path, "hash-object", "-t", "commit", "-w", "--stdin", input=body).strip()
    git(repo.path, "update-ref", "HEAD", sha)
    return sha


@pytest.fixture
def repo(tmp_path: Path) -> HistoryRepo:
    repo = HistoryRepo(tmp_path / "repo")
    repo.commit(
        "2025-01-06T09:00:00+00:00",
        {"kpictl.yaml": "# defaults\n", "projects/a.yaml": project_yaml("a")},
    )
    return repo


def test_a_head_commit_in_the_year_3000_is_refused(repo, tmp_path):
    # (a commit in 3000 before the head counts at the next commit's time: test_future_times.py)
    raw_commit(repo, {"projects/a.yaml": project_yaml("a", team_assembled="done")}, str(YEAR_3000))
    for args in (("history", "--format", "json"), ("build", "--out", str(tmp_path / "site"))):
        result = run_kpictl(*args, cwd=repo.path)
        assert result.code == 2, result.err
        assert "committer time of 3000-01-01T00:00:00Z, more than a day after" in result.err


# (a head after 9999 is refused, one before the head counts later: test_future_times.py)
@pytest.mark.parametrize("committed", ["-100"])
def test_a_commit_whose_time_cannot_be_used_is_skipped_with_a_warning(repo, committed):
    sha = raw_commit(repo, {"projects/a.yaml": project_yaml("a", team_assembled="done")}, committed)
    for args in (("history", "--format", "json"), ("report", "--format", "json")):
        result = run_kpictl(*args, cwd=repo.path)
        assert result.code == 0, result.err
        assert (
            f"commit {sha[:10]} (raw time {committed}) has a committer time outside 1970 to 9999 "
            "(UTC)" in result.err
        )
        assert "projects/a.yaml; they are skipped" in result.err
    data = json.loads(run_kpictl("history", "--format", "json", cwd=repo.path).out)
    assert data["projects"][0]["milestones"]["team_assembled"]["status"] == "planned"
    # A later commit with a usable time that changes the file lands it as it is then.
    later = project_yaml("a", team_assembled="done", problem_statement="in_progress")
    repo.commit("2025-02-01T09:00:00+00:00", {"projects/a.yaml": later})
    data = json.loads(run_kpictl("history", "--format", "json", cwd=repo.path).out)
    assert data["projects"][0]["milestones"]["team_assembled"]["done_at"] == "2025-02-01T09:00:00Z"


def test_an_author_time_out_of_range_shows_the_committer_time(repo):
    sha = raw_commit(
        repo,
        {"projects/a.yaml": project_yaml("a", team_assembled="done")},
        "1738400400",
        authored=str(YEAR_10000),
    )
    result = run_kpictl("history", "--format", "json", cwd=repo.path)
    assert result.code == 0
    assert f"commit {sha[:10]} (raw time 1738400400) has an author time outside" in result.err
    events = json.loads(result.out)["projects"][0]["events"]
    assert events[-1]["authored_at"] == events[-1]["landed_at"] == "2025-02-01T09:00:00Z"


@pytest.mark.parametrize(
    ("timezone", "as_of", "code", "words"),
    [
        ("UTC", "9999-12-31T23:00:00-05:00", 2, "after 9999 in UTC"),
        ("UTC", "9999-12-31", 2, "more than a day after this machine's clock"),
        ("America/New_York", "9999-12-31", 2, "the end of 9999-12-31 is after 9999 in UTC"),
        ("UTC", "9999-12-31T23:59:59Z", 2, "more than a day after this machine's clock"),
        ("UTC", "1969-12-31", 2, "out of range"),
        ("Asia/Tokyo", "1970-01-01T08:59:59+09:00", 2, "before 1970"),
    ],
)
def test_as_of_out_of_range_is_a_usage_error(repo, timezone, as_of, code, words):
    (repo.path / "kpictl.yaml").write_text(f"timezone: {timezone}\n")
    repo.commit("2025-01-07T09:00:00+00:00")
    result = run_kpictl("report", "--as-of", as_of, "--format", "json", cwd=repo.path)
    assert result.code == code, result.err
    assert words in result.err


def test_a_commit_at_the_first_second_of_1970_is_a_time_like_any_other(repo, tmp_path):
    """Time 0 is a usable time (1970-01-01 00:00:00 UTC), not "no time": a done update dated
    there once fell out of its own median, which then had no values (exit 3)."""
    text = project_yaml("a")
    update = "updates:\n  - {{id: u1, kind: simple, status: {}, title: Fix a typo}}\n"
    repo.commit("2025-01-07T09:00:00+00:00", {"projects/c.yaml": project_yaml("c")})
    raw_commit(repo, {"projects/a.yaml": text + update.format("requested")}, "0")
    raw_commit(repo, {"projects/a.yaml": text + update.format("live")}, "0")
    # a head dated long before the commit it follows is refused: its clock was behind
    refused = run_kpictl("report", cwd=repo.path)
    assert refused.code == 2, refused.err
    assert "more than a day before 2 of the commits before it (the latest 2025-01-07" in refused.err
    assert "git commit --amend --no-edit" in refused.err
    repo.commit("2025-02-01T09:00:00+00:00", {"projects/b.yaml": project_yaml("b")})
    for args in (["report"], ["forecast"], ["diff", "HEAD~4", "HEAD"]):
        result = run_kpictl(*args, cwd=repo.path)
        assert result.code == 0, (args, result.err)
    report = json.loads(run_kpictl("report", "--format", "json", cwd=repo.path).out)
    project = next(p for p in report["projects"] if p["id"] == "a")
    assert project["kpis"]["simple_update_lead_time"]["value"] == 0.0
    built = run_kpictl("build", "--out", str(tmp_path / "site"), cwd=repo.path)
    assert built.code == 0, built.err
