"""Project files that are not regular files, or far too large, are refused without being read:
no hang on a FIFO, no gigabytes read from /dev/zero, in every command that reads them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import VALID_PROJECT, KpiRepo
from tests.gitutil import HistoryRepo, clean_env, project_yaml

MEASURE = """
import resource, subprocess, sys
done = subprocess.run(sys.argv[2:], cwd=sys.argv[1], capture_output=True, text=True)
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(done.returncode, peak, sep="\\n")
print(done.stdout, end="")
print(done.stderr, end="", file=sys.stderr)
"""


def kpictl(root: Path, *args: str) -> tuple[int, int, str, str]:
    """Run the real CLI in its own process (a hang fails the test, not the run): exit code,
    peak RSS in KiB, stdout, stderr."""
    done = subprocess.run(
        [sys.executable, "-c", MEASURE, str(root), sys.executable, "-m", "kpictl", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=clean_env(),
    )
    code, peak, out = done.stdout.split("\n", 2)
    return int(code), int(peak), out, done.stderr


@pytest.fixture
def beside(kpi_repo: KpiRepo) -> KpiRepo:
    """A repository with one valid project and, beside it, a FIFO, a link to /dev/zero and a
    600 MB file (sparse: it takes no disk)."""
    kpi_repo.project("good")
    projects = kpi_repo.root / "projects"
    os.mkfifo(projects / "pipe.yaml")
    (projects / "zero.yaml").symlink_to("/dev/zero")
    with (projects / "huge.yaml").open("wb") as handle:
        handle.truncate(600 * 1024 * 1024)
    return kpi_repo


def test_validate_one_file_reads_no_other_file_beyond_the_limit(beside):
    code, peak_kib, _, err = kpictl(beside.root, "validate", "projects/good.yaml")
    assert code == 0, err
    assert "1 project file valid" in err
    assert peak_kib < 200 * 1024  # it took 4 GB and 620 MB, or hung


def test_validate_reports_each_file_that_is_not_a_regular_file(beside):
    code, peak_kib, out, _ = kpictl(beside.root, "validate", "--format", "json")
    assert code == 1 and peak_kib < 200 * 1024
    found = {d["path"]: d for d in json.loads(out)["diagnostics"]}
    assert set(found) == {"projects/pipe.yaml", "projects/zero.yaml", "projects/huge.yaml"}
    assert found["projects/pipe.yaml"]["code"] == "not-a-file"
    assert "named pipe (FIFO)" in found["projects/pipe.yaml"]["message"]
    assert found["projects/zero.yaml"]["code"] == "symlink"
    assert found["projects/huge.yaml"]["code"] == "too-large"
    assert "629,145,600 bytes" in found["projects/huge.yaml"]["message"]


def test_new_checks_ids_without_reading_what_is_not_a_project_file(beside):
    code, peak_kib, _, err = kpictl(beside.root, "new", "other")
    assert code == 0, err
    assert peak_kib < 200 * 1024
    code, _, _, err = kpictl(beside.root, "new", "good")
    assert code == 2 and "projects/good.yaml already exists" in err


def test_a_device_given_by_name_is_refused(kpi_repo):
    code, _, out, _ = kpictl(kpi_repo.root, "validate", "/dev/zero")
    assert code == 1
    assert "/dev/zero:1:1: error[not-a-file]: this is a character device" in out


def test_history_worktree_ignores_what_it_cannot_read(tmp_path):
    repo = HistoryRepo(tmp_path / "repo")
    repo.commit(
        "2025-01-06T09:00:00+00:00",
        {"kpictl.yaml": "# defaults\n", "projects/a.yaml": project_yaml("a")},
    )
    projects = repo.path / "projects"
    os.mkfifo(projects / "pipe.yaml")
    (projects / "zero.yaml").symlink_to("/dev/zero")
    (projects / "a.yaml").write_text(project_yaml("a", team_assembled="done"))
    code, peak_kib, out, err = kpictl(repo.path, "history", "--worktree", "--format", "json")
    assert code == 0, err
    assert peak_kib < 200 * 1024
    assert "pipe.yaml" not in err  # git lists no FIFO: nothing to read, nothing to say
    assert "uncommitted projects/zero.yaml cannot be read (this is a symbolic link" in err
    milestones = json.loads(out)["projects"][0]["milestones"]
    assert milestones["team_assembled"]["status"] == "done"


def test_a_symlink_to_another_project_is_reported_under_its_own_name(kpi_repo):
    kpi_repo.project("real", VALID_PROJECT)
    (kpi_repo.root / "projects" / "alias.yaml").symlink_to("real.yaml")
    result = kpi_repo.run(
        "validate", "--format", "json", "projects/alias.yaml", "projects/real.yaml"
    )
    payload = json.loads(result.out)
    assert payload["files"] == ["projects/alias.yaml", "projects/real.yaml"]
    assert [(d["path"], d["code"]) for d in payload["diagnostics"]] == [
        ("projects/alias.yaml", "symlink")
    ]


def test_kpictl_yaml_is_read_by_the_same_rules(tmp_path):
    (tmp_path / "projects").mkdir()
    (tmp_path / "elsewhere.yaml").write_text("# defaults\n")
    (tmp_path / "kpictl.yaml").symlink_to(tmp_path / "elsewhere.yaml")
    code, _, _, err = kpictl(tmp_path, "validate")
    assert code == 2
    assert "kpictl.yaml:1:1: error[symlink]: this is a symbolic link" in err
