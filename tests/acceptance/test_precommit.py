"""The kpictl-validate hook through the real pre-commit, on a temporary repository."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO, VALID_PROJECT
from tests.gitutil import clean_env, git, init_repo

pytestmark = pytest.mark.slow

PRE_COMMIT = Path(sys.executable).parent / "pre-commit"


@pytest.fixture(scope="module")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not PRE_COMMIT.exists():
        pytest.fail(
            f"pre-commit is not installed next to {sys.executable}; pip install -e '.[test]'"
        )
    return tmp_path_factory.mktemp("pre-commit-home")


def try_repo(repo: Path, home: Path, *files: str) -> subprocess.CompletedProcess[str]:
    # try-repo takes the kpictl repository as it is, uncommitted changes included.
    return subprocess.run(
        [str(PRE_COMMIT), "try-repo", str(REPO), "kpictl-validate", "--files", *files],
        cwd=repo,
        env=clean_env(PRE_COMMIT_HOME=str(home)),
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )


def test_a_bad_file_is_blocked_with_its_line_and_a_good_one_passes(tmp_path, pre_commit_home):
    repo = init_repo(tmp_path / "kpis")
    good = repo / "projects" / "demo-project.yaml"
    good.parent.mkdir()
    good.write_text(VALID_PROJECT)
    git(repo, "add", ".")

    passed = try_repo(repo, pre_commit_home, "projects/demo-project.yaml")
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "kpictl validate" in passed.stdout and "Passed" in passed.stdout

    bad = repo / "projects" / "broken.yaml"
    bad.write_text(
        VALID_PROJECT.replace("demo-project", "broken").replace("per: month", "per: week")
    )
    git(repo, "add", ".")
    blocked = try_repo(repo, pre_commit_home, "projects/broken.yaml")
    assert blocked.returncode == 1, blocked.stdout + blocked.stderr
    assert "Failed" in blocked.stdout
    assert "projects/broken.yaml:21:" in blocked.stdout
    assert "error[invalid-value]: costs[0].per is 'week'" in blocked.stdout


@pytest.fixture(scope="module")
def hook_source(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A committed copy of this repository (its .pre-commit-hooks.yaml as it is now) and its
    commit, for a `.pre-commit-config.yaml` to point at."""
    source = tmp_path_factory.mktemp("kpictl-src")
    # A copy without .git (in a git worktree it points back at the real repository): the
    # snapshot commit must land in the copy alone.
    shutil.copytree(
        REPO,
        source,
        ignore=shutil.ignore_patterns(".git", ".venv", "*.egg-info", "__pycache__"),
        dirs_exist_ok=True,
    )
    init_repo(source)
    git(source, "add", "-A")
    git(source, "commit", "-q", "-m", "snapshot for the hook test", "--no-verify")
    return source, git(source, "rev-parse", "HEAD").strip()


def installed_repo(path: Path, hook_source: tuple[Path, str], home: Path) -> dict[str, str]:
    """A repository with the hook installed from ``hook_source``; the environment to commit in."""
    source, rev = hook_source
    repo = init_repo(path)
    (repo / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {source}\n    rev: {rev}\n    hooks:\n      - id: kpictl-validate\n"
    )
    env = clean_env(PRE_COMMIT_HOME=str(home))
    # --install-hooks: the hook's environment is built now, not in the first commit's output.
    subprocess.run(
        [str(PRE_COMMIT), "install", "--install-hooks"],
        cwd=repo,
        env=env,
        check=True,
        capture_output=True,
    )
    # The installed hook runs pre-commit from this interpreter; make it findable on PATH.
    env["PATH"] = f"{PRE_COMMIT.parent}:{env.get('PATH', '')}"
    return env


def commit(repo: Path, env: dict[str, str], message: str) -> subprocess.CompletedProcess[str]:
    git(repo, "add", "-A", env=env)
    return subprocess.run(
        ["git", "commit", "-m", message], cwd=repo, env=env, capture_output=True, text=True
    )


def test_the_hook_blocks_a_real_commit(tmp_path, pre_commit_home, hook_source):
    """`pre-commit install` with the hook from a clone of this repository, then `git commit`."""
    repo = tmp_path / "kpis"
    env = installed_repo(repo, hook_source, pre_commit_home)
    (repo / "projects").mkdir()
    (repo / "projects" / "demo-project.yaml").write_text(
        VALID_PROJECT.replace("  kickoff: done", "  kickoff: done\n  kickoff: planned")
    )
    blocked = commit(repo, env, "add a project")
    assert blocked.returncode != 0, blocked.stdout + blocked.stderr
    assert (
        "projects/demo-project.yaml:12:3: error[duplicate-key]" in blocked.stdout + blocked.stderr
    )
    assert git(repo, "rev-list", "--all", env=env).strip() == ""  # nothing was committed

    (repo / "projects" / "demo-project.yaml").write_text(VALID_PROJECT)
    passed = commit(repo, env, "add a project")
    assert passed.returncode == 0, passed.stdout + passed.stderr


def test_a_passing_commit_shows_the_warnings_and_a_clean_one_nothing_of_kpictl(
    tmp_path, pre_commit_home, hook_source
):
    """pre-commit hides a passing hook's output unless the hook is verbose: a file renamed away
    from its id passes with the warning shown; a clean commit shows pre-commit's lines alone."""
    repo = tmp_path / "kpis"
    env = installed_repo(repo, hook_source, pre_commit_home)
    (repo / "projects").mkdir()
    (repo / "projects" / "demo-project.yaml").write_text(VALID_PROJECT)
    clean = commit(repo, env, "add a project")
    assert clean.returncode == 0, clean.stdout + clean.stderr
    # git shows its hooks' output on stderr. verbose adds pre-commit's "- hook id" and
    # "- duration" lines; kpictl adds nothing (no "1 project file valid").
    hook_lines = [line for line in clean.stderr.splitlines() if line.strip()]
    assert hook_lines[0].startswith("kpictl validate") and hook_lines[0].endswith("Passed")
    assert [line.split(":")[0] for line in hook_lines[1:]] == ["- hook id", "- duration"], (
        clean.stderr
    )

    git(repo, "mv", "projects/demo-project.yaml", "projects/demo.yaml", env=env)
    renamed = commit(repo, env, "rename the file")
    assert renamed.returncode == 0, renamed.stdout + renamed.stderr
    assert "Passed" in renamed.stderr
    assert (
        'projects/demo.yaml:2:5: warning[file-name]: the file is named "demo" but the project '
        'id is "demo-project"'
    ) in renamed.stderr, renamed.stderr
    assert git(repo, "log", "-1", "--format=%s", env=env).strip() == "rename the file"


def test_a_kpictl_yaml_change_runs_the_hook_on_every_project_and_the_schema(
    tmp_path, pre_commit_home
):
    """A new gate in kpictl.yaml fails the hook on projects it did not pass; a new milestone
    fails it until the regenerated schema comes with the change."""
    from kpictl.config import load_config
    from kpictl.project.schema import schema_text

    repo = init_repo(tmp_path / "kpis")
    (repo / "projects").mkdir()
    (repo / "projects" / "demo-project.yaml").write_text(
        VALID_PROJECT.replace("problem_statement: in_progress", "problem_statement: done")
    )
    (repo / "schema").mkdir()
    (repo / "kpictl.yaml").write_text("# defaults\n")
    (repo / "schema" / "project.schema.json").write_text(schema_text(load_config(repo)))
    git(repo, "add", ".")

    (repo / "kpictl.yaml").write_text(
        "gates:\n  - {milestone: problem_statement, status: done, requires: [team_assembled]}\n"
    )
    (repo / "projects" / "demo-project.yaml").write_text(
        VALID_PROJECT.replace("problem_statement: in_progress", "problem_statement: done").replace(
            "team_assembled: done", "team_assembled: planned"
        )
    )
    git(repo, "add", ".")
    gated = try_repo(repo, pre_commit_home, "kpictl.yaml")  # the project file is not passed
    assert gated.returncode == 1, gated.stdout
    assert "projects/demo-project.yaml" in gated.stdout and "error[gate]" in gated.stdout

    (repo / "projects" / "demo-project.yaml").write_text(VALID_PROJECT)
    (repo / "kpictl.yaml").write_text("milestones:\n  - {id: legal_review, phase: production}\n")
    git(repo, "add", ".")
    stale = try_repo(repo, pre_commit_home, "kpictl.yaml")
    assert stale.returncode == 1, stale.stdout
    assert "error[stale-schema]" in stale.stdout and "kpictl schema >" in stale.stdout
    (repo / "schema" / "project.schema.json").write_text(schema_text(load_config(repo)))
    git(repo, "add", ".")
    fresh = try_repo(repo, pre_commit_home, "kpictl.yaml", "schema/project.schema.json")
    assert fresh.returncode == 0, fresh.stdout
