"""Every checkout in a workflow (this repository's, and those `kpictl init` writes) leaves no
token on the runner's disk: no step pushes, and a token in .git/config is one more thing to
leak (zizmor's artipacked)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from kpictl.scaffold.init import scaffold
from kpictl.scaffold.install_spec import explicit
from tests.conftest import REPO


def _workflows(tmp_path: Path) -> dict[str, str]:
    ours = {
        str(path.relative_to(REPO)): path.read_text(encoding="utf-8")
        for path in sorted((REPO / ".github/workflows").glob("*.y*ml"))
    }
    scaffolded = scaffold(tmp_path, explicit("kpictl==0.1.0"))
    return ours | {k: v for k, v in scaffolded.items() if k.startswith(".github/workflows/")}


def test_there_are_workflows_of_both_kinds(tmp_path):
    names = set(_workflows(tmp_path))
    assert {".github/workflows/kpis-pr.yml", ".github/workflows/kpis-pages.yml"} <= names
    assert len(names) >= 4


@pytest.mark.parametrize("kind", ["ours", "scaffolded"])
def test_every_checkout_step_persists_no_credentials(tmp_path, kind):
    checkouts = 0
    for name, text in _workflows(tmp_path).items():
        if (name.startswith(".github/workflows/kpis-")) != (kind == "scaffolded"):
            continue
        for job_id, job in yaml.safe_load(text)["jobs"].items():
            for step in job.get("steps", []):
                if str(step.get("uses", "")).startswith("actions/checkout@"):
                    checkouts += 1
                    assert (step.get("with") or {}).get("persist-credentials") is False, (
                        f"{name}: job {job_id}: actions/checkout without persist-credentials: false"
                    )
    assert checkouts >= 2
