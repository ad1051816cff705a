"""Patching a revision from the one before gives exactly what a full parse gives."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kpictl.config import default_config
from kpictl.history.revision import _SIMPLE_LINE, RevisionParser
from tests.conftest import REPO

PARSER = RevisionParser(default_config(Path.cwd()))
EXAMPLES = [f.read_bytes() for f in sorted((REPO / "projects").rglob("*.yaml"))]
EXTRA = (
    b"x-summary: first\n  continues here\nx-note: plain\nx-list:\n  - a: b\n"
    b"x-text: |\n  kickoff: done\n"
)
TOKENS = [
    "done",
    "planned",
    "in_progress",
    "skipped",
    "live",
    "addressed",
    "12",
    "1.5",
    "true",
    "no",
    "2024-01-01",
    "2999-01-01",
    "x-y",
    "USD",
    "abc",
    "a@b.co",
    "null",
]


def full(raw: bytes):
    return PARSER.parse_next(raw, None)


@given(
    example=st.sampled_from(EXAMPLES),
    pick=st.integers(0, 1000),
    token=st.sampled_from(TOKENS),
    extra=st.booleans(),
)
@settings(max_examples=500, deadline=None)
def test_patching_agrees_with_a_full_parse(example, pick, token, extra):
    old = example + (EXTRA if extra else b"")
    parsed_old, known = full(old)
    assert known is not None and isinstance(parsed_old, dict)
    lines = old.decode().split("\n")
    candidates = [i for i, line in enumerate(lines) if _SIMPLE_LINE.fullmatch(line)]
    index = candidates[pick % len(candidates)]
    match = _SIMPLE_LINE.fullmatch(lines[index])
    lines[index] = f"{match[1]}{match[2]}: {token}{match[4] or ''}"
    new = "\n".join(lines).encode()
    patched, _ = PARSER.parse_next(new, known)
    assert patched == full(new)[0]


def test_a_one_line_status_change_is_patched_not_reparsed(monkeypatch):
    old = EXAMPLES[0]
    _, known = full(old)
    new = old.replace(b"  go_decision: planned", b"  go_decision: done", 1)
    assert new != old
    import kpictl.history.revision

    def no_full_parse(*args, **kwargs):
        raise AssertionError("the full parser ran")

    monkeypatch.setattr(kpictl.history.revision, "load_bytes", no_full_parse)
    patched, known_after = PARSER.parse_next(new, known)
    assert isinstance(patched, dict) and patched["milestones"]["go_decision"] == "done"
    assert known_after is not None
    # Untouched branches are shared with the previous revision, not copied.
    assert patched["costs"] is known.data["costs"]


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ((b"  go_decision: planned", b"  go_decision: finished"), "'finished'"),
        ((b"  go_decision: planned", b"  go_decision: [x"), "invalid YAML"),
    ],
)
def test_a_broken_next_revision_gets_the_full_parsers_reason(change, reason):
    old = EXAMPLES[0]
    _, known = full(old)
    parsed, _ = PARSER.parse_next(old.replace(*change, 1), known)
    assert isinstance(parsed, list) and reason in parsed[0]


REGION_EDITS = [
    ("environments:", "environments: {dev: done, uat: planned, prod: planned}"),
    ("feedback_rounds:", "feedback_rounds:\n  - {id: beta-9, status: open, participants: 3}"),
    (
        "updates:",
        "updates:\n  - {id: new-fix, kind: simple, status: requested}\n"
        "  - {id: v3, kind: version, status: live, version: '3.0'}",
    ),
    ("labels:", "labels: [a, b, c]"),
    ("labels:", "labels: [A, b]"),  # invalid: the full parse must explain it
    ("summary:", "summary: |\n  two\n  lines\n"),
    ("environments:", "environments: {dev: done, dev: planned}"),  # duplicate key
    ("costs:", "costs: []"),
]


@given(example=st.sampled_from(EXAMPLES), edit=st.sampled_from(REGION_EDITS), tail=st.booleans())
@settings(max_examples=300, deadline=None)
def test_reparsing_one_top_level_key_agrees_with_a_full_parse(example, edit, tail):
    old = example + (b"x-tail: 1\n" if tail else b"")
    _, known = full(old)
    lines = old.decode().split("\n")
    key, replacement = edit
    starts = [i for i, line in enumerate(lines) if line.startswith(key)]
    if not starts:
        return
    start = starts[0]
    end = next(
        (i for i in range(start + 1, len(lines)) if lines[i][:1] not in ("", " ", "#")), len(lines)
    )
    new = "\n".join([*lines[:start], *replacement.split("\n"), *lines[end:]]).encode()
    patched, after = PARSER.parse_next(new, known)
    assert patched == full(new)[0]
    if after is not None:  # what it leaves for the next revision is exact too
        _, fresh = full(new)
        assert fresh is not None
        assert after.scalar_lines == fresh.scalar_lines and after.regions == fresh.regions


def test_a_list_entry_added_reparses_only_its_key(monkeypatch):
    old = EXAMPLES[0]
    _, known = full(old)
    new = old.replace(b"updates: []", b"updates:\n  - {id: fix, kind: simple, status: requested}")
    assert new != old
    import kpictl.history.revision

    monkeypatch.setattr(
        kpictl.history.revision, "load_bytes", lambda *a, **k: pytest.fail("full parse")
    )
    patched, _ = PARSER.parse_next(new, known)
    assert isinstance(patched, dict) and patched["updates"][0]["id"] == "fix"
    assert patched["milestones"] is known.data["milestones"]
