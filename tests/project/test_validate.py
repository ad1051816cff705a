"""`kpictl validate`: schema errors and repository rules, at the line of the offending key."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import VALID_PROJECT, KpiRepo


def diagnostics(kpi_repo: KpiRepo, *args: str) -> list[dict]:
    result = kpi_repo.run("validate", "--format", "json", *args)
    payload = json.loads(result.out)
    assert result.code == (1 if payload["errors"] else 0), result
    return payload["diagnostics"]


def one(kpi_repo: KpiRepo, text: str, project_id: str = "demo-project") -> dict:
    kpi_repo.project(project_id, text)
    found = diagnostics(kpi_repo)
    assert len(found) == 1, found
    return found[0]


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def test_a_valid_project_passes(kpi_repo):
    kpi_repo.project()
    result = kpi_repo.run("validate")
    assert result.code == 0
    assert result.out == ""
    assert "1 project file valid" in result.err


@pytest.mark.parametrize(
    ("old", "new", "code", "needle", "words"),
    [
        (
            "team: platform",
            "team: platform\ncolour: blue",
            "unknown-key",
            "colour:",
            ['unknown key "colour"', "x-"],
        ),
        ("team: platform", "tem: platform", "unknown-key", "tem:", ['did you mean "team"']),
        (
            "  kickoff: done",
            "  kickof: done",
            "unknown-milestone",
            "kickof:",
            ['unknown milestone "kickof"', 'did you mean "kickoff"', "kpictl.yaml"],
        ),
        (
            "dev: in_progress",
            "qa: in_progress",
            "unknown-environment",
            "qa:",
            ['unknown environment "qa"', "dev, uat, prod"],
        ),
        (
            "  problem_statement: in_progress",
            "  problem_statement: finished",
            "invalid-value",
            "problem_statement:",
            ["'finished'", "planned, in_progress, done, skipped"],
        ),
        (
            "  problem_statement: in_progress",
            "  problem_statement: no",
            "invalid-value",
            "problem_statement:",
            ["YAML 1.1", "boolean"],
        ),
        (
            "schema_version: 1",
            "schema_version: 2",
            "invalid-value",
            "schema_version",
            ["upgrade kpictl"],
        ),
        (
            "owner: lead@example.com",
            "owner: the lead",
            "invalid-format",
            "owner:",
            ["'the lead'", "an email address such as name@example.com"],
        ),
        ("id: demo-project", "id: Demo_Project", "invalid-format", "id:", ["lowercase"]),
        ("amount: 100", "amount: -5", "invalid-value", "amount:", ["at least 0"]),
        ("amount: 100", "amount: lots", "wrong-type", "amount:", ["must be a number"]),
        ("currency: USD", "currency: usd", "invalid-format", "currency:", ["ISO 4217"]),
        ("currency: USD", "currency: ABC", "unknown-currency", "currency:", ["ISO 4217"]),
        ("name: Demo project", "name: 1.10", "wrong-type", "name:", ["quotes"]),
        ("participants: 4", "participants: 4.5", "wrong-type", "participants:", ["whole number"]),
        ("per: month", "per: week", "invalid-value", "per:", ["once, month, year"]),
        ("kind: simple", "kind: patch", "invalid-value", "kind:", ["simple, version"]),
        (
            "labels: [internal]",
            "labels: [internal, internal]",
            "invalid-value",
            "labels:",
            ["twice"],
        ),
    ],
)
def test_schema_errors_point_at_the_offending_line(kpi_repo, old, new, code, needle, words):
    text = VALID_PROJECT.replace(old, new)
    assert text != VALID_PROJECT
    found = one(kpi_repo, text, "demo-project" if "id:" not in needle else "Demo_Project")
    assert found["code"] == code, found
    assert found["line"] == line_of(text, needle), found
    for word in words:
        assert word in found["message"], found["message"]


def test_a_missing_required_key_names_the_key(kpi_repo):
    text = VALID_PROJECT.replace("owner: lead@example.com\n", "")
    found = one(kpi_repo, text)
    assert found["code"] == "missing-key"
    assert '"owner"' in found["message"]


def test_a_missing_status_in_a_milestone_mapping_points_at_the_milestone(kpi_repo):
    text = VALID_PROJECT.replace("  demo_ready: planned", "  demo_ready: {note: soon}")
    found = one(kpi_repo, text)
    assert found["code"] == "missing-key"
    assert found["line"] == line_of(text, "demo_ready")
    assert "milestones.demo_ready" in found["message"] and '"status"' in found["message"]


def test_x_keys_are_allowed_everywhere(kpi_repo):
    text = VALID_PROJECT.replace("team: platform", "team: platform\nx-cost-centre: 42").replace(
        "participants: 4}", "participants: 4, x-survey: https://example.com}"
    )
    kpi_repo.project("demo-project", text)
    assert diagnostics(kpi_repo) == []


@pytest.mark.parametrize(
    ("date", "code", "words"),
    [
        ("2024-02-30", "invalid-date", ["not a real calendar date"]),
        ("2024-03-05T10:00:00", "invalid-date", ["no offset", "Z"]),
        ("2999-01-01", "future-date", ["in the future"]),
        ("next tuesday", "invalid-format", ["ISO 8601"]),
        ("9999-12-31T23:00:00-05:00", "invalid-date", ["after 9999 in UTC", "1970 to 9999"]),
        ("1970-01-01T00:30:00+01:00", "invalid-date", ["before 1970 in UTC"]),
    ],
)
def test_declared_dates_must_be_real_and_past(kpi_repo, date, code, words):
    text = VALID_PROJECT.replace(
        "  team_assembled: done", f"  team_assembled: {{status: done, date: {date}}}"
    )
    found = [d for d in (kpi_repo.project("demo-project", text), diagnostics(kpi_repo))[1]]
    assert [d["code"] for d in found] == [code], found
    assert found[0]["line"] == line_of(text, "team_assembled")
    for word in words:
        assert word in found[0]["message"]


def test_declared_dates_with_offsets_are_accepted(kpi_repo):
    text = VALID_PROJECT.replace(
        "  team_assembled: done",
        "  team_assembled: {status: done, date: 2024-03-05T14:30:00+05:30}",
    ).replace("  kickoff: done", "  kickoff: {status: done, date: '2024-01-02'}")
    kpi_repo.project("demo-project", text)
    assert diagnostics(kpi_repo) == []


def test_the_default_gate_needs_a_security_review_before_launch(kpi_repo):
    text = VALID_PROJECT.replace("  demo_ready: planned", "  demo_ready: planned\n  launched: done")
    found = one(kpi_repo, text)
    assert found["code"] == "gate"
    assert found["line"] == line_of(text, "launched")
    assert "security_review" in found["message"]


def test_an_organisation_configures_its_own_gates_milestones_and_environments(kpi_repo):
    kpi_repo.write(
        "kpictl.yaml",
        """\
        milestones:
          - {id: legal_review, title: Legal review, phase: production}
        environments: [dev, staging, prod]
        gates:
          - {milestone: launched, requires: [legal_review]}
        """,
    )
    text = VALID_PROJECT.replace(
        "  demo_ready: planned", "  demo_ready: planned\n  launched: done"
    ).replace("dev: in_progress, uat: planned", "dev: in_progress, staging: planned")
    found = one(kpi_repo, text)
    assert found["code"] == "gate" and "legal_review" in found["message"]
    kpi_repo.project(
        "demo-project", text.replace("launched: done", "launched: done\n  legal_review: done")
    )
    assert diagnostics(kpi_repo) == []


def test_ids_are_unique_across_files_and_subfolders(kpi_repo):
    kpi_repo.project("demo-project")
    kpi_repo.write("projects/team-a/copy.yaml", VALID_PROJECT)
    found = [d for d in diagnostics(kpi_repo) if d["code"] == "duplicate-id"]
    assert {d["path"] for d in found} == {"projects/demo-project.yaml", "projects/team-a/copy.yaml"}
    assert all(d["severity"] == "error" and d["line"] == 2 for d in found)


def test_a_changed_file_is_checked_against_unchanged_ones(kpi_repo):
    # pre-commit passes only the changed file; the id clash with an unchanged file still counts.
    kpi_repo.project("demo-project")
    changed = kpi_repo.write("projects/new.yaml", VALID_PROJECT)
    found = diagnostics(kpi_repo, str(changed.relative_to(kpi_repo.root)))
    codes = sorted(d["code"] for d in found)
    assert codes == ["duplicate-id", "file-name"]
    assert all(d["path"] == "projects/new.yaml" for d in found)
    assert (
        "projects/demo-project.yaml"
        in next(d for d in found if d["code"] == "duplicate-id")["message"]
    )


def test_file_name_that_differs_from_the_id_is_a_warning(kpi_repo):
    kpi_repo.write("projects/other-name.yaml", VALID_PROJECT)
    result = kpi_repo.run("validate")
    assert result.code == 0
    assert "projects/other-name.yaml:2:5: warning[file-name]:" in result.out
    assert "rename the file to demo-project.yaml" in result.out


@pytest.mark.parametrize(
    ("section", "entries", "needle"),
    [
        (
            "updates",
            "  - {id: a, kind: simple, status: live}\n"
            "  - {id: a, kind: version, status: requested}",
            "kind: version",
        ),
        (
            "feedback_rounds",
            "  - {id: r1, status: open}\n  - {id: r1, status: addressed}",
            "addressed",
        ),
        (
            "costs",
            "  - {item: GPU, category: infrastructure, amount: 1, currency: USD, per: month}\n"
            "  - {item: GPU, category: infrastructure, amount: 2, currency: USD, per: year}",
            "per: year",
        ),
    ],
)
def test_list_entries_are_unique_within_a_project(kpi_repo, section, entries, needle):
    start = VALID_PROJECT.index(f"{section}:\n")
    end = VALID_PROJECT.find("\n", VALID_PROJECT.index("\n  - ", start) + 1)
    text = VALID_PROJECT[:start] + f"{section}:\n{entries}" + VALID_PROJECT[end:]
    found = one(kpi_repo, text)
    assert found["code"] == "duplicate-item"
    assert found["line"] == line_of(text, needle)


def test_cost_until_before_from_is_an_error(kpi_repo):
    text = VALID_PROJECT.replace("per: month}", "per: month, from: 2025-05-01, until: 2025-04-01}")
    found = one(kpi_repo, text)
    assert found["code"] == "invalid-date" and "before from" in found["message"]


def test_links_allow_only_http_https_and_mailto(kpi_repo):
    text = VALID_PROJECT + "links:\n  - {title: Evil, url: 'javascript:alert(1)'}\n"
    found = one(kpi_repo, text)
    assert found["code"] == "invalid-format"
    assert found["line"] == line_of(text, "javascript")
    kpi_repo.project(
        "demo-project", VALID_PROJECT + "links:\n  - {title: Mail, url: 'mailto:a@example.com'}\n"
    )
    assert diagnostics(kpi_repo) == []


def test_the_bundled_example_portfolio_is_valid(tmp_path):
    from tests.conftest import REPO, run_kpictl

    result = run_kpictl("validate", "--format", "json", cwd=REPO)
    payload = json.loads(result.out)
    assert result.code == 0
    assert payload["errors"] == 0 and payload["warnings"] == 0, payload["diagnostics"]
    assert len(payload["files"]) >= 8


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("amount: 100", "amount: 1" + "0" * 5000),
        ("team: platform", "team: platform\nx-serial: " + "9" * 5000),
    ],
    ids=["amount", "x-key"],
)
def test_a_number_of_any_length_is_an_error_at_its_line_not_a_crash(kpi_repo, old, new):
    text = VALID_PROJECT.replace(old, new)
    kpi_repo.project("demo-project", text)
    result = kpi_repo.run("validate")
    assert result.code == 1 and "Traceback" not in result.err + result.out
    line = line_of(text, "0" * 50 if "amount" in new else "x-serial")
    assert f"projects/demo-project.yaml:{line}:" in result.out
    assert "error[number-too-large]" in result.out and "quote it" in result.out


# --- the ids of other files ------------------------------------------------------------------

# Ways to write a top-level entry, some of which hold text that looks like an `id:` line.
ENTRY_FORMS = [
    "{key}: {word}",
    '{key}: "{word}"',
    "{key}: '{word}'",
    "{key}:\n  {word}",
    '{key}: "first line\nid: {word}"',
    "{key}: 'first line\nid: {word}'",
    "{key}: |\n  a note\n  id: {word}",
    "{key}: >-\n  folded\n  id: {word}",
    "{key}: {{\nid: {word}}}",
    "{key}: [\nid: {word}]",
    '{key}: "first line\nid: {word}\n"',
    "{key}: 'first line\nid: {word}\n'",
    "{key}: [\nid: {word}\n]",
    "{key}: {word}  # id: {word}",
    "# id: {word}\n{key}: {word}",
    '"{key}": {word}',
    "'{key}': {word}",
    "{key}: [{word}]",
    "{key}: {{a: {word}}}",
    "{key}: &anchor {word}",
]
KEYS = st.sampled_from(["id", "name", "summary", "x-note", "team"])
WORDS = st.sampled_from(["a", "b", "support-assistant", "no", "1", "null", "~", "id"])


@given(
    entries=st.lists(st.tuples(KEYS, st.sampled_from(ENTRY_FORMS), WORDS), max_size=5),
    line_break=st.sampled_from(["\n", "\r\n"]),
)
@settings(max_examples=400, deadline=None)
def test_the_id_of_another_file_is_what_a_full_load_reads(entries, line_break):
    from kpictl.project.validate import declared_id
    from kpictl.yamlfile import load_bytes

    text = "\n".join(form.format(key=key, word=word) for key, form, word in entries) + "\n"
    raw = text.replace("\n", line_break).encode()
    doc, _ = load_bytes(raw, "x.yaml")
    with tempfile.TemporaryDirectory() as folder:
        file = Path(folder) / "x.yaml"
        file.write_bytes(raw)
        scanned = declared_id(file)
    if doc is not None:
        full = doc.data.get("id")
        assert scanned == (full if isinstance(full, str) else None), text
    else:
        assert scanned is None or "id" in text, text  # it may stop before a later error


def test_an_id_line_inside_a_note_is_no_duplicate(kpi_repo):
    kpi_repo.project("b")
    kpi_repo.project(
        "a",
        VALID_PROJECT.replace("id: demo-project", '"id": a').replace(
            "summary: A project used by the tests.",
            'summary: "Merged from the old tracker, whose entry read\nid: b\n"',
        ),
    )
    result = kpi_repo.run("validate", "projects/b.yaml")
    assert result.code == 0, result.out
    (kpi_repo.root / "projects" / "c.yaml").write_text(VALID_PROJECT.replace("demo-project", "b"))
    result = kpi_repo.run("validate", "projects/b.yaml")
    assert result.code == 1 and 'the id "b" is also used by projects/c.yaml' in result.out


@pytest.mark.parametrize("project_id", ["con", "nul", "aux", "prn", "com1", "com9", "lpt1", "lpt9"])
def test_an_id_windows_keeps_for_a_device_is_refused(kpi_repo, project_id):
    found = one(kpi_repo, VALID_PROJECT, project_id)
    assert (found["code"], found["line"], found["col"]) == ("invalid-value", 2, 5)
    assert found["message"].startswith(f'id "{project_id}" is a name Windows keeps for a device')
    assert f"such as {project_id}-project" in found["message"]


def test_ids_that_only_look_like_device_names_are_fine(kpi_repo):
    for project_id in ("con-assistant", "com10", "console", "lpt"):
        kpi_repo.project(project_id)
    assert kpi_repo.run("validate").code == 0


def test_no_message_shows_a_regular_expression(kpi_repo):
    text = VALID_PROJECT.replace("owner: lead@example.com", "owner: the lead").replace(
        "team: platform", "team: Platform Team\nlabels: [Bad Label]"
    )
    kpi_repo.project("demo-project", text.replace("labels: [internal]\n", ""))
    found = diagnostics(kpi_repo)
    assert len(found) == 3
    for finding in found:
        assert not any(mark in finding["message"] for mark in ("^", "(?!", "[^", "\\s", "$")), (
            finding
        )


def test_the_file_name_hint_suggests_only_a_valid_id(kpi_repo):
    for bad in ("Demo Project", "con", "a" * 65):
        kpi_repo.write("projects/other-name.yaml", VALID_PROJECT.replace("demo-project", bad))
        found = diagnostics(kpi_repo)
        assert [d["code"] for d in found if d["code"] == "file-name"] == [], bad
        assert any(d["line"] == 2 for d in found)
