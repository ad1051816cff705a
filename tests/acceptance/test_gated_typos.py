"""A status typo on a gated milestone is an invalid value at its line, exit 1, never a crash: the
configured rules (gates, rates, the catalog) read only what the schema accepted. And, as a
property: any one scalar of a valid project file replaced by any other scalar, or a small list
or mapping, never makes validate, projects, report --worktree or diff exit 3."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.acceptance.test_fuzz import at_most
from tests.conftest import run_kpictl
from tests.gitutil import HistoryRepo, git

# A custom gate: security_review may not start before legal_review (a milestone of its own).
CUSTOM_GATE = """\
milestones:
  - {id: legal_review, phase: production}
gates:
  - milestone: security_review
    status: in_progress
    requires: [legal_review]
    reason: legal signs off first
currency: {rates: {EUR: 1.1}}
"""
TYPOS = ["Done", "finished", "[done]", "yes", "''", "1", "{status: Done}", ""]


def gated_file(milestone: str, value: str) -> str:
    return (
        "schema_version: 1\n"
        "id: assistant\n"
        "name: Assistant\n"
        "team: platform\n"
        "owner: lead@example.com\n"
        "milestones:\n"
        "  kickoff: done\n"
        f"  {milestone}: {value}\n"
    )


@pytest.fixture
def repo(tmp_path) -> HistoryRepo:
    repo = HistoryRepo(tmp_path / "kpis")
    repo.commit(
        "2025-01-06T09:00:00+00:00",
        {"kpictl.yaml": "# defaults\n", "projects/assistant.yaml": gated_file("kickoff", "done")},
    )
    return repo


@pytest.mark.parametrize("typo", TYPOS)
@pytest.mark.parametrize(
    ("config", "milestone"), [("# defaults\n", "launched"), (CUSTOM_GATE, "security_review")]
)
def test_a_typo_on_a_gated_milestone_is_an_invalid_value_at_its_line(repo, config, milestone, typo):
    (repo.path / "kpictl.yaml").write_text(config)
    (repo.path / "projects/assistant.yaml").write_text(gated_file(milestone, typo))
    # The value's column (the status inside a mapping); just after the colon when it is missing.
    column = len(milestone) + (4 if typo == "" else 5 + (9 if typo.startswith("{") else 0))
    where = f"projects/assistant.yaml:8:{column}: error[invalid-value]: milestones.{milestone}"

    validated = run_kpictl("validate", cwd=repo.path)
    assert validated.code == 1, validated.err
    assert validated.out.startswith(where), validated.out
    assert "[gate]" not in validated.out
    assert validated.out.count("error[") == 1, validated.out

    listed = run_kpictl("projects", cwd=repo.path)
    assert listed.code == 1, listed.err
    assert listed.err.startswith(where), listed.err


def test_a_typo_on_the_milestone_a_gate_requires_is_not_also_a_gate_finding(repo):
    text = gated_file("launched", "done") + "  security_review: Done\n"
    (repo.path / "projects/assistant.yaml").write_text(text)
    validated = run_kpictl("validate", cwd=repo.path)
    assert validated.code == 1
    assert validated.out.splitlines()[0] == (
        "projects/assistant.yaml:9:20: error[invalid-value]: milestones.security_review is "
        "'Done', which is not one of: planned, in_progress, done, skipped "
        '(did you mean "done"?)'
    )
    assert "[gate]" not in validated.out


def test_the_gate_still_holds_when_the_statuses_are_valid(repo):
    (repo.path / "projects/assistant.yaml").write_text(gated_file("launched", "done"))
    validated = run_kpictl("validate", cwd=repo.path)
    assert validated.code == 1
    assert validated.out.startswith(
        "projects/assistant.yaml:8:13: error[gate]: launched is done but security_review is not "
        "done: a launch needs completed security and risk assessments."
    ), validated.out


def test_a_typo_landed_with_the_hook_skipped_is_refused_by_history_not_a_crash(repo):
    repo.commit(
        "2025-02-03T09:00:00+00:00", {"projects/assistant.yaml": gated_file("launched", "Done")}
    )
    for args in (("report",), ("diff", "HEAD~1", "HEAD"), ("history",)):
        result = run_kpictl(*args, cwd=repo.path)
        assert result.code == 0, (args, result.err)
        said = result.out + result.err
        assert "milestones.launched is 'Done'" in said, (args, said)


# --- the property: any one scalar, replaced by anything small --------------------------------

VALID: dict[str, Any] = {
    "schema_version": 1,
    "id": "demo-project",
    "name": "Demo project",
    "team": "platform",
    "owner": "lead@example.com",
    "summary": "A project used by the tests.",
    "labels": ["internal"],
    "roles": {"product_owner": "Ada Lovelace"},
    "milestones": {
        "kickoff": "done",
        "team_assembled": {"status": "done", "date": "2024-12-02", "note": "backfilled"},
        "security_review": "done",
        "legal_review": "done",
        "launched": "done",
    },
    "environments": {"dev": "done", "uat": "in_progress", "prod": "planned"},
    "feedback_rounds": [{"id": "beta-1", "status": "open", "participants": 4}],
    "updates": [{"id": "first-fix", "kind": "simple", "status": "requested"}],
    "costs": [
        {
            "item": "LLM API",
            "category": "inference",
            "amount": 100,
            "currency": "EUR",
            "per": "month",
            "from": "2024-12-01",
        }
    ],
    "links": [{"title": "Runbook", "url": "https://example.com/runbook"}],
}

# Plain scalars as people type them, and as YAML reads them in surprising ways.
PLAIN = [
    "Done", "finished", "yes", "no", "on", "''", '""', "~", "null", "true", "0", "1", "-1",
    "1e300", "1e-320", "-0.0", "0x1F", "0o17", ".inf", "-.inf", ".nan", "2024-02-30",
    "2024-13-01", "9999-12-31T23:59:59-05:00", "00:30", "1_000", "USD", "eur", "con",
    "done done", "[]", "{}", "[done]", "{status: Done}", "{status: done, date: 2030-01-01}",
    "[1, [2]]", "{a: {b: c}}",
]  # fmt: skip
SCALAR = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**15), 10**15),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=12),
)
SMALL = st.recursive(
    SCALAR,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=5,
)
REPLACEMENT = st.one_of(st.sampled_from(PLAIN), SMALL.map(json.dumps))

_PLAIN_SAFE = re.compile(r"^[A-Za-z][A-Za-z0-9 _.@/:-]*$")


def _scalar(value: Any) -> str:
    if isinstance(value, str) and _PLAIN_SAFE.match(value) and ": " not in value:
        return value
    return json.dumps(value)


def render(value: Any, indent: str = "") -> list[str]:
    """Block YAML with one scalar a line; a replacement (str in ``Raw``) is written as it is."""
    lines: list[str] = []
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, (dict, list)):
                lines.append(f"{indent}{key}:")
                lines.extend(render(item, indent + "  "))
            else:
                lines.append(f"{indent}{key}: {leaf(item)}")
    else:
        for item in value:
            inner = render(item, indent + "  ") if isinstance(item, dict) else None
            if inner:
                lines.append(f"{indent}- {inner[0].lstrip()}")
                lines.extend(inner[1:])
            else:
                lines.append(f"{indent}- {leaf(item)}")
    return lines


class Raw(str):
    """Text written into the file as it is."""


def leaf(value: Any) -> str:
    return str(value) if isinstance(value, Raw) else _scalar(value)


def leaves(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    if isinstance(value, dict):
        return [p for key, item in value.items() for p in leaves(item, (*path, key))]
    if isinstance(value, list):
        return [p for index, item in enumerate(value) for p in leaves(item, (*path, index))]
    return [path]


def replaced(path: tuple[Any, ...], text: str, base: dict[str, Any] = VALID) -> str:
    """``base`` as YAML, with the scalar at ``path`` written as ``text``."""
    data = json.loads(json.dumps(base))
    holder = data
    for part in path[:-1]:
        holder = holder[part]
    holder[path[-1]] = Raw(text)
    return "\n".join(render(data)) + "\n"


PATHS = leaves(VALID)
FILE = "projects/demo-project.yaml"
PROPERTY_CONFIG = "milestones:\n  - {id: legal_review, phase: production}\n" + (
    "gates:\n"
    "  - {milestone: launched, requires: [security_review, legal_review]}\n"
    "currency: {rates: {EUR: 1.1}}\n"
)


@pytest.fixture(scope="module")
def valid_repo(tmp_path_factory) -> HistoryRepo:
    repo = HistoryRepo(tmp_path_factory.mktemp("scalars") / "kpis")
    repo.commit(
        "2025-01-06T09:00:00+00:00",
        {"kpictl.yaml": PROPERTY_CONFIG, FILE: "\n".join(render(VALID)) + "\n"},
    )
    validated = run_kpictl("validate", cwd=repo.path)
    assert validated.code == 0, validated.out
    return repo


def no_crash(result: Any, args: list[str]) -> None:
    assert result.code != 3, (args, result.err)
    assert "Traceback" not in result.out + result.err, args


def test_the_valid_file_renders_as_the_one_validated():
    text = replaced(("name",), "Demo project")
    assert text == "\n".join(render(VALID)) + "\n"


@given(path=st.sampled_from(PATHS), text=REPLACEMENT, commit=st.booleans())
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_any_scalar_replaced_by_anything_small_never_crashes(valid_repo, path, text, commit):
    repo = valid_repo.path
    (repo / FILE).write_text(replaced(path, text), encoding="utf-8")
    try:
        with at_most(60):
            validated = run_kpictl("validate", cwd=repo)
            no_crash(validated, ["validate"])
            assert validated.code in (0, 1), validated.err
            for args in (["projects"], ["report", "--worktree"], ["diff", "main"]):
                no_crash(run_kpictl(*args, cwd=repo), args)
            if commit:  # landed with the hook skipped: history reads it
                valid_repo.commit("2025-02-03T09:00:00+00:00", message="scalar replaced")
                for args in (["report"], ["diff", "HEAD~1", "HEAD"]):
                    result = run_kpictl(*args, cwd=repo)
                    no_crash(result, args)
                    assert result.code == 0, (args, result.err)
    finally:
        first = git(repo, "rev-list", "--max-parents=0", "HEAD").strip()
        git(repo, "reset", "-q", "--hard", first)
