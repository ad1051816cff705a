"""A conversion rate in kpictl.yaml is a positive, finite number from 0.000000001 to
1,000,000,000: anything else is a configuration error at its line and column (exit 2), never a
report holding Infinity or a real cost turned into 0."""

from __future__ import annotations

import json

import pytest

from tests.conftest import run_kpictl
from tests.gitutil import HistoryRepo, project_yaml

EURO_COST = "costs:\n  - {item: Build, category: people, amount: 1000, currency: EUR, per: once}\n"


@pytest.fixture
def repo(tmp_path) -> HistoryRepo:
    repo = HistoryRepo(tmp_path / "kpis")
    repo.commit(
        "2025-01-06T09:00:00+00:00",
        {
            "kpictl.yaml": "currency:\n  rates: {EUR: 1.1}\n",
            "projects/a.yaml": project_yaml("a", "A") + EURO_COST,
        },
    )
    return repo


@pytest.mark.parametrize("rate", ["1e300", "1e-320", "0", "-1", "2000000000", "0.0000000001"])
def test_a_rate_out_of_bounds_is_a_configuration_error_at_its_place(repo, rate):
    (repo.path / "kpictl.yaml").write_text(f"currency:\n  rates: {{EUR: {rate}}}\n")
    for args in (["validate"], ["report", "--worktree"], ["projects"]):
        result = run_kpictl(*args, cwd=repo.path)
        assert result.code == 2, (args, result.err)
        assert result.err.startswith(
            "kpictl: kpictl.yaml:2:16: error[invalid-value]: currency.rates.EUR is "
        ), result.err
        assert result.err.rstrip().endswith(
            "outside the rates kpictl takes (0.000000001 to 1,000,000,000); a rate is how many "
            "units of the reporting currency one EUR is worth, so write the real rate"
        ), result.err
        assert result.out == ""


@pytest.mark.parametrize("rate", ["1e9", "0.000000001", "1", "150.5"])
def test_a_rate_within_bounds_counts(repo, rate):
    (repo.path / "kpictl.yaml").write_text(f"currency:\n  rates: {{EUR: {rate}}}\n")
    assert run_kpictl("validate", cwd=repo.path).code == 0
    result = run_kpictl("report", "--worktree", "--format", "json", cwd=repo.path)
    assert result.code == 0, result.err
    assert "Infinity" not in result.out
    costs = json.loads(result.out)["portfolio"]["costs_by_category"]["people"]
    assert costs == pytest.approx(1000 * float(rate), abs=0.01)  # shown to the cent


def test_a_committed_rate_out_of_bounds_is_an_error_naming_the_committed_file(repo):
    repo.commit("2025-01-08T09:00:00+00:00", {"kpictl.yaml": "currency: {rates: {EUR: 1e300}}\n"})
    (repo.path / "kpictl.yaml").write_text("currency: {rates: {EUR: 1.1}}\n")  # fixed, uncommitted
    result = run_kpictl("report", "--format", "json", cwd=repo.path)
    assert result.code == 2
    assert "kpictl.yaml:1:25: error[invalid-value]: currency.rates.EUR is 1e+300" in result.err
    assert "(the kpictl.yaml committed in the last commit;" in result.err
    assert result.out == ""


def test_a_projection_beyond_a_century_is_a_configuration_error(repo):
    (repo.path / "kpictl.yaml").write_text(
        "kpis:\n  - id: total_cost_of_ownership\n"
        "    measure: {type: tco, projection_years: 1e300}\n"
    )
    result = run_kpictl("validate", cwd=repo.path)
    assert result.code == 2
    assert result.err == (
        "kpictl: kpictl.yaml:3:44: error[invalid-value]: kpis[0].measure.projection_years is "
        "1e+300; it must be at most 100\n"
    )
