from __future__ import annotations

import contextlib
import io
import os
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest

from kpictl.cli.main import main

REPO = Path(__file__).resolve().parent.parent

VALID_PROJECT = """\
schema_version: 1
id: demo-project
name: Demo project
team: platform
owner: lead@example.com
summary: A project used by the tests.
labels: [internal]
roles:
  product_owner: Ada Lovelace
milestones:
  kickoff: done
  team_assembled: done
  problem_statement: in_progress
  demo_ready: planned
environments: {dev: in_progress, uat: planned, prod: planned}
feedback_rounds:
  - {id: beta-1, status: open, participants: 4}
updates:
  - {id: first-fix, kind: simple, status: requested}
costs:
  - {item: LLM API, category: inference, amount: 100, currency: USD, per: month}
"""


@dataclass
class Result:
    code: int
    out: str
    err: str


def run_kpictl(*args: str, cwd: Path) -> Result:
    """Run the real CLI entry point in-process, from ``cwd``, capturing both streams."""
    out, err = io.StringIO(), io.StringIO()
    old = Path.cwd()
    os.chdir(cwd)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(list(args))
    finally:
        os.chdir(old)
    return Result(code, out.getvalue(), err.getvalue())


class KpiRepo:
    """A KPI repository folder (not yet a git repository) to write project files into."""

    def __init__(self, root: Path) -> None:
        self.root = root
        (root / "projects").mkdir(parents=True, exist_ok=True)

    def write(self, relative: str, text: str | bytes) -> Path:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    def project(self, project_id: str = "demo-project", text: str = VALID_PROJECT) -> Path:
        body = text.replace("id: demo-project", f"id: {project_id}")
        return self.write(f"projects/{project_id}.yaml", body)

    def run(self, *args: str) -> Result:
        return run_kpictl(*args, cwd=self.root)


@pytest.fixture
def kpi_repo(tmp_path: Path) -> KpiRepo:
    (tmp_path / "kpictl.yaml").write_text("# defaults\n", encoding="utf-8")
    return KpiRepo(tmp_path)
