"""A committer time in the future never becomes a result: a commit dated after the head of the
branch counts as landing when the commit after it did (whether or not that one changed a project
file), with one warning naming it; a head dated more than a day after this machine's clock, and
an --as-of beyond it, are refused with the fix. The same commit always gives the same report."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from kpictl.dates import iso
from tests.conftest import run_kpictl
from tests.gitutil import HistoryRepo, clean_env, git, project_yaml

YEAR_3000 = 32_503_680_000
YEAR_5000 = 95_617_584_000
IN_9999 = 253_380_000_000  # 9999-04-17T21:20:00Z
YEAR_10000 = 253_402_300_800
P = "projects/a.yaml"


def commit_at(repo: HistoryRepo, epoch: int, files: dict[str, str | None], message: str) -> str:
    """Commit at any committer time git can store, written raw (git's date parser stops at
    2099); the author time is an ordinary one."""
    repo.write(files)
    git(repo.path, "add", "-A")
    stamp = f"@{epoch} +0000"
    env = clean_env(GIT_COMMITTER_DATE=stamp, GIT_AUTHOR_DATE="2025-02-01T09:00:00+00:00")
    git(repo.path, "commit", "-q", "--allow-empty", "-m", message, env=env)
    return git(repo.path, "rev-parse", "HEAD").strip()


@pytest.fixture
def repo(tmp_path: Path) -> HistoryRepo:
    repo = HistoryRepo(tmp_path / "kpis")
    repo.commit(
        "2025-01-06T09:00:00+00:00",
        {"kpictl.yaml": "# defaults\n", P: project_yaml("a")},
        message="Add a",
    )
    return repo


def _history(repo: HistoryRepo, *args: str) -> dict:
    result = run_kpictl("history", "--format", "json", *args, cwd=repo.path)
    assert result.code == 0, result.err
    return json.loads(result.out)


@pytest.mark.parametrize("future", [YEAR_3000, YEAR_5000, IN_9999, YEAR_10000])
def test_a_commit_dated_after_the_head_counts_at_the_next_commits_time(repo, future):
    late = commit_at(repo, future, {P: project_yaml("a", team_assembled="done")}, "Assemble")
    # The next commit on the branch changes no project file: its time still dates the one before.
    after = repo.commit("2025-03-01T09:00:00+00:00", {"README.md": "x\n"}, message="Readme")
    repo.commit(
        "2025-04-01T09:00:00+00:00",
        {P: project_yaml("a", team_assembled="done", problem_statement="in_progress")},
    )
    data = _history(repo)
    assert data["warnings"] == [
        f"commit {late[:10]} (Assemble) has a committer time of "
        + (iso(future) if future < YEAR_10000 else f"{future} seconds since 1970, after 9999")
        + f", after the head of the branch ({data['head'][:10]}, 2025-04-01T09:00:00Z): clock "
        "skew; it cannot have landed after the commits that follow it, so it counts as landing "
        f"at 2025-03-01T09:00:00Z, with {after[:10]}"
    ]
    assert data["projects"][0]["milestones"]["team_assembled"]["done_at"] == "2025-03-01T09:00:00Z"
    report = run_kpictl("report", "--format", "json", cwd=repo.path)
    assert report.code == 0, report.err
    payload = json.loads(report.out)
    assert payload["as_of"] == "2025-04-01T09:00:00Z"  # the head's time, not the future's
    assert report.err.count(late[:10]) == 1  # one warning naming the commit
    backtest = run_kpictl("forecast", "--backtest", cwd=repo.path)
    assert backtest.code == 0, backtest.err


def test_commits_in_a_row_dated_in_the_future_count_at_the_first_sane_time_after_them(repo):
    first = commit_at(repo, IN_9999, {P: project_yaml("a", team_assembled="done")}, "One")
    second = commit_at(
        repo, YEAR_5000, {P: project_yaml("a", team_assembled="done", demo_ready="done")}, "Two"
    )
    head = repo.commit("2025-05-01T09:00:00+00:00", {"README.md": "x\n"})
    data = _history(repo)
    assert len(data["warnings"]) == 2
    assert first[:10] in data["warnings"][0] and second[:10] in data["warnings"][1]
    assert all(f"at 2025-05-01T09:00:00Z, with {head[:10]}" in w for w in data["warnings"])
    milestones = data["projects"][0]["milestones"]
    assert milestones["team_assembled"]["done_at"] == "2025-05-01T09:00:00Z"
    assert milestones["demo_ready"]["done_at"] == "2025-05-01T09:00:00Z"


@pytest.mark.parametrize("future", [YEAR_3000, IN_9999, YEAR_10000])
def test_a_head_dated_in_the_future_is_refused_with_the_fix(repo, tmp_path, future):
    head = commit_at(repo, future, {P: project_yaml("a", team_assembled="done")}, "Assemble")
    shown = iso(future) if future < YEAR_10000 else f"{future} seconds since 1970, after 9999"
    for args in (
        ("history",),
        ("report",),
        ("forecast",),
        ("forecast", "--backtest"),
        ("build", "--out", str(tmp_path / "site")),
        ("diff", "HEAD~1", "HEAD"),
        ("diff", "HEAD~1"),
    ):
        result = run_kpictl(*args, cwd=repo.path)
        assert result.code == 2, (args, result.err)
        assert result.out == ""
        lines = result.err.splitlines()
        read = "HEAD" if args[1:] == ("HEAD~1", "HEAD") else "main"
        assert len(lines) == 1 and lines[0].startswith(
            f"kpictl: error: the head commit {head[:10]} of {read} has a committer time of "
            f"{shown}, more than a day after this machine's clock ("
        ), (args, result.err)
        assert "land any commit after it" in lines[0]
        assert "`git commit --amend --no-edit`" in lines[0]
    assert not (tmp_path / "site").exists()
    # Its fix: any commit after it dates it.
    repo.commit("2025-02-01T09:00:00+00:00", {"README.md": "x\n"})
    data = _history(repo)
    assert data["projects"][0]["milestones"]["team_assembled"]["done_at"] == "2025-02-01T09:00:00Z"
    assert run_kpictl("forecast", "--backtest", cwd=repo.path).code == 0


def test_a_head_less_than_a_day_ahead_is_read_and_dated_later_by_the_cache_too(repo):
    soon = int(time.time()) + 12 * 3600  # a clock a few hours fast: accepted
    late = commit_at(repo, soon, {P: project_yaml("a", team_assembled="done")}, "Assemble")
    first = _history(repo)  # fills the cache
    assert first["warnings"] == []
    assert first["projects"][0]["milestones"]["team_assembled"]["done_at"] == iso(soon)
    now = int(time.time()) - 60
    commit_at(repo, now, {"README.md": "x\n"}, "Readme")
    warm, cold = _history(repo), _history(repo, "--no-cache")
    assert warm == cold
    assert warm["projects"][0]["milestones"]["team_assembled"]["done_at"] == iso(now)
    assert len(warm["warnings"]) == 1 and late[:10] in warm["warnings"][0]
    assert (
        run_kpictl("history", "--format", "json", cwd=repo.path).out
        == json.dumps(warm, ensure_ascii=False, separators=(",", ":")) + "\n"
    )


def test_the_same_commit_gives_the_same_report(repo):
    commit_at(repo, IN_9999, {P: project_yaml("a", team_assembled="done")}, "Assemble")
    changed = project_yaml("a", team_assembled="done", demo_ready="in_progress")
    repo.commit("2025-03-01T09:00:00+00:00", {P: changed})
    first = run_kpictl("report", "--format", "json", cwd=repo.path)
    at_head = "2025-03-01T09:00:00Z"
    second = run_kpictl("report", "--format", "json", "--as-of", at_head, cwd=repo.path)
    assert first.code == second.code == 0
    assert first.out == second.out
    assert json.loads(first.out)["as_of"] == at_head


@pytest.mark.parametrize("days", [2, 400])
def test_an_as_of_beyond_tomorrow_is_refused(repo, days):
    later = time.strftime("%Y-%m-%d", time.gmtime(time.time() + days * 86_400))
    for args in (("report",), ("forecast",), ("forecast", "--backtest"), ("diff", "HEAD")):
        result = run_kpictl(*args, "--as-of", later, cwd=repo.path)
        assert result.code == 2, (args, result.err)
        assert result.err.startswith(
            f"kpictl: error: --as-of {later} is {later}T23:59:59Z, more than a day after this "
            "machine's clock ("
        )
        assert result.err.endswith(
            "KPIs are counted from what has landed, so give a past date, or `now`\n"
        )


def test_an_as_of_of_today_or_now_is_read(repo):
    today = time.strftime("%Y-%m-%d", time.gmtime())
    for as_of in (today, "now"):
        result = run_kpictl("report", "--as-of", as_of, cwd=repo.path)
        assert result.code == 0, result.err
