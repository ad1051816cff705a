"""The configuration is read from the revision being read: a ref's own kpictl.yaml, the
committed one by default (also in a bare clone), the working tree's with --worktree."""

from __future__ import annotations

import json

import pytest

from tests.conftest import run_kpictl
from tests.gitutil import HistoryRepo, git, project_yaml

EURO_COST = "costs:\n  - {item: Build, category: people, amount: 1000, currency: EUR, per: once}\n"


@pytest.fixture
def repo(tmp_path) -> HistoryRepo:
    repo = HistoryRepo(tmp_path / "kpis")
    repo.commit(
        "2025-01-06T09:00:00+00:00",
        {"kpictl.yaml": "# defaults\n", "projects/a.yaml": project_yaml("a", "A")},
    )
    git(repo.path, "checkout", "-q", "-b", "pr-1")
    repo.commit(
        "2025-01-08T09:00:00+00:00",
        {
            "kpictl.yaml": "currency: {rates: {EUR: 2}}\n",
            "projects/a.yaml": project_yaml("a", "A") + EURO_COST,
        },
    )
    git(repo.path, "checkout", "-q", "main")
    return repo


def total_cost(result) -> float:
    assert result.code == 0, result.err
    return json.loads(result.out)["portfolio"]["costs_by_category"]["people"]


def test_a_ref_is_read_with_its_own_kpictl_yaml(repo):
    result = run_kpictl("report", "--format", "json", "--ref", "pr-1", cwd=repo.path)
    assert total_cost(result) == 2000.0  # the rate added on the branch
    assert "warning" not in result.err
    assert "reading the branch pr-1, not the main branch main" in result.err


def test_a_bare_clone_reads_the_committed_kpictl_yaml(repo, tmp_path):
    bare = tmp_path / "bare.git"
    git(tmp_path, "clone", "-q", "--bare", str(repo.path), str(bare))
    result = run_kpictl("report", "--format", "json", "--ref", "pr-1", cwd=bare)
    assert total_cost(result) == 2000.0


def test_worktree_reads_the_working_trees_kpictl_yaml(repo):
    git(repo.path, "checkout", "-q", "pr-1")
    (repo.path / "kpictl.yaml").write_text("currency: {rates: {EUR: 3}}\n")
    committed = run_kpictl("report", "--format", "json", cwd=repo.path)
    assert total_cost(committed) == 2000.0
    assert "kpictl.yaml has changes that are not committed" in committed.err
    worktree = run_kpictl("report", "--format", "json", "--worktree", cwd=repo.path)
    assert total_cost(worktree) == 3000.0


def test_an_invalid_committed_kpictl_yaml_names_the_revision(repo):
    repo.commit("2025-01-10T09:00:00+00:00", {"kpictl.yaml": "timezon: UTC\n"})
    (repo.path / "kpictl.yaml").write_text("timezone: UTC\n")  # fixed, not yet committed
    result = run_kpictl("report", cwd=repo.path)
    assert result.code == 2
    assert "kpictl.yaml:1:1" in result.err and "committed in the last commit" in result.err
    # each finding stays a finding of its own, on its own line, with the revision named
    finding = next(line for line in result.err.splitlines() if "kpictl.yaml:1:1" in line)
    assert finding.startswith("kpictl: kpictl.yaml:1:1: error["), result.err
    assert finding.endswith(
        "(the kpictl.yaml committed in the last commit; --worktree reads the working tree's)"
    )
