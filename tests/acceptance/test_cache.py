"""The cache is only a cache: damaged, it costs time and never changes an answer; it cannot be
fooled by replace refs or grafts."""

from __future__ import annotations

import json
import marshal
import random

import pytest

from kpictl.history.cache import write_atomically
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
