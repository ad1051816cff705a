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
        "import sys; from kpictl.cli.main import main; code = main(['validate']); "
        "heavy = sorted(m for m in ('git', 'jinja2', 'mkdocs') if m in sys.modules); "
        "print('HEAVY', heavy, code)"
    )
    result = run(installed / "python", "-c", probe, cwd=tmp_path)
    assert "HEAVY [] 0" in result.stdout, result.stdout + result.stderr


def test_the_wheel_builds_a_site_for_a_new_repository(installed, tmp_path):
    from tests.gitutil import HistoryRepo, project_yaml

    repo = HistoryRepo(tmp_path / "org-kpis")
    scaffolded = run(installed / "kpictl", "init", cwd=repo.path)
    assert scaffolded.returncode == 0, scaffolded.stderr
    assert run(installed / "kpictl", "validate", cwd=repo.path).returncode == 0
    (repo.path / "projects" / "example-project.yaml").unlink()
    repo.commit("2025-01-06T09:00:00+00:00", {"projects/a.yaml": project_yaml("a")})
    repo.commit(
        "2025-02-06T09:00:00+00:00", {"projects/a.yaml": project_yaml("a", team_assembled="done")}
    )
    report = run(installed / "kpictl", "report", "--format", "json", cwd=repo.path)
    assert report.returncode == 0, report.stderr
    assert (
        json.loads(report.stdout)["projects"][0]["kpis"]["time_to_assemble_team"]["value"] == 31.0
    )
    built = run(installed / "kpictl", "build", "--strict", cwd=repo.path)
    assert built.returncode == 0, built.stderr
    assert (repo.path / "build" / "site" / "index.html").is_file()
    assert (repo.path / "build" / "site" / "projects" / "a.html").is_file()
