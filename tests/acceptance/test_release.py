"""The release workflow (.github/workflows/release.yml): its build job's steps run here for real,
as the runner runs them (bash -e, in a checkout of this repository): build the sdist and the
wheel, `twine check` them, install the wheel in a fresh environment, compare its version with
the tag and run `kpictl demo` with it. A wrong tag fails the run. The publish job is the only one
that may ask for an OIDC token, in the `pypi` environment, with the official action pinned by
commit; nothing in the workflow caches."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

import kpictl
from tests.conftest import REPO

WORKFLOW = REPO / ".github/workflows/release.yml"
TAG = f"v{kpictl.__version__}"


def workflow() -> dict[Any, Any]:
    data: dict[Any, Any] = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    return data


def _uses(job: dict[str, Any]) -> list[str]:
    return [step["uses"] for step in job["steps"] if "uses" in step]


def test_a_v_tag_triggers_it_and_only_the_publish_job_gets_a_token():
    data = workflow()
    assert data[True] == {"push": {"tags": ["v*"]}}  # YAML 1.1 reads the key `on` as true
    assert data["permissions"] == {}
    jobs = data["jobs"]
    assert set(jobs) == {"build", "publish"}
    assert jobs["build"]["permissions"] == {"contents": "read"}
    assert jobs["publish"]["permissions"] == {"id-token": "write"}
    assert jobs["publish"]["needs"] == "build"
    assert jobs["publish"]["environment"]["name"] == "pypi"
    assert [u.split("@")[0] for u in _uses(jobs["publish"])][-1] == "pypa/gh-action-pypi-publish"


def test_every_action_is_pinned_by_commit_and_nothing_caches():
    text = WORKFLOW.read_text(encoding="utf-8")
    jobs = workflow()["jobs"]
    uses = [u for job in jobs.values() for u in _uses(job)]
    assert uses and all(re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", u) for u in uses), uses
    assert "actions/cache" not in text and "cache:" not in text
    for job in jobs.values():
        for step in job["steps"]:
            if str(step.get("uses", "")).startswith("actions/checkout@"):
                assert step["with"]["persist-credentials"] is False


def _checkout(target: Path) -> None:
    """The repository's files as a checkout of them holds them (tracked and new, not ignored)."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO,
        capture_output=True,
        check=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = REPO / name
        if source.is_file() and not source.is_symlink():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target / name)


_EXPRESSIONS = {"${{ github.ref_name }}": TAG}


def run_step(step: dict[str, Any], cwd: Path, runner_temp: Path, **env: str) -> Any:
    """A `run:` step as the runner runs it (bash -e -o pipefail), with its `env:`."""
    values = {}
    for name, value in (step.get("env") or {}).items():
        assert value in _EXPRESSIONS, f"the test does not know what {value} is on a runner"
        values[name] = _EXPRESSIONS[value]
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"
    return subprocess.run(
        ["bash", "--noprofile", "--norc", "-e", "-o", "pipefail", "-c", step["run"]],
        cwd=cwd,
        env={**os.environ, "PATH": path, "RUNNER_TEMP": str(runner_temp), **values, **env},
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )


@pytest.mark.slow
def test_the_build_jobs_steps_build_check_install_and_run_the_demo(tmp_path):
    steps = workflow()["jobs"]["build"]["steps"]
    tools = next(s for s in steps if s.get("id") == "tools")
    # the test extra holds the build tools; the one step left out installs them and no more
    assert tools["run"] == 'python -m pip install "build>=1.2" "twine>=6.1"'
    runs = [s for s in steps if "run" in s and s is not tools]
    assert [s["name"].split()[0] for s in runs] == ["Build", "Check", "Install"]
    checkout = tmp_path / "checkout"
    _checkout(checkout)
    for k, step in enumerate(runs):
        done = run_step(step, checkout, tmp_path / f"runner-{k}")
        assert done.returncode == 0, (step["name"], done.stdout[-3000:], done.stderr[-3000:])
    dist = sorted(p.name for p in (checkout / "dist").iterdir())
    version = kpictl.__version__
    assert dist == [f"kpictl-{version}-py3-none-any.whl", f"kpictl-{version}.tar.gz"]
    index = tmp_path / "runner-2" / "smoke" / "demo" / "build" / "site" / "index.html"
    assert "Generative-AI KPIs" in index.read_text(encoding="utf-8")
    # the wheel holds no test, no site of this repository and none of this checkout's files
    listed = subprocess.run(
        [sys.executable, "-m", "zipfile", "-l", str(checkout / "dist" / dist[0])],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "kpictl/scaffold/templates/workflow-pr.yml" in listed
    assert "tests/" not in listed and "projects/" not in listed

    # A tag that is not the package's version stops the run before anything is published.
    wrong = run_step(runs[-1], checkout, tmp_path / "runner-wrong", TAG="v99.0.0")
    assert wrong.returncode == 1
    assert f"::error::the tag is v99.0.0 but the wheel says: kpictl, version {version}" in (
        wrong.stdout
    )
