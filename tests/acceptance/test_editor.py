"""The editor: the real yaml-language-server, driven over stdio as an editor drives it, completes
and checks a project file from schema/project.schema.json (the first line of every project file
points at it), and flags a mistake on the line where kpictl flags it."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from kpictl.config.definitions import MILESTONE_STATUSES
from tests.conftest import REPO, KpiRepo
from tests.tools_lsp import Server, language_server, missing

MODELINE = "# yaml-language-server: $schema=../schema/project.schema.json\n"
HEAD = MODELINE + (
    "schema_version: 1\n"
    "id: editor-check\n"
    "name: Editor check\n"
    "team: platform\n"
    "owner: lead@example.com\n"
)
STATUSES = sorted(MILESTONE_STATUSES)


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    reason = missing()
    if reason is not None:
        if os.environ.get("CI"):
            pytest.fail(f"{reason}; CI must run the editor tests")
        pytest.skip(reason)
    with language_server() as running:
        yield running


def _kpi_repo(tmp_path: Path, text: str) -> tuple[KpiRepo, Path]:
    """A KPI repository holding the schema kpictl ships and one project file with ``text``."""
    (tmp_path / "kpictl.yaml").write_text("# defaults\n", encoding="utf-8")
    (tmp_path / "schema").mkdir()
    shutil.copy(REPO / "schema/project.schema.json", tmp_path / "schema/project.schema.json")
    repo = KpiRepo(tmp_path)
    return repo, repo.write("projects/editor-check.yaml", text)


def _completions_at_the_end(server: Server, tmp_path: Path, text: str) -> list[str]:
    _, path = _kpi_repo(tmp_path, text)
    uri = server.open(path, text)
    last = text.split("\n")[-1]
    return server.completion_labels(uri, text.count("\n"), len(last))


@pytest.mark.slow
@pytest.mark.parametrize(
    "tail",
    [
        "milestones:\n  kickoff: ",  # the short form
        "milestones:\n  kickoff: done\n  security_review: ",
        "milestones:\n  kickoff:\n    status: ",  # the mapping form
        "milestones:\n  kickoff: done\nenvironments:\n  dev: ",
        "milestones:\n  kickoff: done\nenvironments:\n  dev: done\n  prod:\n    status: ",
    ],
    ids=["milestone", "another-milestone", "status", "environment", "environment-status"],
)
def test_the_editor_completes_the_status_words(server, tmp_path, tail):
    assert sorted(_completions_at_the_end(server, tmp_path, HEAD + tail)) == STATUSES


@pytest.mark.slow
def test_the_editor_completes_the_keys_of_a_milestone_mapping(server, tmp_path):
    labels = _completions_at_the_end(server, tmp_path, HEAD + "milestones:\n  kickoff:\n    ")
    assert {"status", "date", "note"} <= set(labels), labels


@pytest.mark.slow
@pytest.mark.parametrize(
    ("body", "typo"),
    [
        ("milestones:\n  kickoff:\n    status: donee\n    note: Started late\n", "donee"),
        ("milestones:\n  kickoff: done\n  team_assembled: Done\n  demo_ready: planned\n", "Done"),
        ("milestones:\n  kickoff: done\nenvironments:\n  dev: done\n  uat: in-progress\n", "in-"),
    ],
    ids=["status", "milestone", "environment"],
)
def test_a_typo_is_flagged_on_its_line_by_the_editor_and_by_kpictl(server, tmp_path, body, typo):
    text = HEAD + body
    repo, path = _kpi_repo(tmp_path, text)
    line = next(n for n, line in enumerate(text.split("\n")) if typo in line)
    found = server.diagnostics_of(server.open(path, text))
    assert [d["range"]["start"]["line"] for d in found] == [line], found
    assert all(word in found[0]["message"] for word in STATUSES), found[0]["message"]
    result = repo.run("validate", "--format", "json")
    kpictl = json.loads(result.out)["diagnostics"]
    assert [(d["code"], d["line"]) for d in kpictl] == [("invalid-value", line + 1)], kpictl
    assert 'did you mean "' in kpictl[0]["message"]


@pytest.mark.slow
def test_the_editor_flags_nothing_in_the_example_projects(server):
    files = sorted((REPO / "projects").rglob("*.yaml"))
    assert len(files) >= 8
    for file in files:
        text = file.read_text(encoding="utf-8")
        assert text.startswith("# yaml-language-server: $schema="), file
        assert server.diagnostics_of(server.open(file, text)) == [], file
    # The same file with one typo, beside it (the modeline resolves alike): flagged.
    text = files[0].read_text(encoding="utf-8").replace("status: done", "status: donee", 1)
    control = server.open(files[0].with_name("editor-control.yaml"), text)
    assert len(server.diagnostics_of(control)) == 1


def test_a_schema_file_from_an_older_kpictl_is_reported_with_the_fix(tmp_path):
    """A repository scaffolded by an older kpictl holds the milestone as if/then/else, which
    editors complete nothing from: validate says to regenerate the file, and then is quiet."""
    old = json.loads((REPO / "schema/project.schema.json").read_text(encoding="utf-8"))
    word, mapping = old["$defs"]["milestone"]["anyOf"]
    old["$defs"]["milestone"] = {"if": {"type": "string"}, "then": {"$ref": word["$ref"]}}
    old["$defs"]["milestone"]["else"] = mapping
    repo, _ = _kpi_repo(tmp_path, HEAD + "milestones:\n  kickoff: done\n")
    (tmp_path / "schema/project.schema.json").write_text(json.dumps(old, indent=2) + "\n")
    result = repo.run("validate")
    assert result.code == 0, result
    assert "schema/project.schema.json:1:1: warning[stale-schema]" in result.out
    assert "kpictl was upgraded" in result.out
    assert "regenerate it: kpictl schema > schema/project.schema.json" in result.out
    (tmp_path / "schema/project.schema.json").write_text(repo.run("schema").out)
    assert repo.run("validate").out == ""
