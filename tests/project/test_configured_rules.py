"""The configured rules (validate only): gates, the clock, rates, and only what the schema
accepted."""

from __future__ import annotations

from datetime import datetime, timezone

from kpictl.project import configured_rules
from kpictl.project.validate import ProjectValidator
from tests.conftest import VALID_PROJECT
from tests.project.test_rules import CONFIG, codes, line_of, load


def test_a_gate_reads_a_missing_milestone_as_planned():
    import dataclasses

    from kpictl.config import Gate

    gate = Gate("go_decision", "planned", ("problem_statement",), "decide on a problem")
    config = dataclasses.replace(CONFIG, gates=(gate,))
    text = VALID_PROJECT.replace("  problem_statement: in_progress\n", "")
    found = [d.code for d in ProjectValidator(config).check(load(text))]
    assert found == ["gate"]


def test_the_configured_rules_use_the_clock_given():
    doc = load(
        VALID_PROJECT.replace(
            "  demo_ready: planned", "  demo_ready: {status: done, date: 2025-06-01}"
        )
    )
    before = datetime(2025, 5, 31, tzinfo=timezone.utc)
    after = datetime(2025, 6, 2, tzinfo=timezone.utc)
    assert [d.code for d in configured_rules.check_configured(doc, CONFIG, before)] == [
        "future-date"
    ]
    assert configured_rules.check_configured(doc, CONFIG, after) == []


def test_configured_rules_read_only_what_the_schema_accepted():
    text = VALID_PROJECT.replace(
        "  demo_ready: planned",
        "  demo_ready: planned\n  security_review: Done\n  launched: {status: done, x-a: 1}",
    ).replace("currency: USD", "currency: EUR, note: ''")
    found = ProjectValidator(CONFIG).check(load(text))
    # The typo and the empty note are findings of their own; neither a gate nor a missing rate
    # is worked out from an entry the schema refused.
    assert codes(found) == [
        ("invalid-value", line_of(text, "security_review")),
        ("invalid-value", line_of(text, "note: ''")),
    ]


def test_the_accepted_view_leaves_out_whole_entries_and_keeps_positions():
    view = configured_rules.accepted(
        {"milestones": {"a": "Done", "b": "done"}, "costs": [{"amount": "x"}, {}], "id": 1},
        [("milestones", "a"), ("costs", 0, "amount"), ("id",)],
    )
    assert view.data == {"milestones": {"b": "done"}, "costs": [None, {}]}
    assert view.left_out(("milestones", "a", "status"))
    assert not view.left_out(("milestones", "b"))


def test_a_cost_too_large_to_count_at_its_rate_is_an_error_at_its_amount():
    from dataclasses import replace

    # A rate beyond kpictl.yaml's bounds (they refuse it) would make the total infinite.
    config = replace(CONFIG, rates=(("EUR", 1e300),))
    text = VALID_PROJECT.replace("amount: 100, currency: USD", "amount: 1e12, currency: EUR")
    found = configured_rules.check_configured(load(text), config, datetime.now(timezone.utc))
    assert [str(d) for d in found] == [
        f"projects/demo-project.yaml:{line_of(text, 'amount')}:50: error[amount-too-large]: "
        "1000000000000.0 EUR at the rate in kpictl.yaml (1e+300 USD per EUR) is too large to "
        "count; correct the amount, or the rate under currency: rates: in kpictl.yaml"
    ]
    sane = replace(CONFIG, rates=(("EUR", 1e9),))
    assert configured_rules.check_configured(load(text), sane, datetime.now(timezone.utc)) == []


def test_a_refusal_elsewhere_leaves_the_configured_rules_running():
    text = (VALID_PROJECT + "colour: blue\nx-mine: {a: 1}\n").replace(
        "currency: USD", "currency: EUR"
    )
    found = ProjectValidator(CONFIG).check(load(text))
    assert sorted(codes(found)) == [
        ("no-rate", line_of(text, "currency: EUR")),
        ("unknown-key", line_of(text, "colour")),
    ]
