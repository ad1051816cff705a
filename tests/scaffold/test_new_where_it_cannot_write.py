"""`kpictl new` where the project file cannot be written (a read-only mount, a file where the
projects folder goes, a link to a read-only folder) is the user's error: exit 2, the path and
the reason, and nothing written."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.conftest import run_kpictl
from tests.gitutil import init_repo


def mount(*args: str) -> None:
    done = subprocess.run(["mount", *args], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a read-only file system ({done.stderr.strip()})")


@contextmanager
def read_only(source: Path, at: Path) -> Iterator[Path]:
    """``source`` seen read-only at ``at`` (a bind mount); skipped where mounting is refused."""
    at.mkdir()
    mount("--bind", str(source), str(at))
    try:
        mount("-o", "remount,bind,ro", str(at))
        yield at
    finally:
        subprocess.run(["umount", str(at)], check=True)


@pytest.fixture
def repo(tmp_path) -> Path:
    repo = init_repo(tmp_path / "kpis")
    (repo / "kpictl.yaml").write_text("# defaults\n")
    (repo / "projects").mkdir()
    return repo


def refused(result, *words: str) -> None:
    assert result.code == 2, (result.code, result.err)
    assert "internal error" not in result.err and "Traceback" not in result.err, result.err
    for word in words:
        assert word in result.err, result.err


def test_new_in_a_repository_on_a_read_only_mount(repo, tmp_path):
    with read_only(repo, tmp_path / "ro") as ro:
        result = run_kpictl("new", "zz", cwd=ro)
        refused(result, f"{ro / 'projects' / 'zz.yaml'}: cannot write it (Read-only file system)")
        assert "make it writable" in result.err
    assert list((repo / "projects").iterdir()) == []


def test_new_when_projects_is_a_file(repo):
    (repo / "projects").rmdir()
    (repo / "projects").write_text("mine\n")
    refused(run_kpictl("new", "zz", cwd=repo), f"{repo / 'projects'} is not a folder")
    assert (repo / "projects").read_text() == "mine\n"


def test_new_when_projects_links_to_a_read_only_folder(repo, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    with read_only(elsewhere, tmp_path / "ro") as ro:
        (repo / "projects").rmdir()
        (repo / "projects").symlink_to(ro)
        result = run_kpictl("new", "zz", cwd=repo)
        refused(result, "zz.yaml: cannot write it (Read-only file system)")
    assert list(elsewhere.iterdir()) == []
