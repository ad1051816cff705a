"""`kpictl new` and `kpictl init` write files to commit: in a bare repository, or inside a .git
folder, they are refused (exit 2) with nothing written, instead of writing where git never
sees the files."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import run_kpictl
from tests.gitutil import HistoryRepo, git, project_yaml

BARE = "this is a bare repository (a git directory with no working tree)"


@pytest.fixture
def bare(tmp_path) -> Path:
    repo = HistoryRepo(tmp_path / "kpis")
    repo.commit("2025-01-06T09:00:00+00:00", {"projects/a.yaml": project_yaml("a")})
    git(tmp_path, "clone", "-q", "--bare", str(repo.path), str(tmp_path / "b.git"))
    return tmp_path / "b.git"


def listing(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*"))


@pytest.mark.parametrize(
    ("args", "command"),
    [
        (("new", "zz"), "kpictl new"),
        (("init", "."), "kpictl init"),
        (("init", "sub"), "kpictl init"),
    ],
)
def test_a_bare_repository_is_refused(bare, args, command):
    before = listing(bare)
    result = run_kpictl(*args, cwd=bare)
    assert result.code == 2, (result.code, result.err)
    assert BARE in result.err and f"{command} writes files to commit" in result.err
    assert "run it in a clone with a working tree" in result.err
    assert listing(bare) == before


@pytest.mark.parametrize("target", [".git", ".git/kpis", ".git/refs/kpis"])
def test_init_inside_a_git_folder_is_refused(tmp_path, target):
    repo = HistoryRepo(tmp_path / "kpis")
    repo.commit("2025-01-06T09:00:00+00:00", {"projects/a.yaml": project_yaml("a")})
    before = listing(repo.path / ".git")
    result = run_kpictl("init", target, cwd=repo.path)
    assert result.code == 2, (result.code, result.err)
    assert "is inside a git directory" in result.err, result.err
    assert listing(repo.path / ".git") == before


def test_new_from_inside_the_git_folder_writes_into_the_work_tree(tmp_path):
    repo = HistoryRepo(tmp_path / "kpis")
    repo.commit("2025-01-06T09:00:00+00:00", {"kpictl.yaml": "# defaults\n"})
    result = run_kpictl("new", "zz", cwd=repo.path / ".git")
    assert result.code == 0, result.err
    assert (repo.path / "projects" / "zz.yaml").is_file()
    assert not (repo.path / ".git" / "projects").exists()
