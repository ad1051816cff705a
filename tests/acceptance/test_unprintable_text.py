"""Text that cannot be shown as it is: a control character in a value, a key, a commit message
or a command-line argument, and a file name that is not UTF-8. Validate refuses it at its place,
and every command shows it escaped (in text, annotations and JSON), so it cannot drive a
terminal or forge a finding line; line breaks and tabs in notes and x- keys stay allowed."""

from __future__ import annotations

import json

import pytest

from tests.conftest import VALID_PROJECT, KpiRepo, run_kpictl
from tests.gitutil import HistoryRepo, project_yaml

BAD_NAME = b"bad\xff.yaml".decode("utf-8", "surrogateescape")


def test_a_file_name_that_is_not_utf8_is_an_error_shown_with_escapes(kpi_repo: KpiRepo):
    kpi_repo.project("demo-project")
    (kpi_repo.root / "projects" / BAD_NAME).write_text(VALID_PROJECT.replace("demo-", "bad-"))
    result = kpi_repo.run("validate")
    assert result.code == 1
    assert result.out == (
        "projects/bad\\xff.yaml:1:1: error[file-name]: the file name holds bytes that are not "
        "UTF-8 (shown as escapes such as \\xff), so it cannot be shown or published as it is; "
        "rename it to bad-project.yaml\n"
    )
    payload = json.loads(kpi_repo.run("validate", "--format", "json").out.encode("utf-8"))
    assert payload["files"] == ["projects/bad\\xff.yaml", "projects/demo-project.yaml"]


def test_history_report_and_build_show_such_a_name_escaped(tmp_path):
    repo = HistoryRepo(tmp_path / "repo")
    repo.commit(
        "2025-01-06T09:00:00+00:00",
        {"kpictl.yaml": "# defaults\n", "projects/a.yaml": project_yaml("a")},
    )
    (repo.path / "projects" / BAD_NAME).write_text(project_yaml("b"))
    repo.commit("2025-01-07T09:00:00+00:00", message="Add b\x1b[2J under an odd name")
    history = run_kpictl("history", "--format", "json", cwd=repo.path)
    assert history.code == 0, history.err
    data = json.loads(history.out.encode("utf-8"))
    assert [p["path"] for p in data["projects"]] == ["projects/a.yaml", "projects/bad\\xff.yaml"]
    text = run_kpictl("history", "b", cwd=repo.path).out
    assert "projects/bad\\xff.yaml" in text and "\x1b" not in text
    assert run_kpictl("report", "--format", "json", cwd=repo.path).code == 0
    built = run_kpictl("build", "--out", str(tmp_path / "site"), cwd=repo.path)
    assert built.code == 0, built.err
    assert (tmp_path / "site" / "projects" / "b.html").is_file()


@pytest.mark.parametrize(
    ("value", "shown"),
    [('"Support\\x1b[31m assistant"', "\\x1b"), ('"Support\\0"', "\\x00"), ('"A\\nB"', "")],
)
def test_a_name_with_a_control_character_is_an_error_at_its_value(kpi_repo, value, shown):
    kpi_repo.project("demo-project", VALID_PROJECT.replace("name: Demo project", f"name: {value}"))
    result = kpi_repo.run("validate")
    assert result.code == 1
    assert result.out.startswith("projects/demo-project.yaml:3:7: error[control-character]: name ")
    assert result.out.count("\n") == 1 and "\x1b" not in result.out and "\x00" not in result.out
    assert shown in result.out


def test_notes_keep_line_breaks_and_tabs_and_x_keys_are_left_alone(kpi_repo):
    text = VALID_PROJECT.replace(
        "summary: A project used by the tests.",
        'summary: "Two lines,\\nwith\\ta tab"\nx-raw: "\\x1b anything"',
    )
    kpi_repo.project("demo-project", text)
    assert kpi_repo.run("validate").code == 0


def test_a_key_with_a_line_break_cannot_forge_a_finding(kpi_repo):
    forged = "x\\nprojects/other.yaml:1:1: error[fake]: forged"
    kpi_repo.project(
        "demo-project", VALID_PROJECT.replace("team: platform", f'team: platform\n"{forged}": 1')
    )
    for fmt in ("text", "github"):
        result = kpi_repo.run("validate", "--format", fmt)
        assert result.code == 1
        assert result.out.count("\n") == 1, result.out  # one finding, on one line
        assert "unknown key" in result.out and "x\\nprojects/other.yaml" in result.out


def test_history_skips_a_revision_with_a_control_character_and_says_so_escaped(tmp_path):
    repo = HistoryRepo(tmp_path / "repo")
    repo.commit(
        "2025-01-06T09:00:00+00:00",
        {"kpictl.yaml": "# defaults\n", "projects/a.yaml": project_yaml("a", "Alpha")},
    )
    repo.commit(
        "2025-01-08T09:00:00+00:00",
        {"projects/a.yaml": project_yaml("a", '"Alpha\\x1b]0;pwned\\x07"', team_assembled="done")},
    )
    result = run_kpictl("history", "--format", "json", cwd=repo.path)
    assert result.code == 0
    assert "\x1b" not in result.err and "\x07" not in result.err
    assert "[control-character] name holds the control character \\x1b" in result.err
    assert json.loads(result.out)["projects"][0]["name"] == "Alpha"


def test_an_error_quoting_an_argument_is_shown_escaped(kpi_repo):
    result = kpi_repo.run("validate", "projects/\x1b[2J.yaml")
    assert result.code == 2 and "\x1b" not in result.err and "\\x1b[2J" in result.err


def test_paths_given_on_the_command_line_are_shown_escaped(tmp_path):
    root = tmp_path / "odd\x1b[2Jname"
    root.mkdir()
    (root / "kpictl.yaml").write_text("# defaults\n")
    result = run_kpictl("new", "fresh", cwd=root)
    assert result.code == 0, result.err
    assert "odd\\x1b[2Jname/projects/fresh.yaml" in result.out and "\x1b" not in result.out
