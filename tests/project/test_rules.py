"""The validity policy's first tiers: content rules (validate and history), the landing rule
(history); the configured rules are in test_configured_rules.py."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from kpictl.config import default_config
from kpictl.project import rules
from kpictl.project.validate import ProjectValidator
from kpictl.yamlfile import load_bytes
from tests.conftest import VALID_PROJECT

CONFIG = default_config(Path("/nowhere"))


def load(text: str):
    doc, problems = load_bytes(text.encode(), "projects/demo-project.yaml")
    assert doc is not None, problems
    return doc


def codes(found) -> list[tuple[str, int]]:
    return [(d.code, d.line) for d in found]


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


DUPLICATE_UPDATES = VALID_PROJECT.replace(
    "  - {id: first-fix, kind: simple, status: requested}",
    "  - {id: first-fix, kind: simple, status: requested}\n"
    "  - {id: first-fix, kind: version, status: live}",
)
UNTIL_BEFORE_FROM = VALID_PROJECT.replace(
    "per: month}", "per: month, from: 2025-05-01, until: '2025-04-30T23:00:00+00:00'}"
)


@pytest.mark.parametrize(
    ("text", "code", "needle"),
    [
        (DUPLICATE_UPDATES, "duplicate-item", "kind: version"),
        (
            VALID_PROJECT.replace("  demo_ready: planned", "  demo_ready: {status: done, date: "),
            None,
            None,
        ),
        (
            VALID_PROJECT.replace(
                "  demo_ready: planned",
                "  demo_ready: {status: done, date: '9999-12-31T23:00:00-05:00'}",
            ),
            "invalid-date",
            "demo_ready",
        ),
        (
            VALID_PROJECT.replace(
                "  demo_ready: planned", "  demo_ready: {status: done, date: 2024-02-30}"
            ),
            "invalid-date",
            "demo_ready",
        ),
        (UNTIL_BEFORE_FROM, "invalid-date", "until"),
    ],
    ids=["duplicate-id", "not-yaml", "overflowing-date", "not-a-day", "until-before-from"],
)
def test_content_rules_find_the_same_error_in_validate_and_in_history(text, code, needle):
    doc, _ = load_bytes(text.encode(), "projects/demo-project.yaml")
    if code is None:
        assert doc is None  # the loader refuses it for both
        return
    assert doc is not None
    content = [d for d in rules.check_content(doc) if d.is_error]
    assert codes(content) == [(code, line_of(text, needle))]
    # validate (the catalog and configured rules on top) reports it at the same place ...
    assert codes(d for d in ProjectValidator(CONFIG).check(doc) if d.code == code) == codes(content)
    # ... and history's yes/no for the top-level key it is under agrees.
    key = max(
        (k for k in doc.data if doc.keys[(k,)].line <= content[0].line),
        key=lambda k: doc.keys[(k,)].line,
    )
    assert not rules.content_is_sound(key, doc.data[key])
    assert not ProjectValidator(None).part_is_sound(key, doc.data[key])


def test_a_warning_does_not_make_a_part_unsound():
    text = VALID_PROJECT.replace("per: month}", "per: once, until: 2025-01-01}")
    doc = load(text)
    assert codes(rules.check_content(doc)) == [("once-with-until", line_of(text, "per: once"))]
    assert rules.content_is_sound("costs", doc.data["costs"])


@pytest.mark.parametrize("zone_name", ["Pacific/Kiritimati", "UTC", "Pacific/Pago_Pago"])
def test_until_before_from_is_judged_by_the_days_written_whatever_the_zone(zone_name):
    import dataclasses

    config = dataclasses.replace(CONFIG, timezone=zone_name)
    same_day = VALID_PROJECT.replace(
        "per: month}", "per: month, from: 2025-05-01, until: '2025-05-01T01:00:00+05:00'}"
    )
    assert [d for d in ProjectValidator(config).check(load(same_day)) if d.is_error] == []
    found = [d.code for d in ProjectValidator(config).check(load(UNTIL_BEFORE_FROM))]
    assert found == ["invalid-date"]


def test_content_rules_read_neither_the_catalog_nor_the_clock():
    text = VALID_PROJECT.replace(
        "  demo_ready: planned",
        "  demo_ready: {status: done, date: 2999-01-01}\n  legal_review: done",
    ).replace("currency: USD", "currency: XYZ")
    doc = load(text)
    assert [d for d in ProjectValidator(None).check(doc) if d.is_error] == []
    found = {d.code for d in ProjectValidator(CONFIG).check(doc) if d.is_error}
    assert found == {"future-date", "unknown-milestone", "unknown-currency"}


def test_the_open_catalog_still_needs_names_of_the_right_shape():
    text = VALID_PROJECT.replace("  demo_ready: planned", "  Legal-Review: done").replace(
        "dev: in_progress", "Dev_1: in_progress"
    )
    found = ProjectValidator(None).check(load(text))
    assert codes(found) == [
        ("invalid-key", line_of(text, "Legal-Review")),
        ("invalid-key", line_of(text, "Dev_1")),
    ]
    assert "such as legal_review" in found[0].message and "hyphens" in found[1].message


def at(text: str) -> int:
    return int(datetime.fromisoformat(text).timestamp())


@pytest.mark.parametrize(
    ("declared", "landed", "refused"),
    [
        ("2025-03-01", "2025-03-01T00:00:00+00:00", False),
        # Already 2025-03-02 in Kiritimati (UTC+14) at 10:00 UTC: the day has begun somewhere.
        ("2025-03-02", "2025-03-01T10:00:00+00:00", False),
        ("2025-03-02", "2025-03-01T09:59:59+00:00", True),
        ("2030-01-01", "2025-06-01T00:00:00+00:00", True),
        ("'2025-03-01T12:00:00+00:00'", "2025-03-01T12:00:00+00:00", False),
        ("'2025-03-01T12:00:01+00:00'", "2025-03-01T12:00:00+00:00", True),
    ],
)
def test_a_declared_date_may_not_be_after_the_commit_that_landed_it(declared, landed, refused):
    doc = load(
        VALID_PROJECT.replace("dev: in_progress", f"dev: {{status: done, date: {declared}}}")
    )
    found = rules.declared_after_landing(doc.data, at(landed))
    assert (found is not None) == refused
    if found is not None:
        assert found.path == ("environments", "dev", "date")
        assert found.code == "date-after-landing" and "after the commit" in found.message
