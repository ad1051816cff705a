"""`kpictl report` end to end, on real repositories whose commits land at known times."""

from __future__ import annotations

import csv
import io
import json

import pytest

from tests.conftest import run_kpictl
from tests.gitutil import HistoryRepo, git, project_yaml

A = "projects/alpha.yaml"
B = "projects/beta.yaml"


@pytest.fixture
def repo(tmp_path) -> HistoryRepo:
    repo = HistoryRepo(tmp_path / "kpis")
    repo.write({"kpictl.yaml": "currency: {reporting: USD, rates: {EUR: 1.5}}\n"})
    costs = (
        "costs:\n"
        "  - {item: Build, category: people, amount: 1000, currency: EUR, per: once}\n"
        "  - {item: API, category: inference, amount: 100, currency: USD, per: month}\n"
    )
    repo.commit(
        "2025-01-06T09:00:00+00:00",
        {A: project_yaml("alpha", "Alpha", team_assembled="in_progress") + costs},
    )
    repo.commit(
        "2025-01-16T21:00:00+00:00",
        {A: project_yaml("alpha", "Alpha", team_assembled="done") + costs},
    )
    repo.commit("2025-02-01T09:00:00+00:00", {B: project_yaml("beta", "<script>alert(1)</script>")})
    git(repo.path, "checkout", "-q", "-b", "go")
    repo.commit(
        "2025-02-10T09:00:00+00:00",
        {A: project_yaml("alpha", "Alpha", team_assembled="done", go_decision="done") + costs},
    )
    git(repo.path, "checkout", "-q", "main")
    repo.merge("go", "2025-03-01T12:00:00+00:00")
    launch = project_yaml(
        "alpha",
        "Alpha",
        team_assembled="done",
        go_decision="done",
        security_review="done",
        launched="done",
    )
    repo.commit("2025-06-29T12:00:00+00:00", {A: launch + costs})
    return repo


def report(repo: HistoryRepo, *args: str) -> dict:
    result = run_kpictl("report", "--format", "json", *args, cwd=repo.path)
    assert result.code == 0, result.err
    return json.loads(result.out)


def test_kpis_match_the_commit_times(repo):
    data = report(repo)
    assert data["as_of"] == "2025-06-29T12:00:00Z"  # the head commit's time by default
    assert data["currency"] == "USD"
    alpha = next(p for p in data["projects"] if p["id"] == "alpha")
    assert alpha["phase"] == "scale"
    team = alpha["kpis"]["time_to_assemble_team"]
    assert team == {
        "value": 10.5,
        "unit": "days",
        "status": "met",
        "target": 21,
        "from": "2025-01-06T09:00:00Z",
        "to": "2025-01-16T21:00:00Z",
        "commit": git(repo.path, "rev-parse", "HEAD~3").strip(),
    }
    launch = alpha["kpis"]["time_to_launch"]  # go decision landed with the merge on 1 March
    assert (launch["value"], launch["status"], launch["from"]) == (
        120.0,
        "met",
        "2025-03-01T12:00:00Z",
    )
    first = alpha["kpis"]["time_to_first_launch"]
    assert (first["value"], first["status"]) == (174.125, "met")  # as computed, not rounded
    cost = alpha["kpis"]["cost_per_additional_project"]
    # 1000 EUR at 1.5, plus 100 USD a month for 174.125 days
    assert cost["value"] == pytest.approx(1500 + 100 * 12 / 365.25 * 174.125, abs=0.01)
    assert cost["unit"] == "USD"
    beta = next(p for p in data["projects"] if p["id"] == "beta")
    # Running for 148 days against a target of 75: overdue.
    assert beta["kpis"]["time_to_demo"]["status"] == "overdue"
    assert beta["kpis"]["time_to_launch"]["status"] == "not_started"
    portfolio = data["portfolio"]
    summary = dict(portfolio["kpis"]["time_to_assemble_team"])
    assert summary.pop("overdue") == 1 and summary.pop("current")["status"] == "met"
    assert summary == {
        "n": 1,
        "median": 10.5,
        "p85": 10.5,
        "min": 10.5,
        "max": 10.5,
        "status": "met",
    }
    assert portfolio["kpis"]["time_to_launch"]["status"] == "met"
    assert portfolio["kpis"]["simple_update_lead_time"]["status"] == "no_data"
    assert portfolio["learning_curve"]["time_to_first_launch"]["n"] == 1
    assert portfolio["purgatory"] == [
        {
            "id": "beta",
            "team": "platform",
            "days_in_poc": 148.125,
            "kickoff_at": "2025-02-01T09:00:00Z",
        }
    ]
    assert portfolio["costs_by_category"]["people"] == 1500


def test_as_of_reads_history_up_to_that_date_and_is_byte_identical(repo):
    early = report(repo, "--as-of", "2025-02-05")
    assert early["as_of"] == "2025-02-05T23:59:59Z"  # a date includes the whole day
    assert early["head"] == git(repo.path, "rev-parse", "HEAD~2").strip()
    alpha = next(p for p in early["projects"] if p["id"] == "alpha")
    assert alpha["phase"] == "poc"
    assert alpha["kpis"]["time_to_launch"]["status"] == "not_started"
    that_day = report(repo, "--as-of", "2025-01-16")  # the 21:00 commit of that day counts
    assembled = next(p for p in that_day["projects"] if p["id"] == "alpha")["kpis"]
    assert assembled["time_to_assemble_team"]["status"] == "met"
    paris = report(repo, "--as-of", "2025-01-16T21:00:00+01:00")  # 20:00 UTC: not yet
    assembled = next(p for p in paris["projects"] if p["id"] == "alpha")["kpis"]
    assert assembled["time_to_assemble_team"]["status"] == "running"
    first = run_kpictl("report", "--format", "json", "--as-of", "2025-02-05", cwd=repo.path).out
    repo.commit(
        "2025-07-05T09:00:00+00:00", {B: project_yaml("beta", "Beta", team_assembled="done")}
    )
    again = run_kpictl("report", "--format", "json", "--as-of", "2025-02-05", cwd=repo.path).out
    assert first == again


def test_fail_on_missed_and_project_filter(repo):
    slow = "time_to_assemble_team:\n"
    repo.commit(
        "2025-07-01T09:00:00+00:00",
        {
            "kpictl.yaml": "currency: {rates: {EUR: 1.5}}\nkpis:\n"
            "  - {id: time_to_assemble_team, target: 5}\n"
        },
    )
    result = run_kpictl("report", "--project", "alpha", "--fail-on", "missed", cwd=repo.path)
    assert result.code == 1
    assert "alpha: time_to_assemble_team" in result.err
    assert "Portfolio" not in result.out and "beta" not in result.out
    assert slow.strip(":\n") in result.err
    ok = run_kpictl("report", "--project", "beta", "--fail-on", "missed", cwd=repo.path)
    assert ok.code == 0


def test_fail_on_overdue_is_its_own_check_and_the_json_says_overdue(repo):
    # beta's team has been assembling since 1 February: past the 21-day target, still running.
    data = report(repo, "--project", "beta")
    value = data["projects"][0]["kpis"]["time_to_assemble_team"]
    assert (value["status"], value["value"]) == ("overdue", 148.125)
    assert data["portfolio"]["kpis"]["time_to_assemble_team"]["overdue"] >= 1
    missed = run_kpictl("report", "--project", "beta", "--fail-on", "missed", cwd=repo.path)
    assert missed.code == 0  # overdue is not missed: --fail-on missed keeps its meaning
    overdue = run_kpictl("report", "--project", "beta", "--fail-on", "overdue", cwd=repo.path)
    assert overdue.code == 1
    assert "overdue" in overdue.err and "beta: time_to_assemble_team" in overdue.err
    assert "OVERDUE" in overdue.out
    both = run_kpictl(
        "report", "--fail-on", "missed", "--fail-on", "overdue", "--format", "csv", cwd=repo.path
    )
    assert both.code == 1 and ",overdue," in both.out


def test_the_json_says_where_each_project_stands_and_what_the_portfolio_spends(repo):
    data = report(repo)
    alpha = next(p for p in data["projects"] if p["id"] == "alpha")
    assert alpha["phase"] == "scale" and alpha["state"] == "launched"
    assert alpha["state_since"] == "2025-06-29T12:00:00Z" and alpha["days_in_state"] == 0.0
    assert alpha["milestones"] == {"done": 4, "skipped": 0, "total": 10}  # kickoff unwritten
    assert alpha["cost_to_date"] == pytest.approx(1500 + 100 * 12 / 365.25 * 174.125, abs=0.01)
    beta = next(p for p in data["projects"] if p["id"] == "beta")
    assert (beta["state"], beta["next_milestone"]) == ("poc", "team_assembled")
    assert [s["limit"] for s in beta["stuck"]] == ["poc_days", "stale_days"]
    portfolio = data["portfolio"]
    assert portfolio["states"] == {"poc": 1, "production": 0, "launched": 1, "archived": 0}
    assert portfolio["stuck"] == ["beta"]
    assert portfolio["spend"]["to_date"] == pytest.approx(alpha["cost_to_date"], abs=0.01)
    assert portfolio["spend"]["last_quarter"]["quarter"] == "2025-Q1"
    assert [q["partial"] for q in portfolio["spend"]["by_quarter"]] == [False, True]
    now = portfolio["kpis"]["time_to_assemble_team"]["current"]
    assert now["quarters"] == ["2024-Q2", "2024-Q3", "2024-Q4", "2025-Q1"]
    assert (now["n"], now["median"], now["status"]) == (1, 10.5, "met")


def test_a_cost_without_a_rate_leaves_only_its_project_unknown(repo):
    before = report(repo, "--as-of", "2025-07-01")
    swiss = (
        "costs:\n"
        "  - {item: Zurich team, category: people, amount: 5000, currency: CHF, per: once}\n"
        "  - {item: API, category: inference, amount: 100, currency: USD, per: month}\n"
    )
    repo.commit("2025-06-30T12:00:00+00:00", {"projects/gamma.yaml": project_yaml("gamma") + swiss})
    result = run_kpictl("report", "--format", "json", "--as-of", "2025-07-01", cwd=repo.path)
    assert result.code == 0, result.err
    warning = (
        "kpictl: warning: projects/gamma.yaml: costs in CHF have no conversion rate to USD, so "
        "this project's cost KPIs that include them are unknown and its cost totals leave them "
        "out; add `currency: {rates: {CHF: <USD per CHF>}}` to kpictl.yaml\n"
    )
    assert result.err == warning  # one warning for the project and currency
    data = json.loads(result.out)
    projects = {p["id"]: p for p in data["projects"]}
    gamma = projects["gamma"]
    note = (
        "costs in CHF have no conversion rate to USD; add "
        "`currency: {rates: {CHF: <USD per CHF>}}` to kpictl.yaml"
    )
    for kpi in ("cost_per_additional_project", "total_cost_of_ownership"):
        value = gamma["kpis"][kpi]
        assert (value["value"], value["status"], value["note"]) == (None, "unknown", note)
    assert gamma["kpis"]["time_to_demo"]["status"] == "running"  # the rest is computed
    # The USD cost from noon on 30 June to the end of 1 July (an --as-of date is the whole day).
    api_one_day = round(100 * 12 / 365.25 * (36 * 3600 - 1) / 86400, 2)
    assert gamma["costs_by_category"] == {"inference": api_one_day}  # the CHF cost left out
    old = {p["id"]: p for p in before["projects"]}
    assert projects["alpha"] == old["alpha"] and projects["beta"] == old["beta"]
    portfolio, was = data["portfolio"], before["portfolio"]
    assert portfolio["costs_by_category"]["people"] == was["costs_by_category"]["people"]
    assert portfolio["costs_by_category"]["inference"] == pytest.approx(
        was["costs_by_category"]["inference"] + api_one_day, abs=0.01
    )
    assert portfolio["kpis"]["total_cost_of_ownership"]["n"] == 1  # alpha only

    invalid = run_kpictl("validate", cwd=repo.path)
    assert invalid.code == 1  # at the cost's currency
    assert invalid.out.startswith("projects/gamma.yaml:9:67: error[no-rate]: ")
    built = run_kpictl("build", "--out", str(repo.path.parent / "site"), cwd=repo.path)
    assert built.code == 0 and warning in built.err
    page = (repo.path.parent / "site" / "projects" / "gamma.html").read_text(encoding="utf-8")
    assert "no conversion rate to USD" in page
    changed = run_kpictl("diff", "HEAD~1", "HEAD", cwd=repo.path)
    assert changed.code == 0, changed.err
    assert "**Warnings** (what this change leaves out" in changed.out
    assert "costs in CHF have no conversion rate to USD" in changed.out
    assert "projects/gamma.yaml: costs in CHF" in changed.out.replace("&#46;", ".")


def test_table_csv_and_markdown(repo):
    table = run_kpictl("report", cwd=repo.path)
    assert table.code == 0
    assert all(len(line) <= 100 for line in table.out.splitlines()), max(
        table.out.splitlines(), key=len
    )
    assert "Time to assemble the team (days)" in table.out and "met" in table.out
    rows = list(
        csv.DictReader(io.StringIO(run_kpictl("report", "--format", "csv", cwd=repo.path).out))
    )
    row = next(r for r in rows if r["project"] == "alpha" and r["kpi"] == "time_to_assemble_team")
    assert (row["value"], row["status"], row["from"]) == ("10.5", "met", "2025-01-06T09:00:00Z")
    markdown = run_kpictl("report", "--format", "markdown", cwd=repo.path).out
    assert "<script>" not in markdown
    assert "&#60;script&#62;alert&#40;1&#41;&#60;/script&#62;" in markdown


def test_group_by_team(repo):
    data = report(repo, "--group-by", "team")
    assert set(data["portfolio"]["groups"]["team"]) == {"platform"}


def test_an_as_of_date_ends_at_midnight_in_the_configured_time_zone(repo):
    repo.commit(
        "2025-07-01T09:00:00+00:00",
        {"kpictl.yaml": "timezone: Asia/Kolkata\ncurrency: {reporting: USD, rates: {EUR: 1.5}}\n"},
    )
    kolkata = report(repo, "--as-of", "2025-01-16")
    assert kolkata["as_of"] == "2025-01-16T18:29:59Z"  # 23:59:59 at +05:30
    alpha = next(p for p in kolkata["projects"] if p["id"] == "alpha")["kpis"]
    assert alpha["time_to_assemble_team"]["status"] == "running"  # 21:00 UTC is the 17th there
