"""`kpictl history` on real repositories whose commits land at controlled times."""

from __future__ import annotations

import json
import subprocess

import pytest

from tests.conftest import run_kpictl
from tests.gitutil import HistoryRepo, clean_env, git, project_yaml

P = "projects/assistant.yaml"


@pytest.fixture
def repo(tmp_path) -> HistoryRepo:
    return HistoryRepo(tmp_path / "kpis")


def history(repo: HistoryRepo, *args: str) -> dict:
    result = run_kpictl("history", "--format", "json", *args, cwd=repo.path)
    assert result.code == 0, result.err
    payload = json.loads(result.out)
    payload["stderr"] = result.err
    return payload


def project(payload: dict, project_id: str = "assistant") -> dict:
    return next(p for p in payload["projects"] if p["id"] == project_id)


def test_a_merge_lands_at_the_merge_commit_not_when_the_branch_was_written(repo):
    repo.commit(
        "2025-01-06T09:00:00+00:00", {P: project_yaml("assistant", team_assembled="planned")}
    )
    git(repo.path, "checkout", "-q", "-b", "feature")
    repo.commit(
        "2025-01-08T10:00:00+00:00",
        {P: project_yaml("assistant", team_assembled="done")},
        message="Mark the team assembled",
        authored="2025-01-07T08:30:00+00:00",
    )
    git(repo.path, "checkout", "-q", "main")
    merge = repo.merge("feature", "2025-01-13T16:45:00+00:00")
    data = project(history(repo))
    team = data["milestones"]["team_assembled"]
    assert team == {
        "status": "done",
        "started_at": "2025-01-13T16:45:00Z",
        "done_at": "2025-01-13T16:45:00Z",
        "source": "git",
        "commit": merge,
    }
    event = next(e for e in data["events"] if e["field"] == "milestones.team_assembled")
    assert event["landed_at"] == "2025-01-13T16:45:00Z"
    assert event["authored_at"] == "2025-01-13T16:45:00Z"  # the merge commit's own author time
    assert (event["old"], event["new"], event["commit"]) == ("planned", "done", merge)
    assert data["created_at"] == "2025-01-06T09:00:00Z"
    assert data["milestones"]["kickoff"]["done_at"] == "2025-01-06T09:00:00Z"


def test_a_squash_merge_lands_at_the_commit_on_main(repo):
    repo.commit(
        "2025-02-01T09:00:00+00:00", {P: project_yaml("assistant", demo_ready="in_progress")}
    )
    git(repo.path, "checkout", "-q", "-b", "feature")
    repo.commit(
        "2025-02-03T09:00:00+00:00",
        {P: project_yaml("assistant", demo_ready="done")},
        authored="2025-02-02T09:00:00+00:00",
    )
    git(repo.path, "checkout", "-q", "main")
    git(repo.path, "merge", "-q", "--squash", "feature")
    squash = repo.commit(
        "2025-02-10T12:00:00+00:00",
        message="Demo ready (#12)",
        authored="2025-02-02T09:00:00+00:00",
    )
    demo = project(history(repo))["milestones"]["demo_ready"]
    assert demo["done_at"] == "2025-02-10T12:00:00Z" and demo["commit"] == squash
    assert demo["started_at"] == "2025-02-01T09:00:00Z"
    event = next(e for e in project(history(repo))["events"] if e["new"] == "done")
    assert event["authored_at"] == "2025-02-02T09:00:00Z"  # the author time is kept beside it


def test_renaming_and_moving_to_a_subfolder_keeps_the_history(repo):
    first = repo.commit("2025-03-01T09:00:00+00:00", {P: project_yaml("assistant")})
    git(repo.path, "mv", P, "projects/renamed.yaml")
    repo.commit("2025-03-02T09:00:00+00:00")
    (repo.path / "projects/team").mkdir()
    git(repo.path, "mv", "projects/renamed.yaml", "projects/team/assistant.yaml")
    repo.commit("2025-03-03T09:00:00+00:00")
    done = repo.commit(
        "2025-03-04T09:00:00+00:00",
        {"projects/team/assistant.yaml": project_yaml("assistant", team_assembled="done")},
    )
    payload = history(repo)
    assert len(payload["projects"]) == 1
    data = project(payload)
    assert data["path"] == "projects/team/assistant.yaml"
    assert data["archived"] is False
    assert data["created_at"] == "2025-03-01T09:00:00Z" and data["created_commit"] == first
    assert data["milestones"]["team_assembled"]["commit"] == done
    moves = [(e["old"], e["new"]) for e in data["events"] if e["field"] == "path"]
    assert moves == [
        (P, "projects/renamed.yaml"),
        ("projects/renamed.yaml", "projects/team/assistant.yaml"),
    ]


def test_a_reopened_milestone_counts_from_the_second_done(repo):
    repo.commit(
        "2025-04-01T09:00:00+00:00", {P: project_yaml("assistant", security_review="in_progress")}
    )
    repo.commit("2025-04-05T09:00:00+00:00", {P: project_yaml("assistant", security_review="done")})
    repo.commit(
        "2025-04-09T09:00:00+00:00", {P: project_yaml("assistant", security_review="in_progress")}
    )
    again = repo.commit(
        "2025-04-20T15:30:00+00:00", {P: project_yaml("assistant", security_review="done")}
    )
    review = project(history(repo))["milestones"]["security_review"]
    assert review["started_at"] == "2025-04-01T09:00:00Z"
    assert review["done_at"] == "2025-04-20T15:30:00Z" and review["commit"] == again


def test_a_milestone_reopened_and_not_done_has_no_done_date(repo):
    repo.commit("2025-04-01T09:00:00+00:00", {P: project_yaml("assistant", demo_ready="done")})
    repo.commit(
        "2025-04-09T09:00:00+00:00", {P: project_yaml("assistant", demo_ready="in_progress")}
    )
    demo = project(history(repo))["milestones"]["demo_ready"]
    assert demo["status"] == "in_progress" and demo["done_at"] is None and demo["commit"] is None


def test_a_declared_date_overrides_git(repo):
    text = project_yaml("assistant", demo_ready="{status: done, date: 2024-03-05}")
    sha = repo.commit("2025-05-01T09:00:00+00:00", {P: text})
    demo = project(history(repo))["milestones"]["demo_ready"]
    assert demo == {
        "status": "done",
        "started_at": None,
        "done_at": "2024-03-05T00:00:00Z",
        "source": "declared",
        "commit": sha,
    }
    repo.write({"kpictl.yaml": "timezone: America/Los_Angeles\n"})
    same = run_kpictl("history", "--format", "json", cwd=repo.path)
    assert "kpictl.yaml has changes that are not committed" in same.err  # the committed one
    assert project(json.loads(same.out))["milestones"]["demo_ready"] == demo
    worktree = run_kpictl("history", "--format", "json", "--worktree", cwd=repo.path)
    assert "not committed" not in worktree.err
    los_angeles = project(json.loads(worktree.out))["milestones"]["demo_ready"]
    assert los_angeles["done_at"] == "2024-03-05T08:00:00Z"  # midnight in Los Angeles (PST)
    repo.commit("2025-05-01T10:00:00+00:00", {"kpictl.yaml": "timezone: America/Los_Angeles\n"})
    demo = project(history(repo))["milestones"]["demo_ready"]
    assert demo["done_at"] == "2024-03-05T08:00:00Z"
    text = project_yaml("assistant", demo_ready="{status: done, date: '2024-03-05T10:00:00+05:30'}")
    repo.commit("2025-05-02T09:00:00+00:00", {P: text})
    assert project(history(repo))["milestones"]["demo_ready"]["done_at"] == "2024-03-05T04:30:00Z"


def test_commit_offsets_are_reported_in_utc(repo):
    repo.commit(
        "2025-06-01T09:00:00+05:30", {P: project_yaml("assistant", team_assembled="in_progress")}
    )
    repo.commit("2025-06-01T20:15:00-08:00", {P: project_yaml("assistant", team_assembled="done")})
    team = project(history(repo))["milestones"]["team_assembled"]
    assert team["started_at"] == "2025-06-01T03:30:00Z"
    assert team["done_at"] == "2025-06-02T04:15:00Z"


def test_a_broken_revision_is_skipped_with_a_warning(repo):
    repo.commit("2025-07-01T09:00:00+00:00", {P: project_yaml("assistant", demo_ready="planned")})
    broken = repo.commit("2025-07-02T09:00:00+00:00", {P: "id: assistant\nname: [unclosed\n"})
    invalid = repo.commit(
        "2025-07-03T09:00:00+00:00", {P: project_yaml("assistant", demo_ready="finished")}
    )
    fixed = repo.commit(
        "2025-07-04T09:00:00+00:00", {P: project_yaml("assistant", demo_ready="done")}
    )
    payload = history(repo)
    demo = project(payload)["milestones"]["demo_ready"]
    assert demo["done_at"] == "2025-07-04T09:00:00Z" and demo["commit"] == fixed
    warnings = payload["warnings"]
    assert len(warnings) == 2
    assert broken[:10] in warnings[0] and P in warnings[0] and "skipped" in warnings[0]
    assert invalid[:10] in warnings[1] and "'finished'" in warnings[1]
    assert f"warning: commit {broken[:10]}" in payload["stderr"]


def test_deleting_the_file_archives_the_project(repo):
    repo.commit(
        "2025-08-01T09:00:00+00:00",
        {P: project_yaml("assistant"), "projects/other.yaml": project_yaml("other")},
    )
    gone = repo.commit("2025-08-05T09:00:00+00:00", {P: None})
    payload = history(repo)
    data = project(payload)
    assert data["archived"] is True
    assert data["events"][-1]["field"] == "archived" and data["events"][-1]["commit"] == gone
    assert project(payload, "other")["archived"] is False


def test_clock_skew_along_the_branch_is_a_warning(repo):
    first = repo.commit("2025-09-10T09:00:00+00:00", {P: project_yaml("assistant")})
    second = repo.commit(
        "2025-09-01T09:00:00+00:00", {P: project_yaml("assistant", demo_ready="done")}
    )
    warnings = history(repo)["warnings"]
    assert len(warnings) == 1
    assert second[:10] in warnings[0] and first[:10] in warnings[0] and "clock skew" in warnings[0]


def test_updates_and_feedback_rounds_are_followed_by_id(repo):
    base = project_yaml("assistant")
    repo.commit(
        "2025-10-01T09:00:00+00:00",
        {P: base + "updates:\n  - {id: tone, kind: simple, status: requested}\n"},
    )
    repo.commit(
        "2025-10-03T09:00:00+00:00",
        {
            P: base + "updates:\n  - {id: tone, kind: simple, status: in_progress}\n"
            "feedback_rounds:\n  - {id: beta-1, status: open}\n"
        },
    )
    live = repo.commit(
        "2025-10-06T12:00:00+00:00",
        {
            P: base + "updates:\n  - {id: tone, kind: simple, status: live}\n"
            "feedback_rounds:\n  - {id: beta-1, status: addressed}\n"
        },
    )
    data = project(history(repo))
    assert data["updates"] == [
        {
            "id": "tone",
            "kind": "simple",
            "status": "live",
            "requested_at": "2025-10-01T09:00:00Z",
            "live_at": "2025-10-06T12:00:00Z",
            "commit": live,
        }
    ]
    assert data["feedback_rounds"][0]["requested_at"] == "2025-10-03T09:00:00Z"
    assert data["feedback_rounds"][0]["addressed_at"] == "2025-10-06T12:00:00Z"


def test_a_recurring_cost_without_from_starts_when_it_landed(repo):
    base = project_yaml("assistant")
    repo.commit("2025-11-01T09:00:00+00:00", {P: base})
    added = repo.commit(
        "2025-11-02T10:00:00+00:00",
        {
            P: base + "costs:\n"
            "  - {item: API, category: inference, amount: 100, currency: USD, per: month}\n"
            "  - {item: Seats, category: licences, amount: 5, currency: USD, per: year,"
            " from: 2025-01-01}\n"
        },
    )
    costs = {c["item"]: c for c in project(history(repo))["costs"]}
    assert costs["API"]["starts_at"] == "2025-11-02T10:00:00Z" and costs["API"]["commit"] == added
    assert costs["Seats"]["starts_at"] == "2025-01-01T00:00:00Z"


def test_uncommitted_edits_are_ignored_unless_worktree(repo):
    repo.commit(
        "2025-12-01T09:00:00+00:00", {P: project_yaml("assistant", demo_ready="in_progress")}
    )
    repo.write(
        {P: project_yaml("assistant", demo_ready="done"), "projects/new.yaml": project_yaml("new")}
    )
    payload = history(repo)
    assert project(payload)["milestones"]["demo_ready"]["status"] == "in_progress"
    assert [p["id"] for p in payload["projects"]] == ["assistant"]

    payload = history(repo, "--worktree")
    demo = project(payload)["milestones"]["demo_ready"]
    assert demo["status"] == "done" and demo["commit"] is None and demo["provisional"] is True
    assert project(payload, "new")["milestones"]["kickoff"]["provisional"] is True
    event = project(payload)["events"][-1]
    assert event["provisional"] is True and event["commit"] is None


def test_the_cache_gives_the_same_answer_and_reads_only_new_commits(repo, monkeypatch, tmp_path):
    from kpictl.config import load_config
    from kpictl.git.log import BranchLog
    from kpictl.git.repository import open_repository
    from kpictl.history.branch import read_branch

    for day in range(1, 6):
        repo.commit(
            f"2025-01-{day:02d}T09:00:00+00:00",
            {P: project_yaml("assistant", demo_ready=["planned", "in_progress"][day % 2])},
        )
    cold = history(repo, "--no-cache")
    first = history(repo)
    assert first == cold
    repo.commit("2025-01-09T09:00:00+00:00", {P: project_yaml("assistant", demo_ready="done")})
    branch = BranchLog(open_repository(repo.path, None))
    warm = read_branch(load_config(repo.path), branch, now=0)
    assert warm.commits_read == 1
    assert history(repo) == history(repo, "--no-cache")
    # A rewritten branch (the cached head is no longer on it) is read again from scratch.
    git(repo.path, "reset", "-q", "--hard", "HEAD~2")
    repo.commit("2025-01-10T09:00:00+00:00", {P: project_yaml("assistant", demo_ready="skipped")})
    assert history(repo) == history(repo, "--no-cache")


def test_a_shallow_clone_is_an_error_with_the_fix(repo, tmp_path):
    repo.commit("2025-01-01T09:00:00+00:00", {P: project_yaml("assistant")})
    repo.commit("2025-01-02T09:00:00+00:00", {P: project_yaml("assistant", demo_ready="done")})
    shallow = tmp_path / "shallow"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "1", f"file://{repo.path}", str(shallow)],
        env=clean_env(),
        check=True,
    )
    result = run_kpictl("history", cwd=shallow)
    assert result.code == 2
    assert "shallow clone" in result.err and "fetch-depth: 0" in result.err
    assert "git fetch --unshallow" in result.err and "Traceback" not in result.err


def test_not_a_repository_no_commits_and_unknown_ref_are_clear_errors(tmp_path):
    (tmp_path / "plain" / "projects").mkdir(parents=True)
    result = run_kpictl("history", cwd=tmp_path / "plain")
    assert result.code == 2 and "not in a git repository" in result.err
    empty = HistoryRepo(tmp_path / "empty")
    result = run_kpictl("history", cwd=empty.path)
    assert result.code == 2 and "no commits yet" in result.err
    empty.commit("2025-01-01T09:00:00+00:00", {P: project_yaml("assistant")})
    result = run_kpictl("history", "--ref", "nope", cwd=empty.path)
    assert result.code == 2 and "unknown ref 'nope'" in result.err
    result = run_kpictl("history", "missing-id", cwd=empty.path)
    assert result.code == 2 and "missing-id" in result.err


def test_ref_reads_another_branch(repo):
    repo.commit("2025-01-01T09:00:00+00:00", {P: project_yaml("assistant")})
    git(repo.path, "checkout", "-q", "-b", "next")
    repo.commit("2025-01-05T09:00:00+00:00", {P: project_yaml("assistant", demo_ready="done")})
    git(repo.path, "checkout", "-q", "main")
    assert project(history(repo))["milestones"]["demo_ready"]["status"] == "planned"
    payload = history(repo, "--ref", "next")
    assert payload["ref"] == "next"
    assert project(payload)["milestones"]["demo_ready"]["done_at"] == "2025-01-05T09:00:00Z"


def test_text_output_shows_dates_durations_and_short_commits(repo):
    repo.commit(
        "2025-01-01T09:00:00+00:00", {P: project_yaml("assistant", demo_ready="in_progress")}
    )
    sha = repo.commit(
        "2025-01-03T21:00:00+00:00", {P: project_yaml("assistant", demo_ready="done")}
    )
    result = run_kpictl("history", cwd=repo.path)
    assert result.code == 0
    line = next(x for x in result.out.splitlines() if x.strip().startswith("demo_ready"))
    assert "2025-01-01 09:00" in line and "2025-01-03 21:00" in line
    assert "2.5 d" in line and sha[:8] in line
    assert f"2025-01-03 21:00  {sha[:8]}  milestones.demo_ready: in_progress → done" in result.out


def test_kickoff_done_when_the_file_lands_takes_its_landing_time(repo):
    sha = repo.commit("2025-05-01T09:00:00+00:00", {P: project_yaml("assistant")})
    kickoff = project(history(repo))["milestones"]["kickoff"]
    assert kickoff["done_at"] == "2025-05-01T09:00:00Z"
    assert kickoff["source"] == "added" and kickoff["commit"] == sha
    # A later milestone declared before that: the note says to declare kickoff's date.
    text = project_yaml("assistant", team_assembled="{status: done, date: 2025-03-01}")
    repo.commit("2025-05-02T09:00:00+00:00", {P: text})
    result = run_kpictl("report", "--format", "json", cwd=repo.path)
    value = json.loads(result.out)["projects"][0]["kpis"]["time_to_assemble_team"]
    assert value["status"] == "unknown"
    assert "declare kickoff's date too" in value["note"]
    assert "dated when the project file was added (2025-05-01)" in value["note"]
