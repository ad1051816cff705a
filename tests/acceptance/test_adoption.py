"""Adoption: kpictl init, the scaffolded workflows run for real, kpictl diff, kpictl demo."""

from __future__ import annotations

import hashlib
import json
import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import REPO, run_kpictl
from tests.gitutil import HistoryRepo, clean_env, git, project_yaml

CHECK_JSONSCHEMA = Path(sys.executable).parent / "check-jsonschema"
WORKFLOWS = [
    REPO / ".github/workflows/ci.yml",
    REPO / ".github/workflows/pages.yml",
    REPO / "kpictl/scaffold/templates/workflow-pr.yml",
    REPO / "kpictl/scaffold/templates/workflow-pages.yml",
]


def test_init_scaffolds_a_repository_and_is_idempotent(tmp_path):
    result = run_kpictl("init", str(tmp_path / "kpis"), cwd=tmp_path)
    assert result.code == 0, result.err
    root = tmp_path / "kpis"
    for path in (
        "projects/example-project.yaml",
        "kpictl.yaml",
        "site/mkdocs.yml",
        "site/about.md",
        ".pre-commit-config.yaml",
        ".github/workflows/kpis-pr.yml",
        ".github/workflows/kpis-pages.yml",
        ".gitignore",
        "README.md",
        "schema/project.schema.json",
    ):
        assert (root / path).is_file(), path
    assert "created" in result.out
    again = run_kpictl("init", str(root), cwd=tmp_path)
    assert again.code == 0 and "created" not in again.out and "overwritten" not in again.out
    assert again.out.count("unchanged") == 10

    (root / "README.md").write_text("our own readme\n")
    kept = run_kpictl("init", str(root), cwd=tmp_path)
    assert "kept  README.md (differs; --force writes kpictl's version beside it)" in kept.out
    assert (root / "README.md").read_text() == "our own readme\n"
    forced = run_kpictl("init", "--force", str(root), cwd=tmp_path)
    assert "written beside  README.md.new" in forced.out
    assert (root / "README.md").read_text() == "our own readme\n"  # never lost
    from kpictl.scaffold.init import scaffold_text

    assert (root / "README.md.new").read_text() == scaffold_text("README.md")


def test_init_force_replaces_only_what_kpictl_wrote_and_never_kpictl_yaml(tmp_path):
    root = tmp_path / "kpis"
    assert run_kpictl("init", str(root), cwd=tmp_path).code == 0
    ignore = root / ".gitignore"
    scaffolded = ignore.read_text()
    # An older kpictl's version of a file, untouched since: --force may replace it.
    record = json.loads((root / ".kpictl" / "scaffold.json").read_text())
    ignore.write_text("build/\n")
    record[".gitignore"] = hashlib.sha256(b"build/\n").hexdigest()
    (root / ".kpictl" / "scaffold.json").write_text(json.dumps(record))
    (root / "kpictl.yaml").write_text("milestones:\n  - {id: legal_review, phase: production}\n")
    forced = run_kpictl("init", "--force", str(root), cwd=tmp_path)
    assert forced.code == 0, forced.err
    assert "overwritten  .gitignore" in forced.out and ignore.read_text() == scaffolded
    assert "legal_review" in (root / "kpictl.yaml").read_text()  # never overwritten
    assert "written beside  kpictl.yaml.new (kpictl.yaml is never replaced" in forced.out
    assert run_kpictl("validate", cwd=root).code == 0


def test_init_in_a_repository_with_projects_adds_no_example(tmp_path):
    root = tmp_path / "kpis"
    (root / "projects").mkdir(parents=True)
    (root / "projects" / "ours.yaml").write_text(project_yaml("ours", "Ours"))
    result = run_kpictl("init", str(root), cwd=tmp_path)
    assert result.code == 0 and "example-project" not in result.out
    assert sorted(p.name for p in (root / "projects").iterdir()) == ["ours.yaml"]


def test_the_commented_kpictl_yaml_is_valid_and_means_the_defaults(tmp_path):
    from kpictl.config import default_config, load_config

    run_kpictl("init", str(tmp_path), cwd=tmp_path)
    text = (tmp_path / "kpictl.yaml").read_text()
    assert "# kpis:" in text and "#   - id: time_to_launch" in text and "# repo_url:" in text
    from dataclasses import replace

    loaded = load_config(tmp_path)
    assert loaded.source == "kpictl.yaml"
    assert replace(loaded, source=None) == default_config(tmp_path)


def test_the_scaffolded_schema_matches_the_repository_schema(tmp_path):
    run_kpictl("init", str(tmp_path), cwd=tmp_path)
    assert (tmp_path / "schema/project.schema.json").read_text() == (
        REPO / "schema/project.schema.json"
    ).read_text()


@pytest.mark.slow
@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: p.name)
def test_workflows_pass_the_github_workflow_schema(workflow):
    assert workflow.is_file()
    result = subprocess.run(
        [str(CHECK_JSONSCHEMA), "--builtin-schema", "vendor.github-workflows", str(workflow)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def _run_steps(workflow: Path) -> list[tuple[str, dict[str, str]]]:
    """The shell steps of a workflow (installs aside), each with its job's and its own env."""
    data = yaml.safe_load(workflow.read_text())
    steps = []
    for job in data["jobs"].values():
        for step in job.get("steps", []):
            if "run" in step and "pip install" not in step["run"]:
                env = {**job.get("env", {}), **step.get("env", {})}
                steps.append((step["run"], {k: str(v) for k, v in env.items()}))
    return steps


def _run_workflows(repo: HistoryRepo, tmp_path: Path) -> dict[str, str]:
    """Run the scaffolded workflows' steps as GitHub would for a pull request into main (the
    base branch plays origin/main); return the job summary and the step outputs."""
    summary, outputs = tmp_path / "summary.md", tmp_path / "outputs"
    summary.write_text("")
    outputs.write_text("")
    git(repo.path, "branch", "-f", "origin/main", "main")
    bin_dir = Path(sys.executable).parent
    for workflow in (".github/workflows/kpis-pr.yml", ".github/workflows/kpis-pages.yml"):
        for command, step_env in _run_steps(repo.path / workflow):
            env = clean_env(
                GITHUB_STEP_SUMMARY=str(summary),
                GITHUB_OUTPUT=str(outputs),
                PATH=f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
            )
            env.update(
                {k: v.replace("${{ github.base_ref }}", "main") for k, v in step_env.items()}
            )
            assert "${{" not in command, command  # values reach scripts through env only
            done = subprocess.run(
                command, shell=True, cwd=repo.path, env=env, capture_output=True, text=True
            )
            assert done.returncode == 0, (command, done.stdout, done.stderr)
    return {"summary": summary.read_text(), "outputs": outputs.read_text()}


@pytest.mark.slow
def test_the_scaffolded_workflow_commands_run_for_real(tmp_path):
    """Each step of the scaffolded workflows, run in a new repository as CI would."""
    repo = HistoryRepo(tmp_path / "kpis")
    run_kpictl("init", str(repo.path), cwd=tmp_path)
    repo.commit("2025-01-06T09:00:00+00:00", message="Set up kpictl")
    git(repo.path, "checkout", "-q", "-b", "feature")
    repo.commit(
        "2025-01-08T09:00:00+00:00",
        {
            "projects/example-project.yaml": (repo.path / "projects/example-project.yaml")
            .read_text()
            .replace("team_assembled: planned", "team_assembled: done"),
        },
    )
    ran = _run_workflows(repo, tmp_path)
    assert "kpis=true" in ran["outputs"]
    text = ran["summary"]
    assert "Example project" in text and "`team_assembled`: planned → done" in text
    assert "1 commit of this branch is not on `origin/main` yet" in text
    assert (repo.path / "public" / "index.html").is_file()
    assert (repo.path / "public" / "kpis.json").is_file()


@pytest.mark.slow
def test_a_pull_request_that_touches_no_kpi_file_passes_at_once(tmp_path):
    repo = HistoryRepo(tmp_path / "kpis")
    run_kpictl("init", str(repo.path), cwd=tmp_path)
    repo.commit("2025-01-06T09:00:00+00:00", message="Set up kpictl")
    git(repo.path, "checkout", "-q", "-b", "docs")
    repo.commit("2025-01-08T09:00:00+00:00", {"docs/notes.md": "notes\n"})
    ran = _run_workflows(repo, tmp_path)
    assert "kpis=false" in ran["outputs"]
    assert "No KPI file changes" in ran["summary"]


@pytest.mark.slow
def test_a_pull_request_that_changes_only_kpictl_yaml_is_summarised(tmp_path):
    repo = HistoryRepo(tmp_path / "kpis")
    run_kpictl("init", str(repo.path), cwd=tmp_path)
    repo.commit("2025-01-06T09:00:00+00:00", message="Set up kpictl")
    git(repo.path, "checkout", "-q", "-b", "targets")
    config = (repo.path / "kpictl.yaml").read_text()
    repo.commit(
        "2025-01-08T09:00:00+00:00",
        {"kpictl.yaml": config + "kpis:\n  - {id: time_to_launch, target: 90}\n"},
    )
    ran = _run_workflows(repo, tmp_path)
    assert "kpis=true" in ran["outputs"]
    assert "### kpictl.yaml" in ran["summary"]
    assert "- target of **Time to launch the feature**: 120.0 → 90.0" in ran["summary"]


def test_init_scaffolds_workflows_for_the_current_branch(tmp_path):
    root = tmp_path / "kpis"
    git(tmp_path, "init", "-q", "-b", "master", str(root))
    result = run_kpictl("init", str(root), cwd=tmp_path)
    assert result.code == 0 and "git init" not in result.out
    pages = yaml.safe_load((root / ".github/workflows/kpis-pages.yml").read_text())
    assert pages[True]["push"]["branches"] == ["master"]  # PyYAML reads `on` as True
    fresh = run_kpictl("init", str(tmp_path / "new"), cwd=tmp_path)
    assert "next: git init -b main, edit projects/" in fresh.out


GIT_SPEC = "kpictl @ git+https://github.com/example/kpictl@" + "0123456789abcdef" * 2 + "01234567"
SCAFFOLDED_WORKFLOWS = (".github/workflows/kpis-pr.yml", ".github/workflows/kpis-pages.yml")


def _installs(root: Path) -> list[str]:
    """The requirement each scaffolded workflow's pip step installs."""
    found = []
    for name in SCAFFOLDED_WORKFLOWS:
        for job in yaml.safe_load((root / name).read_text())["jobs"].values():
            for step in job.get("steps", []):
                if step.get("run", "").startswith("pip install"):
                    words = shlex.split(step["run"])
                    assert words[:2] == ["pip", "install"] and len(words) == 3, step["run"]
                    found.append(words[2])
    return found


def test_init_install_writes_that_requirement_and_keeps_the_record_working(tmp_path):
    root = tmp_path / "kpis"
    result = run_kpictl("init", "--install", GIT_SPEC, str(root), cwd=tmp_path)
    assert result.code == 0 and result.err == "", result.err
    assert _installs(root) == [GIT_SPEC, GIT_SPEC]
    assert f"pip install pre-commit '{GIT_SPEC}'" in (root / ".pre-commit-config.yaml").read_text()
    again = run_kpictl("init", "--install", GIT_SPEC, str(root), cwd=tmp_path)
    assert again.out.count("unchanged") == 10 and "created" not in again.out

    other = "kpictl==0.2.0"
    kept = run_kpictl("init", "--install", other, str(root), cwd=tmp_path)
    assert "kept  .github/workflows/kpis-pr.yml (differs; --force replaces it)" in kept.out
    assert _installs(root) == [GIT_SPEC, GIT_SPEC]
    forced = run_kpictl("init", "--force", "--install", other, str(root), cwd=tmp_path)
    for name in (*SCAFFOLDED_WORKFLOWS, ".pre-commit-config.yaml"):
        assert f"overwritten  {name}" in forced.out
    assert _installs(root) == [other, other] and "written beside" not in forced.out


def test_init_remembers_the_requirement_install_gave(tmp_path):
    """A later `init` (an upgrade's --force too) keeps what --install chose, rather than fall
    back to the running kpictl: here an editable install, whose requirement is a placeholder."""
    root = tmp_path / "kpis"
    assert run_kpictl("init", "--install", GIT_SPEC, str(root), cwd=tmp_path).code == 0
    again = run_kpictl("init", str(root), cwd=tmp_path)
    assert again.code == 0 and again.err == "", again.err
    assert again.out.count("unchanged") == 10 and "kept" not in again.out
    (root / ".github/workflows/kpis-pr.yml").unlink()
    restored = run_kpictl("init", "--force", str(root), cwd=tmp_path)
    assert "created  .github/workflows/kpis-pr.yml" in restored.out
    assert _installs(root) == [GIT_SPEC, GIT_SPEC]

    record = root / ".kpictl" / "scaffold.json"
    damaged = json.loads(record.read_text())
    damaged["--install"] = "requests==2.0"
    record.write_text(json.dumps(damaged))
    (root / ".github/workflows/kpis-pr.yml").unlink()
    fallback = run_kpictl("init", str(root), cwd=tmp_path)
    assert fallback.code == 0 and "warning" in fallback.err  # the running (editable) kpictl
    assert "requests" not in (root / ".github/workflows/kpis-pr.yml").read_text()


@pytest.mark.slow
@pytest.mark.parametrize("install", [(), ("--install", GIT_SPEC)], ids=["placeholder", "git"])
def test_the_scaffolded_workflows_pass_the_github_workflow_schema(tmp_path, install):
    assert run_kpictl("init", *install, str(tmp_path), cwd=tmp_path).code == 0
    files = [str(tmp_path / name) for name in SCAFFOLDED_WORKFLOWS]
    result = subprocess.run(
        [str(CHECK_JSONSCHEMA), "--builtin-schema", "vendor.github-workflows", *files],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_init_install_refuses_a_requirement_for_another_package(tmp_path):
    result = run_kpictl("init", "--install", "requests==2.0", str(tmp_path / "kpis"), cwd=tmp_path)
    assert result.code == 2 and "installs requests, not kpictl" in result.err
    assert not (tmp_path / "kpis").exists()


def test_init_from_an_editable_install_warns_and_writes_a_placeholder(tmp_path):
    """The test environment's own kpictl (pip install -e .), run as a user would."""
    from kpictl.scaffold.install_spec import PLACEHOLDER

    kpictl = Path(sys.executable).parent / "kpictl"
    done = subprocess.run(
        [str(kpictl), "init", "kpis"], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert "kpictl: warning: kpictl is an editable install of file://" in done.stderr
    assert "kpictl==X.Y.Z" in done.stderr and "--install" in done.stderr
    assert _installs(tmp_path / "kpis") == [PLACEHOLDER, PLACEHOLDER]
    text = (tmp_path / "kpis" / SCAFFOLDED_WORKFLOWS[0]).read_text()
    assert "# REPLACE the requirement below" in text and "kpictl==0.1.0" not in text
    pre_commit = (tmp_path / "kpis" / ".pre-commit-config.yaml").read_text()
    assert f"pip install pre-commit '{PLACEHOLDER}'" in pre_commit


def test_diff_reports_status_changes_and_moving_kpis(tmp_path):
    repo = HistoryRepo(tmp_path / "kpis")
    base = project_yaml("alpha", "Alpha", team_assembled="in_progress")
    repo.commit("2025-01-06T09:00:00+00:00", {"projects/alpha.yaml": base})
    repo.commit("2025-01-16T09:00:00+00:00", {"projects/beta.yaml": project_yaml("beta")})
    git(repo.path, "checkout", "-q", "-b", "feature")
    change = project_yaml("alpha", "Alpha", team_assembled="done") + (
        "costs:\n  - {item: API, category: inference, amount: 10, currency: USD, per: month}\n"
    )
    repo.commit("2025-01-20T09:00:00+00:00", {"projects/alpha.yaml": change})
    # The branch's commit has not landed: it counts as landing at the as-of moment.
    result = run_kpictl(
        "diff", "main", "feature", "--as-of", "2025-01-20T09:00:00+00:00", cwd=repo.path
    )
    assert result.code == 0, result.err
    text = result.out
    assert "### Alpha (`alpha`)" in text and "beta" not in text
    assert "- milestone `team_assembled`: in_progress → done" in text
    assert "- cost added: **API** (10 USD/month, inference)" in text
    assert "| Time to assemble the team | 14.0 days (running) | 14.0 days (met) | 21.0 |" in text
    later = run_kpictl("diff", "main", "feature", "--as-of", "2025-02-05", cwd=repo.path).out
    assert "| 30.6 days (OVERDUE) | 30.6 days (MISSED) | 21.0 |" in later  # it lands then
    assert "### Portfolio medians that move" in text
    # Without HEAD: the working tree, as if it landed now
    git(repo.path, "checkout", "-q", "main")
    (repo.path / "projects/alpha.yaml").write_text(
        project_yaml("alpha", "Alpha", team_assembled="skipped")
    )
    worktree = run_kpictl("diff", "main", cwd=repo.path)
    assert "in_progress → skipped" in worktree.out and "the working tree" in worktree.out
    clean = subprocess.run(
        ["git", "status", "--porcelain"],
        cwd=repo.path,
        capture_output=True,
        text=True,
        env=clean_env(),
    ).stdout
    assert clean.strip() == "M projects/alpha.yaml"


def test_demo_creates_a_repository_with_pull_request_history(tmp_path):
    target = tmp_path / "demo"
    result = run_kpictl("demo", "--no-site", str(target), cwd=tmp_path)
    assert result.code == 0, result.err
    merges = git(target, "rev-list", "--merges", "--count", "HEAD").strip()
    assert int(merges) > 200
    report = json.loads(run_kpictl("report", "--format", "json", cwd=target).out)
    projects = report["projects"]
    assert len(projects) >= 12
    assert len({p["team"] for p in projects}) >= 5
    phases = [p["phase"] for p in projects]
    assert phases.count("scale") >= 6 and "poc" in phases
    assert len(report["portfolio"]["purgatory"]) >= 1
    curve = report["portfolio"]["learning_curve"]["time_to_first_launch"]
    assert curve["n"] >= 8 and curve["rate_per_doubling"] < 0.95  # later teams launch faster
    assert report["portfolio"]["kpis"]["simple_update_lead_time"]["n"] >= 5
    # A merge lands the change; its branch commit was authored days earlier.
    branch_committed, authored = git(
        target, "log", "-1", "--first-parent", "--format=%ct %at", "HEAD^2"
    ).split()
    merge_time = git(target, "log", "-1", "--format=%ct", "HEAD").strip()
    assert int(merge_time) > int(branch_committed) >= int(authored)
    history = json.loads(run_kpictl("history", "--format", "json", cwd=target).out)
    assert all(e["landed_at"] >= e["authored_at"] for p in history["projects"] for e in p["events"])
    again = run_kpictl("demo", "--no-site", str(target), cwd=tmp_path)
    assert again.code == 0  # an earlier demo is replaced
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("keep")
    refused = run_kpictl("demo", str(tmp_path / "mine"), cwd=tmp_path)
    assert refused.code == 2 and (tmp_path / "mine" / "notes.txt").read_text() == "keep"
