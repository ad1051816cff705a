"""The command line as users meet it: formats, exit codes, new, schema, projects."""

from __future__ import annotations

import json
import re
from pathlib import Path

from kpictl.config import load_config
from kpictl.project.schema import schema_text
from kpictl.project.validate import discover, validate_files
from tests.conftest import REPO, VALID_PROJECT, run_kpictl


def test_text_format_is_path_line_col_severity_code_message(kpi_repo):
    kpi_repo.project("demo-project", VALID_PROJECT.replace("per: month", "per: week"))
    result = kpi_repo.run("validate")
    assert result.code == 1
    assert result.out.startswith("projects/demo-project.yaml:21:")
    assert ": error[invalid-value]: costs[0].per is 'week'" in result.out
    assert "1 error, 0 warnings in 1 project file" in result.err


def test_github_format_escapes_as_github_documents(kpi_repo):
    kpi_repo.write("projects/a,b.yaml", VALID_PROJECT.replace("team: platform", "team: Plat:form"))
    result = kpi_repo.run("validate", "--format", "github")
    assert result.code == 1
    lines = result.out.splitlines()
    invalid = next(line for line in lines if "invalid-format" in line)
    assert invalid.startswith(
        "::error file=projects/a%2Cb.yaml,line=4,col=7,title=kpictl invalid-format::"
    )
    assert "'Plat:form'" in invalid  # a colon in the message itself is left as it is
    warning = next(line for line in lines if "file-name" in line)
    assert warning.startswith("::warning file=projects/a%2Cb.yaml,line=2,col=5,")


def test_github_escaping_of_percent_and_newlines():
    from kpictl.output.findings import github_annotation, github_error
    from kpictl.yamlfile import Diagnostic

    # A finding never holds a raw line break (it may quote a key): it is shown escaped.
    line = github_annotation(Diagnostic("p%1.yaml", 1, 2, "error", "c", "50% done\r\nnext"))
    assert line == "::error file=p%251.yaml,line=1,col=2,title=kpictl c::50%25 done\\r\\nnext"
    assert github_error("50% done\r\nnext", "t") == "::error title=t::50%25 done%0D%0Anext"


def test_paths_can_be_files_and_folders(kpi_repo):
    kpi_repo.project("demo-project")
    kpi_repo.write("projects/sub/other.yaml", VALID_PROJECT.replace("demo-project", "other"))
    result = kpi_repo.run("validate", "--format", "json", "projects/sub")
    assert json.loads(result.out)["files"] == ["projects/sub/other.yaml"]
    assert result.code == 0


def test_usage_errors_exit_2(kpi_repo):
    assert kpi_repo.run("validate", "projects/missing.yaml").code == 2
    assert kpi_repo.run("validate", "--format", "xml").code == 2
    assert kpi_repo.run("no-such-command").code == 2
    result = kpi_repo.run("--root", "does-not-exist", "validate")
    assert result.code == 2 and "no such folder" in result.err


def test_dash_c_runs_as_if_started_in_that_folder(kpi_repo, tmp_path):
    made = run_kpictl("-C", str(kpi_repo.root / "projects"), "new", "foo", cwd=tmp_path)
    assert made.code == 0, made.err
    assert (kpi_repo.root / "projects" / "foo.yaml").is_file()
    assert not (kpi_repo.root / "projects" / "projects").exists()
    checked = run_kpictl("-C", str(kpi_repo.root), "validate", "projects/foo.yaml", cwd=tmp_path)
    assert checked.code == 0, checked.err


def test_a_missing_projects_folder_is_a_clear_error(tmp_path):
    (tmp_path / "kpictl.yaml").write_text("timezone: UTC\n")
    result = run_kpictl("validate", cwd=tmp_path)
    assert result.code == 2
    assert "no projects/ folder" in result.err and "kpictl new" in result.err


def test_configuration_errors_exit_2_with_file_line_col(kpi_repo):
    kpi_repo.write("kpictl.yaml", "timezone: UTC\nenvironments: dev\n")
    result = kpi_repo.run("validate")
    assert result.code == 2
    assert result.err == (
        "kpictl: kpictl.yaml:2:15: error[wrong-type]: environments must be a list, not 'dev'\n"
    )
    kpi_repo.write("kpictl.yaml", "timezone: Mars/Olympus\n")
    result = kpi_repo.run("validate")
    assert result.code == 2 and "unknown time zone 'Mars/Olympus'" in result.err
    kpi_repo.write("kpictl.yaml", "gates: [{milestone: launched, requires: [nope]}]\n")
    result = kpi_repo.run("validate")
    assert result.code == 2 and "unknown milestone 'nope'" in result.err
    kpi_repo.write("kpictl.yaml", "a: 1\na: 2\n")
    result = kpi_repo.run("validate")
    assert result.code == 2 and "kpictl.yaml:2:1: error[duplicate-key]" in result.err


def test_kpictl_yaml_findings_read_like_a_project_files(kpi_repo):
    kpi_repo.write(
        "kpictl.yaml",
        "timezon: UTC\ncurrency: {rates: {eur: 1.1}}\nrepo_url: ftp://x\n"
        "environments: [dev, UAT]\n",
    )
    text = kpi_repo.run("validate")
    assert text.code == 2
    lines = text.err.splitlines()
    assert lines[0].startswith(
        'kpictl: kpictl.yaml:1:1: error[unknown-key]: unknown key "timezon" in the top level '
        '(did you mean "timezone"?)'
    )
    assert "kpictl.yaml:2:20: error[invalid-key]" in lines[1] and "capitals" in lines[1]
    assert "web address starting with https://" in lines[2]
    assert "kpictl.yaml:4:21" in lines[3] and "lowercase letters" in lines[3]
    assert not any(mark in text.err for mark in ("^", "[A-Z]", "\\s", "regexes"))
    github = kpi_repo.run("validate", "--format", "github")
    assert github.out.startswith(
        "::error file=kpictl.yaml,line=1,col=1,title=kpictl unknown-key::unknown key"
    )
    assert github.out.count("::error file=kpictl.yaml") == 4


def test_errors_are_annotations_under_format_github(tmp_path, monkeypatch):
    import kpictl.project.selection

    missing = run_kpictl("validate", "--format", "github", cwd=tmp_path)
    assert missing.code == 2 and missing.out.startswith("::error title=kpictl::there is no")

    def explode(*args, **kwargs):
        raise ZeroDivisionError("boom")

    (tmp_path / "projects").mkdir()
    monkeypatch.setattr(kpictl.project.selection, "validate_files", explode)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    crashed = run_kpictl("validate", "--format", "github", cwd=tmp_path)
    assert crashed.code == 3
    assert crashed.out.startswith("::error title=kpictl internal error::internal error (Zero")


def test_an_unexpected_failure_is_one_line_and_exit_3(kpi_repo, monkeypatch, tmp_path):
    import kpictl.project.selection

    def explode(*args, **kwargs):
        raise ZeroDivisionError("boom")

    monkeypatch.setattr(kpictl.project.selection, "validate_files", explode)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    kpi_repo.project()
    logs = []
    for _ in range(2):
        result = kpi_repo.run("validate")
        assert result.code == 3
        assert "Traceback" not in result.err
        assert len(result.err.strip().splitlines()) == 1
        assert "internal error (ZeroDivisionError: boom)" in result.err
        logs.append(Path(re.search(r"details in (\S+\.log)", result.err)[1]))
    # One file per run, in this user's own cache folder, holding the traceback.
    assert logs[0] != logs[1]
    for log in logs:
        assert log.parent == tmp_path / "cache" / "kpictl"
        assert "ZeroDivisionError: boom" in log.read_text(encoding="utf-8")
        assert log.stat().st_mode & 0o077 == 0


def test_new_writes_a_valid_project_with_the_schema_modeline(kpi_repo):
    result = kpi_repo.run("new", "fraud-detector", "--team", "risk", "--owner", "ana@example.com")
    assert result.code == 0, result
    written = (kpi_repo.root / "projects/fraud-detector.yaml").read_text()
    assert written.startswith("# yaml-language-server: $schema=../schema/project.schema.json\n")
    assert "id: fraud-detector" in written and "team: risk" in written
    check = kpi_repo.run("validate")
    assert check.code == 0 and check.out == "", check


def test_new_refuses_bad_ids_existing_files_and_ids_in_use(kpi_repo):
    for bad in ("../escape", "Upper", "<script>", "a--b"):
        result = kpi_repo.run("new", bad)
        assert result.code == 2 and "not a valid project id" in result.err
    assert sorted(p.name for p in kpi_repo.root.rglob("*.yaml")) == ["kpictl.yaml"]
    kpi_repo.write("projects/elsewhere.yaml", VALID_PROJECT)
    result = kpi_repo.run("new", "demo-project")
    assert result.code == 2 and "already used by" in result.err
    kpi_repo.run("new", "fresh")
    result = kpi_repo.run("new", "fresh")
    assert result.code == 2 and "already exists" in result.err


def test_schema_command_prints_the_organisations_schema(kpi_repo):
    kpi_repo.write("kpictl.yaml", "milestones:\n  - {id: legal_review, phase: production}\n")
    result = kpi_repo.run("schema")
    schema = json.loads(result.out)
    assert "legal_review" in schema["properties"]["milestones"]["propertyNames"]["enum"]


def test_the_committed_schema_is_generated_from_the_default_catalog(tmp_path):
    committed = (REPO / "schema" / "project.schema.json").read_text(encoding="utf-8")
    assert committed == schema_text(load_config(tmp_path)), (
        "schema/project.schema.json is stale; regenerate it with "
        "`kpictl schema > schema/project.schema.json`"
    )


def test_the_committed_schema_validates_the_examples_with_a_standard_validator():
    from jsonschema import Draft202012Validator

    from kpictl.yamlfile import load_file

    validator = Draft202012Validator(json.loads((REPO / "schema/project.schema.json").read_text()))
    files = sorted((REPO / "projects").rglob("*.yaml"))
    assert len(files) >= 8
    for file in files:
        doc, problems = load_file(file, str(file))
        assert doc is not None, problems
        assert list(validator.iter_errors(doc.data)) == [], file


def test_projects_lists_milestones_by_status(kpi_repo):
    kpi_repo.project(
        "demo-project",
        VALID_PROJECT.replace("  kickoff: done", "  kickoff: {status: done, date: 2024-01-02}"),
    )
    result = kpi_repo.run("projects")
    assert result.code == 0
    assert "demo-project  ·  Demo project  ·  platform  ·  poc" in result.out
    assert "done         kickoff (declared 2024-01-02), team_assembled" in result.out
    assert "in progress  problem_statement" in result.out
    data = json.loads(kpi_repo.run("projects", "--format", "json").out)
    assert data["projects"][0]["milestones"]["launched"] == "planned"


def test_the_example_portfolio_covers_every_phase():
    config = load_config(REPO)
    result = validate_files(discover(config), config)
    from kpictl.project.status import phase_of

    phases = [phase_of(d.data["milestones"], config.roles) for d in result.documents]
    teams = {d.data["team"] for d in result.documents}
    assert len(result.documents) >= 8 and len(teams) >= 4
    assert {"poc", "production", "scale"} <= set(phases)
    assert any(d.data.get("updates") for d in result.documents)


def test_the_reference_docs_are_generated_from_the_schema_and_catalog():
    from kpictl.config import default_config
    from kpictl.scaffold.reference import pages

    for name, text in pages(default_config(REPO)).items():
        committed = (REPO / "docs" / "reference" / name).read_text(encoding="utf-8")
        assert committed == text, (
            f"docs/reference/{name} is stale: python -m kpictl.scaffold.reference"
        )


def test_every_command_is_in_the_readme_and_its_help_has_an_example():
    from kpictl.cli.main import cli

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for name, command in cli.commands.items():
        assert f"kpictl {name}" in readme, f"README.md does not mention `kpictl {name}`"
        assert "Example:" in (command.help or ""), f"`kpictl {name} --help` has no example"


def test_progress_is_silent_when_piped_or_in_ci(monkeypatch, capsys):
    import io
    import sys

    from kpictl.progress import Progress

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    monkeypatch.delenv("CI", raising=False)
    shown = Progress("reading", 10, every=0)
    shown.update(5)
    shown.close()
    assert "reading: 5/10" in terminal.getvalue()
    monkeypatch.setenv("CI", "true")
    before = terminal.getvalue()
    quiet = Progress("reading", 10, every=0)
    quiet.update(5)
    assert terminal.getvalue() == before
    monkeypatch.setattr(sys, "stderr", io.StringIO())
    monkeypatch.delenv("CI")
    assert not Progress("reading", 10).active  # piped: not a terminal
