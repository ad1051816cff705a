"""The cache is only a cache: damaged, it costs time and never changes an answer; it cannot be
fooled by replace refs or grafts."""

from __future__ import annotations

import json
import marshal
import random

import pytest

from kpictl.history.cache import read_marshal, write_atomically
from tests.conftest import run_kpictl
from tests.gitutil import HistoryRepo, git, project_yaml


@pytest.fixture
def repo(tmp_path) -> HistoryRepo:
    repo = HistoryRepo(tmp_path / "kpis")
    repo.commit("2025-01-06T09:00:00+00:00", {"projects/a.yaml": project_yaml("a", "A")})
    cost = "costs:\n  - {item: Build, category: people, amount: 90000, currency: USD, per: once}\n"
    repo.commit(
        "2025-01-20T09:00:00+00:00",
        {"projects/a.yaml": project_yaml("a", "A", team_assembled="done") + cost},
    )
    repo.commit(
        "2025-02-03T09:00:00+00:00",
        {"projects/b.yaml": project_yaml("b", "B", team_assembled="in_progress")},
    )
    repo.commit(
        "2025-03-03T09:00:00+00:00",
        {"projects/b.yaml": project_yaml("b", "B", team_assembled="done")},
    )
    return repo


def answers(repo: HistoryRepo, *extra: str) -> tuple[str, str]:
    history = run_kpictl("history", "--format", "json", *extra, cwd=repo.path)
    report = run_kpictl("report", "--format", "json", cwd=repo.path)
    assert history.code == 0 and report.code == 0, history.err + report.err
    return history.out, report.out


def test_every_damaged_cache_file_gives_the_answer_of_no_cache(repo):
    truth = answers(repo, "--no-cache")
    assert answers(repo) == truth  # fills the cache
    files = sorted((repo.path / ".git" / "kpictl").glob("*.marshal"))
    assert files
    rng = random.Random(20261129)
    pristine = {f: f.read_bytes() for f in files}
    for trial in range(60):
        victim = files[trial % len(files)]
        data = bytearray(pristine[victim])
        position = rng.randrange(len(data))
        data[position] ^= 1 << rng.randrange(8)
        victim.write_bytes(bytes(data))
        assert answers(repo) == truth, f"a bit flipped at {position} of {victim.name}"
        victim.write_bytes(pristine[victim])
    for victim in files:  # truncated, emptied, replaced by garbage
        for damage in (pristine[victim][:10], b"", b"\x00" * 100):
            victim.write_bytes(damage)
            assert answers(repo) == truth


def test_a_cache_that_passes_its_checksum_but_not_its_use_is_read_again_with_a_warning(
    repo, monkeypatch, tmp_path
):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))
    truth = answers(repo, "--no-cache")
    assert answers(repo) == truth  # fills the cache
    head = git(repo.path, "rev-parse", "HEAD").strip()
    (cached,) = (repo.path / ".git" / "kpictl").glob("history-????????????????.marshal")
    # The right shape and head (so it is used), a log entry no kpictl wrote: a bug's payload.
    write_atomically(cached, marshal.dumps({"blobs": {}, "head": head, "log": [("x",)]}))

    reread = run_kpictl("history", "--format", "json", cwd=repo.path)

    assert reread.code == 0, reread.err
    warned = [line for line in reread.err.splitlines() if "could not be used" in line]
    assert len(warned) == 1, reread.err
    assert f"the history cache {cached} could not be used (ValueError" in warned[0]
    assert "read again from git" in warned[0]
    (crash_log,) = (tmp_path / "user-cache" / "kpictl").glob("kpictl-crash-*.log")
    assert f"details in {crash_log}" in warned[0]
    assert "ValueError" in crash_log.read_text(encoding="utf-8")
    payload, expected = json.loads(reread.out), json.loads(truth[0])
    assert payload["projects"] == expected["projects"]
    assert payload["warnings"] == [warned[0].removeprefix("kpictl: warning: ")]
    assert answers(repo) == truth  # the cache was written again: no warning from here on


def test_replace_refs_and_grafts_change_no_date(repo):
    truth = answers(repo, "--no-cache")
    assert answers(repo) == truth
    # Replace the commit that marked a.team_assembled done with one dated a year later.
    marked = git(repo.path, "rev-parse", "HEAD~2").strip()
    later = git(repo.path, "cat-file", "commit", marked).replace(
        "1737363600 +0000", "1768899600 +0000"
    )
    fake = git(repo.path, "hash-object", "-t", "commit", "-w", "--stdin", input=later).strip()
    git(repo.path, "replace", marked, fake)
    assert answers(repo) == truth
    assert answers(repo, "--no-cache") == truth
    # A graft that cuts the history after the first commit.
    first = git(repo.path, "rev-list", "--max-parents=0", "HEAD").strip()
    top = git(repo.path, "rev-parse", "HEAD").strip()
    git_dir = repo.path / ".git"
    (git_dir / "info").mkdir(exist_ok=True)
    (git_dir / "info" / "grafts").write_text(f"{top} {first}\n", encoding="utf-8")
    grafted = answers(repo, "--no-cache")
    assert answers(repo) == grafted  # the cache follows the graft: same answer as no cache


def test_concurrent_runs_share_the_cache_and_agree(repo):
    import subprocess
    import sys

    truth = answers(repo, "--no-cache")[0]
    command = [sys.executable, "-m", "kpictl", "history", "--format", "json"]
    for _ in range(3):  # each round starts cold: every run writes the cache at once
        for cached in (repo.path / ".git" / "kpictl").glob("*"):
            cached.unlink()
        runs = [
            subprocess.Popen(command, cwd=repo.path, stdout=subprocess.PIPE, text=True)
            for _ in range(4)
        ]
        outputs = [run.communicate()[0] for run in runs]
        assert [run.returncode for run in runs] == [0, 0, 0, 0]
        assert outputs == [truth] * 4
    assert answers(repo)[0] == truth


def _ledger_head(repo: HistoryRepo) -> str | None:
    """The head the history cache keeps a replay ledger for (None: no ledger)."""
    (cached,) = (repo.path / ".git" / "kpictl").glob("history-????????????????.marshal")
    kept = read_marshal(cached)
    return kept["head"] if kept.get("ledger") is not None else None


def test_a_run_after_new_commits_resumes_the_kept_replay_and_agrees_with_no_cache(repo):
    a = project_yaml("a", "A", team_assembled="done")
    late = "milestones:\n  kickoff: {status: done, date: 2031-01-01}\n"
    steps = [
        {"projects/a2.yaml": a, "projects/a.yaml": None},  # a rename keeps the project
        {"projects/c.yaml": project_yaml("c", "C")},
        {"projects/c-copy.yaml": project_yaml("c", "C again")},  # a duplicate id: skipped
        {"projects/c.yaml": None},  # the copy takes the id over
        {"projects/b.yaml": "id: b\nname: [broken\n"},  # does not validate: skipped
        {"projects/d.yaml": project_yaml("d", "D").replace("milestones:\n  kickoff: done\n", late)},
        {"projects/b.yaml": project_yaml("b", "B", team_assembled="done")},  # a blob seen before
        {"projects/a2.yaml": None},  # archived
    ]
    when = 1_741_000_000
    for step in steps:
        when += 86_400
        head = repo.commit(f"@{when} +0000", step)
        history = run_kpictl("history", "--format", "json", cwd=repo.path)
        assert history.code == 0, history.err
        assert _ledger_head(repo) == head  # the kept replay went on to the new head
        assert answers(repo) == answers(repo, "--no-cache"), step
    truth = answers(repo, "--no-cache")
    # A clock that went backwards, then a later commit: resumed from the ledger it follows.
    repo.commit(f"@{when - 43_200} +0000", {"projects/e.yaml": project_yaml("e", "E")})
    repo.commit(f"@{when + 86_400} +0000", {"projects/e.yaml": project_yaml("e", "E2")})
    assert answers(repo) == answers(repo, "--no-cache")
    assert "clock skew" in answers(repo)[0]
    git(repo.path, "reset", "-q", "--hard", "HEAD~3")  # rewritten: the ledger is not for it
    repo.commit(f"@{when} +0000", {"projects/f.yaml": project_yaml("f", "F")})
    assert answers(repo) == answers(repo, "--no-cache") != truth


def test_a_commit_dated_after_the_head_keeps_no_ledger_and_agrees_with_no_cache(repo):
    assert answers(repo) == answers(repo, "--no-cache")
    repo.commit("2025-06-01T09:00:00+00:00", {"projects/c.yaml": project_yaml("c", "C")})
    repo.commit("2025-04-01T09:00:00+00:00", {"projects/c.yaml": project_yaml("c", "C2")})
    assert answers(repo) == answers(repo, "--no-cache")
    assert _ledger_head(repo) is None  # re-dated commits: the next run replays all
    repo.commit("2025-07-01T09:00:00+00:00", {"projects/d.yaml": project_yaml("d", "D")})
    assert answers(repo) == answers(repo, "--no-cache")
    assert _ledger_head(repo) == git(repo.path, "rev-parse", "HEAD").strip()
