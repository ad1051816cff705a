"""`publish: {value: ...}` withholds benefits as `costs` withholds costs, and net value, return
and payback (which reveal one from the other) appear only where both are published."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import run_kpictl
from tests.gitutil import HistoryRepo, project_yaml
from tests.site.test_publish import everything

ITEM = "Zephyr Deflection Savings"
AMOUNT = 123456
RETURNS = {"net_value", "return_on_investment", "payback_time"}


@pytest.fixture(scope="module")
def repo(tmp_path_factory) -> HistoryRepo:
    repo = HistoryRepo(tmp_path_factory.mktemp("publish-value") / "kpis")
    text = (
        project_yaml("alpha", "Alpha")
        + "costs:\n  - {item: Build, category: people, amount: 1000, currency: USD, per: once}\n"
        + f"benefits:\n  - {{item: {ITEM}, kind: savings, amount: {AMOUNT}, currency: USD, "
        "per: once, basis: measured, source: https://wiki.example.com/zephyr}\n"
    )
    repo.commit("2025-01-06T09:00:00+00:00", {"projects/alpha.yaml": text})
    return repo


def build(repo: HistoryRepo, tmp_path: Path, publish: str) -> tuple[str, dict]:
    repo.commit("2025-01-07T09:00:00+00:00", {"kpictl.yaml": publish})
    out = tmp_path / "site"
    result = run_kpictl("build", "--out", str(out), "--as-of", "2025-03-01", cwd=repo.path)
    assert result.code == 0, result.err
    return everything(out), json.loads((out / "kpis.json").read_text(encoding="utf-8"))


def test_by_default_value_and_return_are_published(repo, tmp_path):
    text, data = build(repo, tmp_path, "# defaults\n")
    assert ITEM in text and "wiki.example.com/zephyr" in text
    value = data["projects"][0]["value"]
    assert value["to_date"] == AMOUNT and value["roi"] == round((AMOUNT - 1000) / 1000, 4)
    assert {k["id"] for k in data["catalog"]} >= RETURNS
    assert data["portfolio"]["value"]["roi"] == value["roi"]
    assert "paid back" in text


def test_value_totals_withholds_the_line_items(repo, tmp_path):
    text, data = build(repo, tmp_path, "publish: {value: totals}\n")
    assert ITEM not in text and "zephyr" not in text
    assert data["projects"][0]["value"]["to_date"] == AMOUNT
    assert data["projects"][0]["value"]["measurements"] == []


def test_value_false_withholds_every_benefit_figure(repo, tmp_path):
    text, data = build(repo, tmp_path, "publish: {value: false}\n")
    for withheld in (ITEM, "123,456", "123456", "$123k", "zephyr", "paid back"):
        assert withheld not in text, withheld
    assert "value" not in data["projects"][0] and "value" not in data["portfolio"]
    assert not {k["id"] for k in data["catalog"]} & {"value_to_date", *RETURNS}


def test_costs_false_keeps_value_but_not_what_reveals_costs(repo, tmp_path):
    text, data = build(repo, tmp_path, "publish: {costs: false}\n")
    value = data["projects"][0]["value"]
    assert value["to_date"] == AMOUNT
    assert (value["cost_to_date"], value["net"], value["roi"], value["paid_back_at"]) == (
        None,
        None,
        None,
        None,
    )
    assert not {k["id"] for k in data["catalog"]} & RETURNS
    assert data["portfolio"]["value"]["roi"] is None
    assert data["portfolio"]["value"]["cost_to_date"] is None
    for withheld in ("paid back", "Return on investment", "122,456", "$122k"):
        assert withheld not in text, withheld
