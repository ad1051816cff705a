"""Value and return from a real git repository with known costs and benefits: exact to the
cent, the return to 0.0005 and payback to 0.01 day, per project and for the portfolio, as of a
given moment, in the report's JSON.

The expected figures are worked out here from the rules (a month accrues 12/365.25 of a year
per day; a rate converts; amounts settle from the latest revision), not read from kpictl.
"""

from __future__ import annotations

import json
from datetime import datetime

import pytest
from jsonschema import Draft202012Validator

from tests.conftest import REPO, run_kpictl
from tests.gitutil import HistoryRepo, project_yaml

AS_OF = "2024-12-31T00:00:00+00:00"
DAY = 86_400.0
MONTH_PER_DAY = 12 / 365.25


def at(text: str) -> float:
    return datetime.fromisoformat(text).timestamp()


def days(start: str, end: str = AS_OF) -> float:
    return (at(end) - at(start)) / DAY


ALPHA_COSTS = """\
costs:
  - {item: Build, category: people, amount: 12000, currency: USD, per: once, from: 2024-01-01}
  - {item: LLM API, category: inference, amount: 1000, currency: USD, per: month, from: 2024-01-01}
"""
ALPHA_ESTIMATE = """\
benefits:
  - {item: Tickets deflected, kind: savings, amount: 2500, currency: USD, per: month,
     from: 2024-02-01, basis: estimate}
"""
ALPHA_MEASURED = """\
benefits:
  - {item: Tickets deflected, kind: savings, amount: 3000, currency: USD, per: month,
     from: 2024-02-01, basis: measured, source: https://wiki.example.com/deflection}
"""
BETA = """\
costs:
  - {item: Team, category: people, amount: 3000, currency: USD, per: month, from: 2024-03-01}
benefits:
  - {item: Upsell, kind: revenue, amount: 10000, currency: EUR, per: once, from: 2024-09-01,
     basis: estimate}
  - {item: Licences saved, kind: avoided_cost, amount: 4000, currency: EUR, per: month,
     from: 2024-09-01, basis: measured, source: https://wiki.example.com/licences}
"""


@pytest.fixture(scope="module")
def repo(tmp_path_factory) -> HistoryRepo:
    repo = HistoryRepo(tmp_path_factory.mktemp("value") / "kpis")
    config = "currency: {reporting: USD, rates: {EUR: 1.1}}\n"
    repo.commit(
        "2024-01-01T00:00:00+00:00",
        {
            "kpictl.yaml": config,
            "projects/alpha.yaml": project_yaml("alpha", "Alpha") + ALPHA_COSTS + ALPHA_ESTIMATE,
            "projects/gamma.yaml": project_yaml("gamma", "Gamma") + ALPHA_COSTS,
        },
    )
    repo.commit(
        "2024-03-01T00:00:00+00:00",
        {"projects/beta.yaml": project_yaml("beta", "Beta") + BETA},
    )
    measured = repo.commit(
        "2024-06-01T12:00:00+00:00",
        {"projects/alpha.yaml": project_yaml("alpha", "Alpha") + ALPHA_COSTS + ALPHA_MEASURED},
        message="Alpha: deflection measured",
    )
    repo.measured = measured  # type: ignore[attr-defined]
    return repo


@pytest.fixture(scope="module")
def data(repo: HistoryRepo) -> dict:
    result = run_kpictl("report", "--format", "json", "--as-of", AS_OF, cwd=repo.path)
    assert result.code == 0, result.err
    return json.loads(result.out)


def expected() -> dict[str, dict[str, float]]:
    alpha_cost = 12000 + 1000 * MONTH_PER_DAY * days("2024-01-01T00:00:00+00:00")
    # Settled from the latest revision: 3,000 a month since February, all of it measured.
    alpha_value = 3000 * MONTH_PER_DAY * days("2024-02-01T00:00:00+00:00")
    # 12,000 + 1,000/month·d = 3,000/month·(d − 31 days): the day value reaches cost.
    alpha_payback = (12000 + 3000 * MONTH_PER_DAY * 31) / (2000 * MONTH_PER_DAY)
    beta_cost = 3000 * MONTH_PER_DAY * days("2024-03-01T00:00:00+00:00")
    beta_measured = 4000 * 1.1 * MONTH_PER_DAY * days("2024-09-01T00:00:00+00:00")
    beta_value = 10000 * 1.1 + beta_measured
    gain = (4400 - 3000) * MONTH_PER_DAY  # a day, from the as-of date on
    beta_projected = at(AS_OF) + (beta_cost - beta_value) / gain * DAY
    gamma_cost = alpha_cost
    return {
        "alpha": {
            "to_date": alpha_value,
            "measured": alpha_value,
            "cost": alpha_cost,
            "payback": alpha_payback,
        },
        "beta": {
            "to_date": beta_value,
            "measured": beta_measured,
            "cost": beta_cost,
            "projected": beta_projected,
        },
        "gamma": {"cost": gamma_cost},
    }


def test_each_project_value_net_return_and_payback_are_exact(data, repo):
    want = expected()
    projects = {p["id"]: p for p in data["projects"]}
    for pid in ("alpha", "beta"):
        v, w = projects[pid]["value"], want[pid]
        assert v["to_date"] == pytest.approx(w["to_date"], abs=0.005)
        assert v["measured"] == pytest.approx(w["measured"], abs=0.005)
        assert v["cost_to_date"] == pytest.approx(w["cost"], abs=0.005)
        assert v["net"] == pytest.approx(w["to_date"] - w["cost"], abs=0.01)
        roi = (w["to_date"] - w["cost"]) / w["cost"]
        assert v["roi"] == pytest.approx(roi, abs=0.0005)
        kpis = projects[pid]["kpis"]
        assert kpis["value_to_date"]["value"] == pytest.approx(w["to_date"], abs=0.005)
        assert kpis["net_value"]["value"] == pytest.approx(w["to_date"] - w["cost"], abs=0.01)
        assert kpis["return_on_investment"]["value"] == pytest.approx(roi, abs=0.0005)
        assert kpis["return_on_investment"]["unit"] == "ratio"
    alpha, beta = projects["alpha"], projects["beta"]
    payback = alpha["kpis"]["payback_time"]
    assert payback["status"] == "measured"
    assert payback["value"] == pytest.approx(want["alpha"]["payback"], abs=0.01)
    assert alpha["value"]["measured_share"] == 1.0
    assert beta["value"]["measured_share"] == pytest.approx(
        want["beta"]["measured"] / want["beta"]["to_date"], abs=0.0005
    )
    # Not paid back: running, since its start, with the day the current rates reach cost.
    running = beta["kpis"]["payback_time"]
    assert running["status"] == "running" and beta["value"]["paid_back_at"] is None
    assert running["value"] == pytest.approx(days("2024-03-01T00:00:00+00:00"), abs=0.01)
    projected = at(beta["value"]["projected_payback_at"])
    assert abs(projected - want["beta"]["projected"]) <= 0.01 * DAY
    assert at(running["projected_at"]) == projected


def test_the_landing_that_made_a_benefit_a_measurement_is_dated_with_its_commit(data, repo):
    alpha = next(p for p in data["projects"] if p["id"] == "alpha")
    assert alpha["value"]["measurements"] == [
        {"item": "Tickets deflected", "at": "2024-06-01T12:00:00Z", "commit": repo.measured}
    ]


def test_a_project_without_benefits_has_value_unknown_never_zero(data):
    gamma = next(p for p in data["projects"] if p["id"] == "gamma")
    assert gamma["value"]["to_date"] is None
    assert gamma["value"]["note"] == "no benefits recorded"
    for kpi in ("value_to_date", "net_value", "return_on_investment", "payback_time"):
        assert gamma["kpis"][kpi]["status"] == "unknown"
        assert gamma["kpis"][kpi]["value"] is None
        assert gamma["kpis"][kpi]["note"] == "no benefits recorded"


def test_the_portfolio_value_is_exact_and_its_return_pooled(data):
    want = expected()
    value = data["portfolio"]["value"]
    total = want["alpha"]["to_date"] + want["beta"]["to_date"]
    measured = want["alpha"]["measured"] + want["beta"]["measured"]
    cost = want["alpha"]["cost"] + want["beta"]["cost"] + want["gamma"]["cost"]
    assert value["to_date"] == pytest.approx(total, abs=0.01)
    assert value["measured_to_date"] == pytest.approx(measured, abs=0.01)
    assert value["cost_to_date"] == pytest.approx(cost, abs=0.01)
    assert value["roi"] == pytest.approx((total - cost) / cost, abs=0.0005)
    assert value["paid_back"] == ["alpha"]
    # Quarter by quarter as spend: they add up to the total; the last quarter is the last full.
    quarters = value["by_quarter"]
    assert [q["quarter"] for q in quarters] == ["2024-Q1", "2024-Q2", "2024-Q3", "2024-Q4"]
    assert sum(q["total"] for q in quarters) == pytest.approx(total, abs=0.05)
    q3 = 3000 * MONTH_PER_DAY * 92 + 10000 * 1.1 + 4400 * MONTH_PER_DAY * 30
    assert quarters[2]["total"] == pytest.approx(q3, abs=0.01)
    assert value["last_quarter"] == {"quarter": "2024-Q3", "amount": quarters[2]["total"]}
    assert quarters[-1]["partial"] is True


def test_value_by_team_with_group_by(repo):
    result = run_kpictl(
        "report", "--format", "json", "--as-of", AS_OF, "--group-by", "team", cwd=repo.path
    )
    value = json.loads(result.out)["portfolio"]["value"]
    platform = value["groups"]["team"]["platform"]
    assert platform["to_date"] == value["to_date"]
    assert platform["roi"] == value["roi"]
    table = run_kpictl("report", "--as-of", AS_OF, "--group-by", "team", cwd=repo.path).out
    group = table.split("\nTeam platform\n", 1)[1].split("\n\n", 1)[0]
    assert f"Value: {value['to_date']:,.0f} USD to date" in group
    assert f"return {value['roi'] * 100:,.1f}%" in group


def test_the_json_holds_to_its_schema(data):
    schema = json.loads((REPO / "docs/reference/report.schema.json").read_text(encoding="utf-8"))
    assert list(Draft202012Validator(schema).iter_errors(data)) == []


def test_history_dates_the_measurement_like_a_milestone(repo):
    result = run_kpictl("history", "--format", "json", "alpha", cwd=repo.path)
    assert result.code == 0, result.err
    data = json.loads(result.out)
    (benefit,) = data["projects"][0]["benefits"]
    assert (benefit["basis"], benefit["measured_at"], benefit["measured_commit"]) == (
        "measured",
        "2024-06-01T12:00:00Z",
        repo.measured,
    )
    assert benefit["added_at"] == "2024-01-01T00:00:00Z"
    schema = json.loads((REPO / "docs/reference/history.schema.json").read_text(encoding="utf-8"))
    assert list(Draft202012Validator(schema).iter_errors(data)) == []
