"""Patching a revision from the one before gives exactly what a full parse gives."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kpictl.history.revision import (
    _SIMPLE_LINE,
    RevisionParser,
    refused_at_landing,
    refused_before,
)
from kpictl.project.rules import declared_after_landing
from tests.conftest import REPO

PARSER = RevisionParser()
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
    "1" * 5000,  # over the bound: the full parse refuses it at its line
    "1e999",
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
    assert known is not None and isinstance(parsed_old, tuple)
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
    assert isinstance(patched, tuple) and patched[0]["milestones"]["go_decision"] == "done"
    assert known_after is not None
    # Untouched branches are shared with the previous revision, not copied.
    assert patched[0]["costs"] is known.data["costs"]


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
    (  # duplicate ids: a content rule, checked on the one key reparsed
        "updates:",
        "updates:\n  - {id: a, kind: simple, status: live}\n"
        "  - {id: a, kind: version, status: requested}",
    ),
    (
        "costs:",
        "costs:\n  - {item: GPU, category: other, amount: 1, currency: USD, per: once}\n"
        "  - {item: GPU, category: other, amount: 2, currency: USD, per: once}",
    ),
    (  # declared dates move: their lines must follow
        "milestones:",
        "milestones:\n  kickoff: {status: done, date: 2024-01-02}\n  demo_ready:\n"
        "    status: done\n    date: '2024-03-05T10:00:00+01:00'",
    ),
    ("environments:", "environments:\n  dev: {status: done, date: 2024-02-30}"),
    ("environments:", "environments:\n  dev: {status: done, date: '9999-12-31T23:00:00-05:00'}"),
    ("roles:", "roles:\n  a: b\n  c: d\n  e: f"),  # lines after it shift
    ("milestones:", "milestones:\n  legal_review: done\n  kickoff: done"),  # any name
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
        assert after.dates == fresh.dates


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
    assert isinstance(patched, tuple) and patched[0]["updates"][0]["id"] == "fix"
    assert patched[0]["milestones"] is known.data["milestones"]


BLOCK_LIST = b"""schema_version: 1
id: a
name: A
team: t
owner: a@b.co
milestones:
  kickoff: done
updates:
  - id: first
    kind: simple
    status: live
  - id: second
    kind: simple
    status: requested
"""


def test_a_one_line_change_that_repeats_an_id_is_refused_at_its_line():
    _, known = full(BLOCK_LIST)
    assert known is not None
    parsed, _ = PARSER.parse_next(BLOCK_LIST.replace(b"id: second", b"id: first"), known)
    assert isinstance(parsed, list)
    assert parsed[0].startswith("line 12: [duplicate-item] ") and "line 9" in parsed[0]


def test_the_verdict_does_not_depend_on_the_catalog():
    # A milestone kpictl.yaml does not know (any more) is of the right shape: the revision is
    # valid (kpictl.yaml is not read: history caches the verdict by blob id).
    raw = BLOCK_LIST.replace(b"  kickoff: done", b"  kickoff: done\n  legal_review: done")
    parsed = PARSER.parse(raw)
    assert isinstance(parsed, tuple) and parsed[0]["milestones"]["legal_review"] == "done"
    assert isinstance(PARSER.parse(raw.replace(b"legal_review", b"Legal-Review")), list)


DECLARED = st.one_of(
    st.dates(min_value=date(1970, 1, 2), max_value=date(2100, 1, 1)).map(str),
    st.builds(
        lambda day, seconds, offset: (
            f"{day}T{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}{offset}"
        ),
        st.dates(min_value=date(1970, 1, 2), max_value=date(2100, 1, 1)),
        st.integers(0, 86399),
        st.sampled_from(["Z", "+14:00", "-12:00", "+05:30", "-03:30"]),
    ),
    st.sampled_from(["2024-02-30", "yesterday", "2024-01-01T10:00:00"]),  # the rule says why
)


@given(
    declared=st.lists(DECLARED, min_size=1, max_size=3),
    landed=st.integers(0, 4_200_000_000),
    near=st.integers(-60_000, 60_000),
)
@settings(max_examples=800, deadline=None)
def test_the_cached_landing_bound_agrees_with_the_landing_rule(declared, landed, near):
    names = ["kickoff", "go_decision", "launched"]
    steps = zip(names, declared, strict=False)
    data = {
        "milestones": {n: {"status": "done", "date": d} for n, d in steps},
        "environments": {"dev": "done"},
    }
    dates = {("milestones", n): 1 for n in names[: len(declared)]}
    bound = refused_before(data, dates)
    assert bound is not None
    for moment in (landed, bound + near, bound, bound - 1):
        if not 0 <= moment < 253_402_300_800:  # the rule's range: 1970 to 9999
            continue
        fast = refused_at_landing((data, dates, bound), moment)
        assert (fast is None) == (declared_after_landing(data, moment) is None), moment


def test_a_revision_without_declared_dates_has_no_landing_bound():
    parsed = PARSER.parse(EXAMPLES[0].replace(b"date:", b"x-date:"))
    assert isinstance(parsed, tuple) and parsed[2] is None
