"""`benefits:` in a project file: its shape, its rules, and findings at the offending line."""

from __future__ import annotations

import json

import pytest

from tests.conftest import VALID_PROJECT

BENEFITS = """\
benefits:
  - {item: Tickets deflected, kind: savings, amount: 20000, currency: USD, per: month,
     from: 2024-04-01, basis: measured, source: https://wiki.example.com/deflection}
  - {item: Upsell revenue, kind: revenue, amount: 10000, currency: USD, per: once,
     from: 2024-09-01, basis: estimate}
"""


def findings(kpi_repo, text):
    kpi_repo.project("demo-project", text)
    result = kpi_repo.run("validate", "--format", "json")
    return result.code, json.loads(result.out)["diagnostics"]


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def test_benefits_shaped_like_costs_are_valid(kpi_repo):
    code, found = findings(kpi_repo, VALID_PROJECT + BENEFITS)
    assert (code, found) == (0, [])


@pytest.mark.parametrize(
    ("entry", "code", "words"),
    [
        ("kind: gift", "invalid-value", ["savings, revenue, avoided_cost, other"]),
        ("basis: guess", "invalid-value", ["estimate, measured"]),
        ("per: week", "invalid-value", ["once, month, year"]),
        ("amount: -5", "invalid-value", ["at least 0"]),
        ("amount: 1e13", "invalid-value", ["1000000000000"]),
        ("source: ftp://x", "invalid-format", []),
        ("colour: red", "unknown-key", ["colour"]),
    ],
)
def test_a_wrong_benefit_is_an_error_at_its_line(kpi_repo, entry, code, words):
    key = entry.split(":")[0]
    base = "{item: Odd, kind: other, amount: 5, currency: USD, per: once, basis: estimate}"
    fields = dict(part.split(": ", 1) for part in base[1:-1].split(", "))
    fields[key] = entry.split(": ", 1)[1]
    row = "{" + ", ".join(f"{k}: {v}" for k, v in fields.items()) + "}"
    text = VALID_PROJECT + f"benefits:\n  - {row}\n"
    status, found = findings(kpi_repo, text)
    assert status == 1
    assert [f["code"] for f in found] == [code], found
    assert found[0]["line"] == line_of(text, "item: Odd")
    assert all(w in found[0]["message"] for w in words), found[0]["message"]


def test_a_benefit_item_is_unique_within_its_project(kpi_repo):
    text = VALID_PROJECT + BENEFITS.replace("Upsell revenue", "Tickets deflected")
    status, found = findings(kpi_repo, text)
    assert status == 1
    assert [f["code"] for f in found] == ["duplicate-item"]
    assert found[0]["line"] == line_of(text, "kind: revenue")


def test_until_before_from_is_an_error_and_a_measurement_without_source_a_warning(kpi_repo):
    text = VALID_PROJECT + BENEFITS.replace(
        "from: 2024-04-01, basis: measured, source: https://wiki.example.com/deflection",
        "from: 2024-04-01, until: 2024-03-01, basis: measured",
    )
    status, found = findings(kpi_repo, text)
    assert status == 1
    assert sorted((f["code"], f["severity"]) for f in found) == [
        ("invalid-date", "error"),
        ("measured-without-source", "warning"),
    ]


def test_a_benefit_currency_needs_a_rate(kpi_repo):
    text = VALID_PROJECT + BENEFITS.replace("currency: USD, per: once", "currency: CHF, per: once")
    status, found = findings(kpi_repo, text)
    assert status == 1
    assert [f["code"] for f in found] == ["no-rate"]
    assert "write the benefit in USD" in found[0]["message"]
    assert found[0]["line"] == line_of(text, "CHF")


def test_kpictl_new_writes_a_commented_example_that_validates_when_uncommented(kpi_repo):
    kpi_repo.run("new", "fresh", "--team", "platform", "--owner", "a@example.com")
    path = kpi_repo.root / "projects" / "fresh.yaml"
    text = path.read_text(encoding="utf-8")
    assert "benefits: []" in text and "basis: estimate" in text
    lines = text.replace("benefits: []", "benefits:").splitlines()
    start = lines.index("benefits:")
    lines[start + 1 :] = [line.replace("#", " ", 1) for line in lines[start + 1 :]]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = kpi_repo.run("validate", "--format", "json")
    assert result.code == 0 and json.loads(result.out)["diagnostics"] == [], result
