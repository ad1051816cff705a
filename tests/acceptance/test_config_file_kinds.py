"""Whatever is at kpictl.yaml is read or refused, never taken for "no kpictl.yaml": a FIFO, a
link (to /dev/zero, to a file, to nothing), a folder or an oversized file is a configuration
error naming the path and the fix (exit 2), without blocking; the defaults (and their publish:
settings) never stand in for it, in validate, report --worktree, projects or serve."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from kpictl.config import load_config
from kpictl.site.serve import serve_site
from kpictl.yamlfile import MAX_BYTES
from tests.acceptance.test_fuzz import at_most
from tests.conftest import run_kpictl
from tests.gitutil import HistoryRepo, project_yaml

PUT_IT_HERE = "put the file itself here, or remove it to use the built-in defaults"


def fifo(path: Path) -> None:
    os.mkfifo(path)


def link_to_dev_zero(path: Path) -> None:
    path.symlink_to("/dev/zero")


def folder(path: Path) -> None:
    path.mkdir()


def link_to_a_file(path: Path) -> None:
    (path.parent / "real-kpictl.yaml").write_text("currency: {rates: {EUR: 1.1}}\n")
    path.symlink_to("real-kpictl.yaml")


def link_to_nothing(path: Path) -> None:
    path.symlink_to("missing.yaml")


def too_large(path: Path) -> None:
    path.write_bytes(b"# " + b"x" * MAX_BYTES + b"\n")


KINDS: dict[str, tuple[Callable[[Path], None], str, str, str]] = {
    "fifo": (fifo, "not-a-file", "this is a named pipe (FIFO)", ", not a regular file, so "
             f"kpictl cannot read its configuration from it: {PUT_IT_HERE}"),
    "link-to-dev-zero": (link_to_dev_zero, "symlink", "this is a symbolic link", "; git keeps "
                         "the link, not the file it points to, so each clone would read another "
                         f"configuration: {PUT_IT_HERE}"),
    "folder": (folder, "not-a-file", "this is a folder", ", not a regular file, so kpictl "
               f"cannot read its configuration from it: {PUT_IT_HERE}"),
    "link-to-a-file": (link_to_a_file, "symlink", "this is a symbolic link", PUT_IT_HERE),
    "link-to-nothing": (link_to_nothing, "symlink", "this is a symbolic link", PUT_IT_HERE),
    "too-large": (too_large, "too-large", "this file", " is over the limit of 1 MiB; a "
                  "kpictl.yaml is a few kilobytes, so check what was pasted into it"),
}  # fmt: skip


@pytest.fixture
def repo(tmp_path) -> HistoryRepo:
    repo = HistoryRepo(tmp_path / "kpis")
    repo.commit(
        "2025-01-06T09:00:00+00:00",
        {"kpictl.yaml": "# defaults\n", "projects/a.yaml": project_yaml("a", "A")},
    )
    (repo.path / "kpictl.yaml").unlink()
    return repo


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_anything_but_a_regular_file_at_kpictl_yaml_is_a_configuration_error(repo, kind):
    make, code, what, says = KINDS[kind]
    path = repo.path / "kpictl.yaml"
    make(path)
    for args in (["validate"], ["report", "--worktree"], ["projects"], ["report"]):
        with at_most(20):  # a FIFO is never opened for reading: nothing blocks
            result = run_kpictl(*args, cwd=repo.path)
        assert result.code == 2, (args, result.err)
        assert result.out == ""
        first = f"kpictl: kpictl.yaml:1:1: error[{code}]: {what} ({path})"
        assert result.err.startswith(first), (args, result.err)
        assert result.err.rstrip("\n").endswith(says), (args, result.err)
        assert result.err.count("\n") == 1, result.err


@pytest.mark.parametrize("kind", ["fifo", "folder", "link-to-dev-zero"])
def test_init_refuses_what_is_not_a_file_at_kpictl_yaml(tmp_path, kind):
    """init follows an existing kpictl.yaml (its projects folder, its milestones): one it
    cannot read is an error, not a scaffold from the defaults beside it."""
    make, code, what, _ = KINDS[kind]
    make(tmp_path / "kpictl.yaml")
    with at_most(20):
        result = run_kpictl("init", str(tmp_path), cwd=tmp_path)
    assert result.code == 2, result.err
    assert f"error[{code}]: {what}" in result.err
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["kpictl.yaml"] + (["real-kpictl.yaml"] if kind == "link-to-a-file" else [])
    )


def test_a_fifo_is_found_from_a_folder_below_the_kpi_root(tmp_path):
    """The KPI root is the folder holding kpictl.yaml, whatever it is, not the git work tree
    above it (whose missing kpictl.yaml would mean the defaults)."""
    repo = HistoryRepo(tmp_path / "repo")
    repo.commit("2025-01-06T09:00:00+00:00", {"kpis/projects/a.yaml": project_yaml("a", "A")})
    os.mkfifo(repo.path / "kpis" / "kpictl.yaml")
    with at_most(20):
        result = run_kpictl("validate", cwd=repo.path / "kpis" / "projects")
    assert result.code == 2, result.err
    path = repo.path / "kpis" / "kpictl.yaml"
    assert f"error[not-a-file]: this is a named pipe (FIFO) ({path})" in result.err


def test_serve_refuses_to_start_and_keeps_the_last_good_site_instead_of_the_defaults(repo):
    path = repo.path / "kpictl.yaml"
    os.mkfifo(path)
    with at_most(20):
        refused = run_kpictl("serve", "--port", "0", cwd=repo.path)
    assert refused.code == 2
    assert "error[not-a-file]" in refused.err
    path.unlink()

    path.write_text("publish: {costs: false, people: none}\n")
    messages: list[str] = []
    stop = threading.Event()
    thread = threading.Thread(
        target=serve_site,
        args=(load_config(repo.path),),
        kwargs={"port": 0, "out": None, "echo": messages.append, "poll_seconds": 0.1, "stop": stop},
        daemon=True,
    )
    thread.start()
    try:
        wait_for(messages, lambda: any(m.startswith("serving") for m in messages), "serving")
        path.unlink()
        os.mkfifo(path)  # the real publish: settings can no longer be read
        wait_for(messages, lambda: any("error[not-a-file]" in m for m in messages), "the error")
        assert messages[-1].endswith("(keeping the last good site)"), messages
        assert sum(m.startswith("built") for m in messages) == 1, messages
    finally:
        stop.set()
        thread.join(timeout=30)


def wait_for(messages: list[str], predicate: Callable[[], bool], what: str) -> None:
    deadline = time.time() + 60
    while not predicate():
        assert time.time() < deadline, f"waited for {what}: {messages}"
        time.sleep(0.05)


@pytest.mark.parametrize("kind", ["a folder", "a symbolic link"])
def test_kpictl_yaml_committed_at_a_ref_as_something_else_than_a_file_is_an_error(repo, kind):
    from tests.gitutil import git

    git(repo.path, "checkout", "-q", "-b", "odd")
    (repo.path / "real.yaml").write_text("publish: {costs: false}\n")
    if kind == "a folder":
        (repo.path / "kpictl.yaml").mkdir()
        (repo.path / "kpictl.yaml" / "publish.yaml").write_text("publish: {costs: false}\n")
    else:
        (repo.path / "kpictl.yaml").symlink_to("real.yaml")
    repo.commit("2025-01-08T09:00:00+00:00")
    git(repo.path, "checkout", "-q", "main")
    (repo.path / "kpictl.yaml").write_text("# defaults\n")
    result = run_kpictl("report", "--ref", "odd", cwd=repo.path)
    assert result.code == 2, result.err
    assert f"kpictl.yaml is committed as {kind}, not a file" in result.err
