"""The KPI computation on hand-built timelines: no git, no files."""

from __future__ import annotations

import math
from dataclasses import replace
from pathlib import Path

import pytest

from kpictl.config import default_config, load_config
from kpictl.kpis import compute, project_result
from kpictl.kpis.results import LeftOut
from kpictl.kpis.timeline import Cost, Dated, Item, Timeline

DAY = 86_400
T0 = 1_700_000_000  # 2023-11-14T22:13:20Z
CONFIG = default_config(Path.cwd())


def day(n: float) -> int:
    return int(T0 + n * DAY)


def timeline(
    project_id: str = "p",
    team: str = "platform",
    labels: tuple[str, ...] = (),
    milestones: dict[str, Dated] | None = None,
    environments: dict[str, Dated] | None = None,
    updates: list[Item] | None = None,
    feedback: list[Item] | None = None,
    costs: list[Cost] | None = None,
    last_change: float = 0,
    archived: bool = False,
) -> Timeline:
    ms = {m: Dated("planned") for m in CONFIG.milestone_ids}
    ms["kickoff"] = Dated("done", day(0), day(0), "git", "c0")
    ms.update(milestones or {})
    statuses = {m: d.status for m, d in ms.items()}
    t = Timeline(
        id=project_id,
        path=f"projects/{project_id}.yaml",
        data={
            "id": project_id,
            "name": project_id.title(),
            "team": team,
            "labels": list(labels),
            "milestones": statuses,
        },
        created_at=day(0),
        created_commit="c0",
        archived=archived,
        milestones=ms,
        environments={e: Dated("planned") for e in CONFIG.environments} | (environments or {}),
        updates=updates or [],
        feedback_rounds=feedback or [],
        costs=costs or [],
        last_change_at=day(last_change),
    )
    return t


def done(n: float, commit: str = "c", started: float | None = None, source: str = "git") -> Dated:
    return Dated(
        "done",
        day(started if started is not None else n),
        day(n),
        source,
        commit,
        started_source="git",
    )


def kpi(t: Timeline, kpi_id: str, as_of: float = 400):
    return project_result(t, CONFIG, day(as_of)).kpis[kpi_id]


def test_a_duration_met_missed_with_its_provenance():
    t = timeline(milestones={"team_assembled": done(12.5, "abc")})
    v = kpi(t, "time_to_assemble_team")
    assert (v.value, v.status, v.target, v.unit) == (12.5, "met", 21, "days")
    assert (v.from_at, v.to_at, v.commit) == (day(0), day(12.5), "abc")
    t = timeline(milestones={"team_assembled": done(30)})
    assert kpi(t, "time_to_assemble_team").status == "missed"


def test_running_not_started_not_applicable_and_unknown():
    t = timeline(milestones={"go_decision": done(50), "launched": Dated("in_progress", day(90))})
    running = kpi(t, "time_to_launch", as_of=80)
    assert (running.status, running.value, running.commit) == ("running", 30.0, None)
    assert kpi(t, "time_to_security_review").status == "not_started"
    skipped = timeline(milestones={"go_decision": done(50), "ui_finalized": Dated("skipped")})
    assert kpi(skipped, "time_to_finalize_ui").status == "not_applicable"
    backwards = timeline(milestones={"go_decision": done(50), "launched": done(40)})
    v = kpi(backwards, "time_to_launch")
    assert v.status == "unknown" and v.value is None and "before" in v.note


def test_a_milestone_done_when_the_file_was_added_is_unknown_never_zero():
    t = timeline(milestones={"team_assembled": done(0, source="created")})
    v = kpi(t, "time_to_assemble_team")
    assert v.status == "unknown" and v.value is None
    assert "declare it" in v.note
    # kickoff dated by the file's creation is the project's start, not a gap in the data
    t = timeline(
        milestones={
            "kickoff": Dated("planned", None, day(0), "created", "c0"),
            "team_assembled": done(3),
        }
    )
    assert kpi(t, "time_to_assemble_team").value == 3.0


def test_security_review_runs_from_its_own_start():
    t = timeline(milestones={"security_review": done(100, started=90)})
    assert kpi(t, "time_to_security_review").value == 10.0
    declared = timeline(
        milestones={"security_review": Dated("done", None, day(100), "declared", "c")}
    )
    assert kpi(declared, "time_to_security_review").status == "unknown"


def item(i: str, requested: float, live: float | None, kind: str = "simple", **kw) -> Item:
    return Item(
        i,
        "live" if live is not None else "requested",
        kind,
        day(requested),
        day(live) if live is not None else None,
        "c" if live is not None else None,
        **kw,
    )


def test_update_lead_times_are_medians_by_kind():
    t = timeline(
        updates=[
            item("a", 10, 12),
            item("b", 10, 20),
            item("c", 10, 14),
            item("v", 0, 60, kind="version"),
            item("open", 50, None),
        ]
    )
    simple = kpi(t, "simple_update_lead_time")
    assert (simple.value, simple.n, simple.status) == (4.0, 3, "met")
    assert kpi(t, "next_version_lead_time").value == 60.0
    only_open = timeline(updates=[item("x", 10, None)])
    v = kpi(only_open, "simple_update_lead_time", as_of=15)
    assert (v.status, v.value) == ("running", 5.0)
    recorded = timeline(updates=[item("r", 10, 10, recorded_done=True)])
    v = kpi(recorded, "simple_update_lead_time")
    assert v.status == "unknown" and "written already done" in v.note
    assert kpi(timeline(), "simple_update_lead_time").status == "not_started"


def test_environment_promotion_is_the_median_step_from_the_go_decision():
    t = timeline(
        milestones={"go_decision": done(100)},
        environments={"dev": done(104), "uat": done(110), "prod": done(130)},
    )
    v = kpi(t, "environment_promotion_time")
    assert (v.value, v.n) == (6.0, 3)  # steps 4, 6, 20
    skipped = timeline(
        milestones={"go_decision": done(100)},
        environments={"dev": done(90), "uat": Dated("skipped"), "prod": done(120)},
    )
    v = kpi(skipped, "environment_promotion_time")
    assert (v.value, v.n) == (15.0, 2) and "dev" in v.note  # dev before the decision counts as 0
    waiting = timeline(milestones={"go_decision": done(100)})
    assert kpi(waiting, "environment_promotion_time", as_of=107).value == 7.0


def cost(
    item_name: str,
    amount: float,
    per: str,
    start: float,
    currency: str = "USD",
    category: str = "inference",
    end: float | None = None,
    dated: bool = False,
) -> Cost:
    return Cost(
        item_name,
        category,
        amount,
        currency,
        per,
        day(start),
        day(start),
        day(end) if end is not None else None,
        "c",
        dated,
    )


def test_cost_per_additional_project_accrues_recurring_costs_until_launch():
    year = 365.25
    t = timeline(
        milestones={"launched": done(year / 2)},
        costs=[
            cost("Build", 100_000, "once", 10, category="people"),
            cost("API", 1_000, "month", 0),  # accrues six months by launch
            cost("Seats", 1_200, "year", -year),  # started before kickoff: only from kickoff
            cost("Later", 50_000, "once", 300, category="people", dated=True),  # after launch
        ],
    )
    v = kpi(t, "cost_per_additional_project")
    assert v.value == pytest.approx(100_000 + 6_000 + 600)
    assert v.status == "met" and v.unit == "USD"


def test_total_cost_of_ownership_and_its_projection():
    t = timeline(costs=[cost("Build", 10_000, "once", 0), cost("API", 100, "month", 0, end=365.25)])
    v = kpi(t, "total_cost_of_ownership", as_of=365.25 / 2)
    assert v.value == pytest.approx(10_000 + 600)
    assert v.projected == pytest.approx(10_000 + 1_200)  # the API cost ends after a year


def test_costs_convert_at_the_configured_rates_and_a_missing_rate_is_unknown(tmp_path):
    (tmp_path / "kpictl.yaml").write_text("currency: {reporting: EUR, rates: {USD: 0.5}}\n")
    config = load_config(tmp_path)
    t = timeline(
        costs=[
            cost("Build", 1_000, "once", 0, currency="USD"),
            cost("Local", 100, "once", 0, currency="EUR"),
        ]
    )
    assert project_result(t, config, day(10)).kpis["total_cost_of_ownership"].value == 600
    t.costs.append(cost("Tokyo", 1, "once", 0, currency="JPY"))
    t.costs.append(cost("Later", 5, "month", 20, currency="CHF", category="people"))
    result = project_result(t, config, day(10))
    tco = result.kpis["total_cost_of_ownership"]
    assert (tco.status, tco.value, tco.projected) == ("unknown", None, None)
    assert tco.note == (
        "costs in CHF, JPY have no conversion rate to EUR; add "
        "`currency: {rates: {CHF: <EUR per CHF>, JPY: <EUR per JPY>}}` to kpictl.yaml"
    )
    assert result.costs_by_category == {"inference": 600}  # the converted costs only
    # The JPY cost has accrued, so the cost to date is unknown, never the 600 that converts;
    # the CHF cost starts on day 20, after the as-of date, and leaves nothing out yet.
    assert (result.cost_to_date, result.costs_left_out) == (None, ("JPY",))
    assert result.costs_note == (
        "costs in JPY have no conversion rate to EUR; add "
        "`currency: {rates: {JPY: <EUR per JPY>}}` to kpictl.yaml"
    )
    portfolio = compute([t], config, day(10), "head").portfolio
    assert portfolio.costs_left_out == LeftOut(("p",), ("JPY",))
    assert portfolio.spend is not None and portfolio.spend.to_date == 600  # what converts
    # A cost that does not count in the span leaves the KPI computed.
    t.costs = [cost("Build", 1_000, "once", 0), cost("Later", 5, "month", 20, currency="CHF")]
    t.milestones["launched"] = done(10)
    v = project_result(t, config, day(30)).kpis["cost_per_additional_project"]
    assert (v.status, v.value) == ("met", 500.0)
    warnings = compute([t], config, day(30), "head").warnings
    assert warnings == [
        "projects/p.yaml: costs in CHF have no conversion rate to EUR, so this project's cost "
        "KPIs that include them are unknown and its cost totals leave them out; add "
        "`currency: {rates: {CHF: <EUR per CHF>}}` to kpictl.yaml"
    ]


def test_a_cost_whose_conversion_overflows_is_unknown_never_infinite(tmp_path):
    (tmp_path / "kpictl.yaml").write_text("currency: {reporting: EUR}\n")
    # A rate kpictl.yaml may refuse: the KPI core must hold without that check.
    config = replace(load_config(tmp_path), rates=(("USD", 1e300),))
    t = timeline(
        costs=[
            cost("Build", 10**15, "once", 0, currency="USD"),  # 10^315 euros: not a number
            cost("Local", 100, "once", 0, currency="EUR"),
        ]
    )
    result = project_result(t, config, day(10))
    tco = result.kpis["total_cost_of_ownership"]
    assert (tco.status, tco.value, tco.projected) == ("unknown", None, None)
    assert tco.note == (
        "costs in USD times the rate to EUR are too large to compute; check the amounts and the "
        "rate of USD in kpictl.yaml"
    )
    assert (result.cost_to_date, result.costs_left_out) == (None, ("USD",))
    report = compute([t], config, day(10), "head")
    assert report.portfolio.spend is not None and report.portfolio.spend.to_date == 100
    assert report.portfolio.costs_left_out == LeftOut(("p",), ("USD",))
    assert all(math.isfinite(v) for _, by in report.portfolio.cost_over_time for v in by.values())
    assert report.warnings == [
        "projects/p.yaml: costs in USD times the rate to EUR are too large to compute, so this "
        "project's cost KPIs that include them are unknown and its cost totals leave them out; "
        "check the amounts and the rate of USD in kpictl.yaml"
    ]


def test_the_portfolio_view():
    projects = [
        timeline(
            "a",
            team="red",
            labels=("rag",),
            milestones={"team_assembled": done(10)},
            last_change=190,
        ),
        timeline("b", team="red", milestones={"team_assembled": done(20)}, last_change=190),
        timeline(
            "c",
            team="blue",
            labels=("rag",),
            milestones={"team_assembled": done(40)},
            last_change=190,
        ),
        timeline("stuck", team="blue", last_change=10),
    ]
    report = compute(projects, CONFIG, day(200), "head")
    summary = report.portfolio.kpis["time_to_assemble_team"]
    assert (summary.n, summary.median, summary.min, summary.max) == (3, 20.0, 10.0, 40.0)
    assert summary.p85 == pytest.approx(34.0)
    groups = report.portfolio.groups
    assert groups["team"]["red"]["time_to_assemble_team"].median == 15.0
    assert groups["label"]["rag"]["time_to_assemble_team"].n == 2
    assert [e["id"] for e in report.portfolio.purgatory] == ["a", "b", "c", "stuck"]
    assert report.portfolio.purgatory[0]["days_in_poc"] == 200.0
    assert report.portfolio.stale == [
        {"id": "stuck", "team": "blue", "days_since_change": 190.0, "last_change_at": day(10)}
    ]
    assert report.portfolio.phases == {"poc": 4, "production": 0, "scale": 0}


def test_the_trend_groups_values_by_the_quarter_of_their_end():
    projects = [
        timeline("a", milestones={"team_assembled": done(10)}),  # 2023-11-24
        timeline("b", milestones={"team_assembled": done(60)}),  # 2024-01-13
        timeline("c", milestones={"team_assembled": done(70)}),  # 2024-01-23
    ]
    trend = compute(projects, CONFIG, day(200), "head").portfolio.trend["time_to_assemble_team"]
    assert [(q, s.n, s.median) for q, s in trend] == [("2023-Q4", 1, 10.0), ("2024-Q1", 2, 65.0)]


def test_the_learning_curve_orders_launched_projects_by_kickoff():
    durations = [300, 240, 200, 170, 150]
    projects = []
    for k, length in enumerate(durations):
        kickoff = Dated("done", day(k * 30), day(k * 30), "git", "c")
        projects.append(
            timeline(f"p{k}", milestones={"kickoff": kickoff, "launched": done(k * 30 + length)})
        )
    report = compute(list(reversed(projects)), CONFIG, day(2000), "head")
    order = report.portfolio.launch_order["time_to_first_launch"]
    assert [i for i, _ in order] == ["p0", "p1", "p2", "p3", "p4"]
    assert [v for _, v in order] == pytest.approx(durations)
    curve = report.portfolio.learning_curve["time_to_first_launch"]
    assert curve.n == 5 and 0.6 < curve.rate_per_doubling < 0.85


def test_the_catalog_marks_the_learning_curve_kpis(tmp_path):
    (tmp_path / "kpictl.yaml").write_text(
        "kpis:\n"
        "  - {id: time_to_first_launch, learning_curve: false}\n"
        "  - {id: time_to_demo, learning_curve: true}\n"
    )
    config = load_config(tmp_path)
    projects = [
        timeline(f"p{k}", milestones={"demo_ready": done(length)})
        for k, length in enumerate([40, 30, 25])
    ]
    curves = compute(projects, config, day(400), "head").portfolio.learning_curve
    assert list(curves) == ["time_to_demo", "cost_per_additional_project"]
    assert curves["time_to_demo"].n == 3


def test_the_portfolio_judges_each_median_against_its_target(tmp_path):
    (tmp_path / "kpictl.yaml").write_text(
        "kpis:\n"
        "  - {id: time_to_demo, direction: higher, target: 30}\n"
        "  - {id: time_to_problem_statement, target: null}\n"
    )
    config = load_config(tmp_path)
    projects = [
        timeline(
            f"p{k}",
            milestones={
                "team_assembled": done(assembled),
                "demo_ready": done(30),
                "problem_statement": done(5),
            },
        )
        for k, assembled in enumerate([10, 20, 40])
    ]
    statuses = compute(projects, config, day(400), "head").portfolio.statuses
    assert statuses["time_to_assemble_team"] == "met"  # median 20 against 21
    assert statuses["time_to_demo"] == "met"  # 30 reaches a target where higher is better
    assert statuses["time_to_problem_statement"] == "measured"  # no target
    assert statuses["time_to_launch"] == "no_data"


def test_every_kpi_status_has_words_in_the_reports():
    from kpictl.kpis.results import KPI_STATUSES
    from kpictl.output.report import STATUS_WORDS

    assert set(STATUS_WORDS) == set(KPI_STATUSES)
