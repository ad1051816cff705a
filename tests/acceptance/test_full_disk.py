"""A full file system where the user asked for output (the site's folder, the demo's) is the
user's error: exit 2 with the path and the reason, never an internal error; and the last good
site is still there."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.conftest import run_kpictl
from tests.gitutil import HistoryRepo, project_yaml


@contextmanager
def tmpfs(folder: Path, size: str) -> Iterator[Path]:
    """A small file system of its own at ``folder``; the test is skipped where none can be
    mounted (not root, or in a container that forbids it)."""
    folder.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)],
        capture_output=True,
        text=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs to fill ({mounted.stderr.strip()})")
    try:
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], check=True)


@pytest.fixture
def repo(tmp_path) -> HistoryRepo:
    repo = HistoryRepo(tmp_path / "kpis")
    repo.commit("2025-01-06T09:00:00+00:00", {"projects/alpha.yaml": project_yaml("alpha", "A")})
    return repo


def full(result, shown: str) -> None:
    assert result.code == 2, (result.code, result.err)
    assert "internal error" not in result.err and "Traceback" not in result.err, result.err
    assert f"kpictl: error: {shown}: No space left on device; free some space there" in result.err


def test_a_build_onto_a_full_disk_is_the_users_error(repo, tmp_path):
    with tmpfs(tmp_path / "small", "64k") as small:
        result = run_kpictl("build", "--out", str(small / "site"), cwd=repo.path)
        full(result, f"--out {small / 'site'}")
        assert list(small.iterdir()) == []  # its scratch folder is gone too


def test_the_last_good_site_survives_a_build_that_fills_the_disk(repo, tmp_path):
    with tmpfs(tmp_path / "disk", "16m") as disk:
        out = disk / "site"
        assert run_kpictl("build", "--out", str(out), cwd=repo.path).code == 0
        before = {p: p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}
        with open(disk / "filler", "wb") as filler:  # everything but a few blocks
            try:
                while True:
                    filler.write(b"\0" * 65536)
                    filler.flush()
            except OSError:
                pass
        full(run_kpictl("build", "--out", str(out), cwd=repo.path), f"--out {out}")
        assert {p: p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()} == before
        assert sorted(p.name for p in disk.iterdir()) == ["filler", "site"]


def test_a_demo_onto_a_full_disk_is_the_users_error(tmp_path):
    with tmpfs(tmp_path / "small", "1m") as small:
        result = run_kpictl("demo", str(small / "d"), cwd=tmp_path)
        assert result.code == 2, (result.code, result.err)
        assert "internal error" not in result.err and "Traceback" not in result.err, result.err
        assert str(small / "d") in result.out  # the repository was made; its site did not fit
        full(result, str(small / "d" / "build" / "site"))  # the folder, under the demo's
