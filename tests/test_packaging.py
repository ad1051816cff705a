"""kpictl installed from a wheel into a fresh environment works outside this repository."""

from __future__ import annotations

import json
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from tests.conftest import REPO, VALID_PROJECT

pytestmark = pytest.mark.slow


def run(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(a) for a in args], cwd=cwd, capture_output=True, text=True, check=False, timeout=600
    )


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bin folder of a fresh virtual environment with kpictl installed from its wheel."""
    base = tmp_path_factory.mktemp("wheel")
    built = run(
        sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", base / "dist", REPO, cwd=base
    )
    assert built.returncode == 0, built.stderr
    wheel = next((base / "dist").glob("kpictl-*.whl"))
    venv.create(base / "env", with_pip=True)
    bin_dir = base / "env" / "bin"
    done = run(bin_dir / "python", "-m", "pip", "install", "-q", wheel, cwd=base)
    assert done.returncode == 0, done.stderr
    return bin_dir


def test_the_wheel_carries_the_schema_and_defaults_and_validates_elsewhere(installed, tmp_path):
    (tmp_path / "projects").mkdir()
    (tmp_path / "projects" / "demo-project.yaml").write_text(VALID_PROJECT)
    ok = run(installed / "kpictl", "validate", cwd=tmp_path)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "1 project file valid" in ok.stderr

    schema = run(installed / "kpictl", "schema", cwd=tmp_path)
    assert schema.returncode == 0
    assert json.loads(schema.stdout) == json.loads(
        (REPO / "schema/project.schema.json").read_text()
    )

    (tmp_path / "projects" / "demo-project.yaml").write_text(VALID_PROJECT.replace("USD", "XYZ"))
    bad = run(installed / "kpictl", "validate", "--format", "github", cwd=tmp_path)
    assert bad.returncode == 1
    assert bad.stdout.startswith("::error file=projects/demo-project.yaml,line=21,")


def test_validate_does_not_import_git_jinja2_or_mkdocs(installed, tmp_path):
    (tmp_path / "projects").mkdir()
    (tmp_path / "projects" / "demo-project.yaml").write_text(VALID_PROJECT)
    probe = (
        "import sys; from kpictl.cli import main; code = main(['validate']); "
        "heavy = sorted(m for m in ('git', 'jinja2', 'mkdocs') if m in sys.modules); "
        "print('HEAVY', heavy, code)"
    )
    result = run(installed / "python", "-c", probe, cwd=tmp_path)
    assert "HEAVY [] 0" in result.stdout, result.stdout + result.stderr
