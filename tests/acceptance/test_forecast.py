"""`kpictl forecast` and the forecasts in `kpictl report`, over real git repositories whose stage
durations are drawn from known distributions (slow projects still running at every as-of)."""

from __future__ import annotations

import json
import math

import pytest

from kpictl.config import load_config
from kpictl.dates import DAY
from kpictl.pipeline import compute_as_of
from tests.conftest import run_kpictl
from tests.gitutil import HistoryRepo, git, project_yaml
from tests.portfoliosim import T0, simulate, write_repository

LAUNCHED = {
    "kickoff": "done",
    "go_decision": "done",
    "production_data_connected": "done",
    "evaluation_suite": "done",
    "ui_finalized": "done",
    "security_review": "done",
    "launched": "done",
}
UNTIL = T0 + 1000 * DAY


@pytest.fixture(scope="module")
def simulated(tmp_path_factory):
    projects = simulate(300, seed=5)
    repo = write_repository(projects, tmp_path_factory.mktemp("sim") / "kpis", until=UNTIL)
    return projects, repo


def test_the_backtest_finds_launches_landing_by_p50_and_p85_as_often_as_they_say(simulated):
    projects, repo = simulated
    result = run_kpictl("forecast", "--backtest", "--format", "json", cwd=repo)
    assert result.code == 0, result.err
    scores = json.loads(result.out)
    overall = scores["all"]
    assert len(scores["month_ends"]) == 32 and overall["scored_p85"] > 500
    # One project is forecast at several month-ends, so its forecasts are not independent: the
    # sampling noise is taken from the projects that launched by the as-of date, at three
    # standard errors.
    launched = sum(1 for p in projects if p.launch <= UNTIL and p.archived_at is None)
    noise50 = 3 * math.sqrt(0.5 * 0.5 / launched)
    noise85 = 3 * math.sqrt(0.85 * 0.15 / launched)
    assert abs(overall["landed_by_p50"] - 0.50) <= noise50, overall
    assert abs(overall["landed_by_p85"] - 0.85) <= noise85, overall
    assert overall["median_abs_error_days"] > 0
    near = scores["horizons"][0]
    assert near["horizon"] == "within 90 days" and near["scored_p85"] > 200
    assert abs(near["landed_by_p85"] - 0.85) <= 2 * noise85, near
    assert scores["abandoned"] > 0  # archived without launching: counted apart, not scored
    chance = scores["p_launch"]
    assert chance["scored"] > 500 and chance["brier"] < 0.1, chance  # 95% launch: 0.05 is chance
    assert sum(r["forecasts"] for r in chance["reliability"]) == chance["scored"]
    top = chance["reliability"][-1]
    assert top["from"] == 0.9 and abs(top["launched"] - top["mean_p_launch"]) < 0.1, top
    quarters = scores["quarters"]
    assert quarters["held_at_least_85"] >= 0.8 * quarters["scored"] > 50, quarters
    text = run_kpictl("forecast", "--backtest", cwd=repo)
    assert "landed by p85" in text.out and "within 90 days" in text.out
    assert "Brier score" in text.out and "count reached with 85% confidence" in text.out


def test_report_json_carries_each_running_projects_forecast_and_the_quarters(simulated):
    _, repo = simulated
    result = run_kpictl("report", "--format", "json", cwd=repo)
    assert result.code == 0, result.err
    data = json.loads(result.out)
    running = [p for p in data["projects"] if p["phase"] != "scale" and not p["archived"]]
    assert running and all(p["forecast"] is None for p in data["projects"] if p not in running)
    dated = [p["forecast"] for p in running if p["forecast"]["p50"] is not None]
    assert len(dated) > len(running) // 2
    f = dated[0]
    assert list(f) == [
        "milestone",
        "p50",
        "p85",
        "not_before",
        "p_launch",
        "past_p85",
        "next",
        "basis",
        "reason",
    ]
    assert f["not_before"] is None and 0 < f["p_launch"] <= 1
    assert f["past_p85"] in (True, False)
    assert f["milestone"] == "launched" and f["basis"] >= 5
    assert f["p50"] <= f["p85"] and f["p50"].endswith("Z") and f["p50"] > data["as_of"]
    assert set(f["next"]) == {"milestone", "p50", "p85"}
    quarters = data["portfolio"]["launches_expected"]
    assert [q["quarter"] for q in quarters] == [
        "2025-Q3",
        "2025-Q4",
        "2026-Q1",
        "2026-Q2",
        "2026-Q3",
    ]
    assert quarters[0]["from"] == data["as_of"]
    for q in quarters:
        assert 0 <= q["at_least_with_85pct_confidence"] <= q["median"]
    assert quarters[1]["median"] > 0
    csv = run_kpictl("report", "--format", "csv", cwd=repo).out
    assert ",forecast:launched:p50," in csv and ",forecast:launched:p85," in csv
    markdown = run_kpictl("report", "--format", "markdown", cwd=repo).out
    assert "## Launches expected" in markdown and "Launch forecast: launched p50" in markdown
    table = run_kpictl("report", cwd=repo).out
    assert "Launches expected per quarter, median (at least, with 85% confidence)" in table


def test_the_same_commit_and_as_of_give_the_same_forecast(simulated):
    _, repo = simulated
    first = run_kpictl("forecast", "--format", "json", "--as-of", "2025-03-31", cwd=repo)
    again = run_kpictl("forecast", "--format", "json", "--as-of", "2025-03-31", cwd=repo)
    assert first.code == 0 and first.out == again.out
    assert json.loads(first.out)["as_of"] == "2025-03-31T23:59:59Z"


def _running_repo(tmp_path, launched: int) -> HistoryRepo:
    """``launched`` projects that took a month to the go decision and a month to launch, and
    one project in production."""
    repo = HistoryRepo(tmp_path / "kpis")
    repo.commit("2024-01-01T09:00:00+00:00", {"kpictl.yaml": "# defaults\n"})
    for i in range(launched):
        pid = f"done-{i}"
        path = f"projects/{pid}.yaml"
        repo.commit(f"2024-02-{i + 1:02d}T09:00:00+00:00", {path: project_yaml(pid)})
        go = {"kickoff": "done", "go_decision": "done"}
        repo.commit(f"2024-03-{i + 1:02d}T09:00:00+00:00", {path: project_yaml(pid, **go)})
        repo.commit(
            f"2024-04-{i + 1:02d}T09:00:00+00:00",
            {path: project_yaml(pid, **LAUNCHED)},
        )
    running = {"kickoff": "done", "go_decision": "done"}
    repo.commit("2024-05-01T09:00:00+00:00", {"projects/new.yaml": project_yaml("new")})
    repo.commit("2024-05-02T09:00:00+00:00", {"projects/new.yaml": project_yaml("new", **running)})
    return repo


def test_with_fewer_projects_than_the_minimum_there_is_no_forecast_but_a_reason(tmp_path):
    repo = _running_repo(tmp_path, launched=3)
    result = run_kpictl("report", "--format", "json", cwd=repo.path)
    forecast = next(p for p in json.loads(result.out)["projects"] if p["id"] == "new")["forecast"]
    assert forecast["p50"] is None and forecast["p85"] is None and forecast["basis"] == 3
    assert forecast["reason"].startswith("too little history: 3 projects completed")
    text = run_kpictl("forecast", cwd=repo.path).out
    assert "new (production): launched: no forecast; too little history" in text
    (repo.path / "kpictl.yaml").write_text("forecast: {enabled: false}\n", encoding="utf-8")
    off = json.loads(run_kpictl("report", "--format", "json", "--worktree", cwd=repo.path).out)
    assert "forecast" not in off["projects"][0] and "launches_expected" not in off["portfolio"]
    assert "no forecast" in run_kpictl("forecast", cwd=repo.path).out  # asked for by name


def test_a_change_that_does_not_touch_a_projects_history_leaves_its_forecast(tmp_path):
    repo = _running_repo(tmp_path, launched=6)
    base = git(repo.path, "rev-parse", "HEAD").strip()
    repo.commit(
        "2024-05-10T09:00:00+00:00",
        {"projects/done-0.yaml": project_yaml("done-0", name="Renamed", **LAUNCHED)},
    )
    config = load_config(repo.path)
    after = compute_as_of(config)
    before = compute_as_of(config, as_of=after.as_of, ref=base)
    forecasts = [
        next(p.forecast for p in side.report.projects if p.id == "new") for side in (before, after)
    ]
    assert forecasts[0] is not None and forecasts[0].p50 is not None
    assert forecasts[0] == forecasts[1]


def test_forecast_shows_one_project_counts_the_worktree_and_the_csv_has_the_quarters(tmp_path):
    repo = _running_repo(tmp_path, launched=6)
    one = json.loads(
        run_kpictl("forecast", "--project", "new", "--format", "json", cwd=repo.path).out
    )
    assert [p["id"] for p in one["projects"]] == ["new"]
    assert one["projects"][0]["forecast"]["p50"] is not None and one["launches_expected"]
    missing = run_kpictl("forecast", "--project", "nope", cwd=repo.path)
    assert missing.code == 2 and "no project with the id nope" in missing.err  # as report
    # the go decision undone in the worktree: with --worktree, new is forecast from its start
    (repo.path / "projects/new.yaml").write_text(project_yaml("new", kickoff="done"), "utf-8")
    committed = run_kpictl("forecast", "--project", "new", cwd=repo.path).out
    worktree = run_kpictl("forecast", "--project", "new", "--worktree", cwd=repo.path).out
    assert "new (production)" in committed and "new (poc)" in worktree
    rows = run_kpictl("report", "--format", "csv", cwd=repo.path).out.splitlines()
    quarters = [r for r in rows if r.startswith(",,,launches_expected:")]
    assert len(quarters) == 10 and quarters[1].split(",")[3].endswith(
        ":at_least_with_85pct_confidence"
    )
    shown = run_kpictl("report", "--format", "csv", "--project", "new", cwd=repo.path).out
    assert "launches_expected" not in shown  # the portfolio's rows, not one project's
