"""Status that means now: overdue values, each KPI's current window, where each project stands,
and what the portfolio spends by quarter. Hand-built timelines: no git, no files."""

from __future__ import annotations

import calendar

import pytest

from kpictl.config import load_config
from kpictl.kpis import compute, project_result
from kpictl.kpis.timeline import Cost, Dated, Event, Item
from tests.kpis.test_kpis import CONFIG, DAY, day, done, kpi, timeline


def at(text: str) -> int:
    """Seconds since the epoch of a UTC time written 2025-03-31T12:00."""
    return calendar.timegm(
        (int(text[:4]), int(text[5:7]), int(text[8:10]), int(text[11:13]), int(text[14:16]), 0)
    )


def started(when: int) -> Dated:
    return Dated("in_progress", when, None, None, None, started_source="git")


def finished(start: int, end: int) -> Dated:
    return Dated("done", start, end, "git", "c", started_source="git")


# -- overdue -----------------------------------------------------------------------------------


def test_a_running_duration_past_its_target_is_overdue():
    t = timeline(last_change=0)  # team_assembled planned: running since kickoff (day 0)
    assert kpi(t, "time_to_assemble_team", as_of=20).status == "running"  # 20 days of 21
    late = kpi(t, "time_to_assemble_team", as_of=30)
    assert (late.status, late.value) == ("overdue", 30.0)


def test_items_and_environments_running_past_their_target_are_overdue():
    open_round = Item("beta-1", "open", None, day(0))
    t = timeline(
        feedback=[open_round],
        milestones={"go_decision": done(5)},
        environments={"dev": Dated("in_progress", day(6))},
    )
    assert kpi(t, "feedback_cycle_time", as_of=10).status == "running"
    assert kpi(t, "feedback_cycle_time", as_of=40).status == "overdue"
    assert kpi(t, "environment_promotion_time", as_of=40).status == "overdue"


def test_costs_and_kpis_where_higher_is_better_are_never_overdue(tmp_path):
    cost = Cost("Sprint", "people", 900_000, "USD", "once", day(0), day(0), None, "c")
    t = timeline(costs=[cost])
    assert kpi(t, "cost_per_additional_project", as_of=900).status == "running"
    (tmp_path / "kpictl.yaml").write_text(
        "kpis:\n  - {id: time_to_assemble_team, direction: higher}\n"
    )
    higher = load_config(tmp_path)
    value = project_result(timeline(), higher, day(900)).kpis["time_to_assemble_team"]
    assert value.status == "running"


def test_an_archived_project_is_never_overdue():
    t = timeline(archived=True, last_change=200)
    assert kpi(t, "time_to_assemble_team", as_of=400).status == "running"


def test_the_portfolio_counts_the_projects_overdue_on_each_kpi():
    projects = [timeline("a"), timeline("b", milestones={"team_assembled": done(3)})]
    report = compute(projects, CONFIG, day(100), "head")
    assert report.portfolio.overdue["time_to_assemble_team"] == 1


# -- the current window ------------------------------------------------------------------------


def assembled(project_id: str, kickoff: str, days: float) -> object:
    start = at(kickoff)
    return timeline(
        project_id,
        milestones={
            "kickoff": Dated("done", start, start, "git", "c0"),
            "team_assembled": finished(start, start + int(days * DAY)),
        },
    )


def test_a_kpi_missed_in_the_last_four_quarters_is_missed_now_though_its_median_meets():
    # Six fast projects long ago; three slow ones in the last four full quarters.
    projects = [assembled(f"old-{k}", f"2023-0{k + 1}-02T09:00", 10) for k in range(6)]
    projects += [assembled(f"new-{k}", f"2025-0{k + 2}-03T09:00", 30 + k) for k in range(3)]
    report = compute(projects, CONFIG, at("2025-10-20T12:00"), "head")
    p = report.portfolio
    assert p.statuses["time_to_assemble_team"] == "met"  # all time: median 10 days
    now = p.current["time_to_assemble_team"]
    assert now.quarters == ("2024-Q4", "2025-Q1", "2025-Q2", "2025-Q3")
    assert (now.summary.n, now.summary.median, now.status) == (3, 31.0, "missed")
    assert now.miss == pytest.approx(10.0)  # against a target of 21 days
    assert now.miss_pct == pytest.approx(10 / 21 * 100)
    assert now.change == pytest.approx(21.0)  # 31 now against 10 all time
    assert now.change_pct == pytest.approx(210.0)


def test_an_empty_window_is_no_recent_data_never_a_number():
    projects = [assembled("old", "2023-01-02T09:00", 10)]
    now = compute(projects, CONFIG, at("2025-10-20T12:00"), "head").portfolio.current
    current = now["time_to_assemble_team"]
    assert (current.status, current.summary.median, current.change, current.miss) == (
        "no_recent_data",
        None,
        None,
        None,
    )


def test_the_window_is_in_the_configured_time_zone_and_its_length_configurable(tmp_path):
    # Done at 23:30 UTC on 31 December: already 1 January in Paris.
    late = timeline(
        "late",
        milestones={
            "kickoff": Dated("done", at("2025-12-01T09:00"), at("2025-12-01T09:00"), "git", "c"),
            "team_assembled": finished(at("2025-12-01T09:00"), at("2025-12-31T23:30")),
        },
    )
    as_of = at("2026-05-10T12:00")
    in_utc = compute([late], CONFIG, as_of, "head").portfolio.current["time_to_assemble_team"]
    assert in_utc.quarters[-1] == "2026-Q1" and in_utc.summary.n == 1  # window 2025-Q2..2026-Q1
    (tmp_path / "kpictl.yaml").write_text("timezone: Europe/Paris\ncurrent: {quarters: 1}\n")
    paris = load_config(tmp_path)
    now = compute([late], paris, as_of, "head").portfolio.current["time_to_assemble_team"]
    assert now.quarters == ("2026-Q1",) and now.summary.n == 1
    (tmp_path / "kpictl.yaml").write_text("current: {quarters: 1}\n")
    utc = load_config(tmp_path)
    now = compute([late], utc, as_of, "head").portfolio.current["time_to_assemble_team"]
    assert now.quarters == ("2026-Q1",) and now.summary.n == 0  # 2025-Q4 in UTC


def test_an_as_of_day_that_ends_a_quarter_makes_it_the_last_full_quarter():
    projects = [assembled("p", "2025-06-02T09:00", 10)]
    end_of_june = at("2025-06-30T23:59") + 59  # --as-of 2025-06-30: its last second
    now = compute(projects, CONFIG, end_of_june, "head").portfolio.current
    assert now["time_to_assemble_team"].quarters[-1] == "2025-Q2"


def test_the_total_cost_of_ownership_is_already_a_value_now():
    cost = Cost("Sprint", "people", 1000, "USD", "once", day(0), day(0), None, "c")
    report = compute([timeline(costs=[cost])], CONFIG, day(400), "head")
    now = report.portfolio.current["total_cost_of_ownership"]
    assert now.as_of_values and now.summary.median == 1000 and now.status == "met"


# -- where each project stands -----------------------------------------------------------------


def test_each_project_has_a_state_since_a_date_and_the_limits_it_is_past():
    poc = timeline("poc", last_change=10)
    going = timeline("going", milestones={"go_decision": done(30)}, last_change=150)
    live = timeline(
        "live", milestones={"go_decision": done(30), "launched": done(120)}, last_change=120
    )
    gone = timeline("gone", last_change=50, archived=True)
    gone.events.append(Event(day(50), None, "c", None, None, "archived", False, True))
    report = compute([poc, going, live, gone], CONFIG, day(200), "head")
    standing = {r.id: r.standing for r in report.projects}
    assert (standing["poc"].state, standing["poc"].days) == ("poc", 200.0)
    assert [(s.limit, s.days, s.allowed) for s in standing["poc"].stuck] == [
        ("poc_days", 200.0, 90),
        ("stale_days", 190.0, 60),
    ]
    assert standing["poc"].next_milestone == "team_assembled"
    assert (standing["going"].state, standing["going"].since) == ("production", day(30))
    assert standing["going"].stuck == ()  # changed 50 days ago, within 60
    assert standing["going"].next_milestone == "team_assembled"  # the first not done
    assert (standing["live"].state, standing["live"].days) == ("launched", 80.0)
    assert standing["live"].next_milestone is None and standing["live"].stuck == ()
    assert (standing["live"].milestones_done, standing["live"].milestones_total) == (3, 10)
    assert (standing["gone"].state, standing["gone"].since) == ("archived", day(50))
    p = report.portfolio
    assert p.states == {"poc": 1, "production": 1, "launched": 1, "archived": 1}
    assert p.stuck == ["poc"]
    assert [e["id"] for e in p.purgatory] == ["poc"] and [e["id"] for e in p.stale] == ["poc"]


def test_a_skipped_go_decision_moves_a_project_to_production_when_it_landed():
    t = timeline("p", milestones={"go_decision": Dated("skipped")}, last_change=40)
    t.data["milestones"]["go_decision"] = "skipped"
    t.events.append(
        Event(day(40), None, "c", None, None, "milestones.go_decision", None, "skipped")
    )
    standing = project_result(t, CONFIG, day(100)).standing
    assert (standing.state, standing.since, standing.milestones_skipped) == (
        "production",
        day(40),
        1,
    )


# -- spend -------------------------------------------------------------------------------------


def test_spend_by_quarter_is_what_each_quarter_added_and_the_last_full_quarter_is_named():
    start = at("2025-01-01T00:00")
    monthly = Cost("API", "inference", 300, "USD", "month", start, start, None, "c")
    once = Cost("Build", "people", 5000, "USD", "once", start, at("2025-05-10T00:00"), None, "c")
    t = timeline(costs=[monthly, once])
    report = compute([t], CONFIG, at("2025-08-15T12:00"), "head")
    spend = report.portfolio.spend
    assert spend is not None
    labels = [(q, partial) for q, _, partial in spend.by_quarter]
    assert labels == [("2025-Q1", False), ("2025-Q2", False), ("2025-Q3", True)]
    q2 = spend.by_quarter[1][1]
    assert q2["people"] == 5000 and q2["inference"] == pytest.approx(300 * 12 / 365.25 * 91, 0.01)
    assert spend.last_quarter is not None and spend.last_quarter[0] == "2025-Q2"
    assert spend.to_date == pytest.approx(sum(report.portfolio.costs_by_category.values()))
