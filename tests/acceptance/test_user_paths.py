"""A folder the user names that the file system refuses (a name too long, a place where no
folder can be made, a device) is the user's error: exit 2, the path and the system's reason,
and no traceback; nothing is left behind."""

from __future__ import annotations

import pytest

from tests.conftest import run_kpictl
from tests.gitutil import HistoryRepo, project_yaml

LONG = "x" * 300  # one name longer than file systems hold (255 bytes)


@pytest.fixture
def repo(tmp_path) -> HistoryRepo:
    repo = HistoryRepo(tmp_path / "kpis")
    repo.commit("2025-01-06T09:00:00+00:00", {"projects/alpha.yaml": project_yaml("alpha", "A")})
    return repo


def refused(result, shown: str, reason: str) -> None:
    assert result.code == 2, (result.code, result.err)
    assert "Traceback" not in result.err and "internal error" not in result.err, result.err
    assert f"kpictl: error: {shown}: {reason}" in result.err, result.err


@pytest.mark.parametrize("command", ["build", "serve"])
def test_an_out_name_too_long_is_refused_before_any_work(repo, command):
    (repo.path / "build").mkdir()
    args = ("--port", "0") if command == "serve" else ()
    result = run_kpictl(command, *args, "--out", f"build/{LONG}", cwd=repo.path)
    refused(result, f"--out build/{LONG}", "File name too long")
    assert list((repo.path / "build").iterdir()) == []


def test_an_out_name_too_long_in_a_new_folder_is_refused_too(repo):
    result = run_kpictl("build", "--out", f"new/{LONG}", cwd=repo.path)
    refused(result, f"--out new/{LONG}", "File name too long")
    assert not (repo.path / "new").exists()


def test_an_out_name_is_shown_escaped(repo):
    result = run_kpictl("build", "--out", f"build/\x1b[31m{LONG}", cwd=repo.path)
    refused(result, f"--out build/\\x1b[31m{LONG}", "File name too long")
    assert "\x1b" not in result.err


def test_an_out_folder_where_none_can_be_made_is_refused(repo):
    result = run_kpictl("build", "--out", "/proc/x", cwd=repo.path)
    refused(result, "--out /proc/x", "No such file or directory")


@pytest.mark.parametrize("command", ["init", "demo"])
def test_a_directory_name_too_long_is_refused(tmp_path, command):
    args = ("--no-site",) if command == "demo" else ()
    result = run_kpictl(command, *args, str(tmp_path / LONG), cwd=tmp_path)
    refused(result, str(tmp_path / LONG), "File name too long")
    assert list(tmp_path.iterdir()) == []


def test_init_into_a_device_is_refused(tmp_path):
    result = run_kpictl("init", "/dev/null", cwd=tmp_path)
    assert result.code == 2 and "Traceback" not in result.err
    assert "kpictl: error: /dev/null is not a folder" in result.err


def test_init_and_demo_where_no_folder_can_be_made_are_refused(tmp_path):
    refused(run_kpictl("init", "/proc/kpis", cwd=tmp_path), "/proc/kpis", "No such file")
    demo = run_kpictl("demo", "--no-site", "/proc/kpis", cwd=tmp_path)
    refused(demo, "/proc/kpis", "No such file")


def test_an_out_folder_under_a_file_is_refused(repo):
    (repo.path / "notes.txt").write_text("mine")
    result = run_kpictl("build", "--out", "notes.txt/site", cwd=repo.path)
    refused(result, "--out notes.txt/site", "Not a directory")
    assert (repo.path / "notes.txt").read_text() == "mine"
