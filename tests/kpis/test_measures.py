"""Each measure's whole value (number, status, unit, target, span, commit and note) in the cases
that decide it, so that a wrong comparison, a dropped field or a wrong word is noticed."""

from __future__ import annotations

import pytest

from kpictl.dates import day_text
from kpictl.kpis import project_result
from kpictl.kpis.results import KpiValue
from kpictl.kpis.timeline import Dated, Item
from tests.kpis.test_kpis import CONFIG, cost, day, done, item, kpi, timeline

CREATED_NOTE = "{} was already {} when the project file was added, so git cannot tell when; "
CREATED_NOTE += "declare it (date: YYYY-MM-DD) to count it"


def created(n: float) -> Dated:
    return Dated("done", day(n), day(n), "created", "c0", started_source="created")


# -- durations ---------------------------------------------------------------------------------


def test_a_duration_with_a_skipped_end_is_not_applicable_and_says_why():
    t = timeline(milestones={"team_assembled": Dated("skipped")})
    assert kpi(t, "time_to_assemble_team") == KpiValue(
        None, "not_applicable", "days", 21, day(0), None, None, "a milestone it measures is skipped"
    )


def test_a_duration_without_its_start_is_not_started_or_unknown_when_its_end_is_dated():
    t = timeline(milestones={"security_review": Dated("done", None, day(100), "declared", "d")})
    assert kpi(t, "time_to_security_review") == KpiValue(
        None,
        "unknown",
        "days",
        30,
        None,
        day(100),
        "d",
        "security_review.started has no date (declared done before git saw it start)",
    )
    assert kpi(timeline(), "time_to_security_review") == KpiValue(None, "not_started", "days", 30)


def test_a_start_already_reached_when_the_file_was_added_is_named_started_or_done():
    started = timeline(
        milestones={"security_review": Dated("in_progress", day(0), None, started_source="created")}
    )
    v = kpi(started, "time_to_security_review")
    assert (v.status, v.value) == ("unknown", None)
    assert v.note == CREATED_NOTE.format("security_review.started", "started")
    ended = timeline(milestones={"team_assembled": created(0)})
    assert kpi(ended, "time_to_assemble_team").note == CREATED_NOTE.format("team_assembled", "done")


@pytest.mark.parametrize("length", [0, 0.5])
def test_a_duration_of_less_than_a_day_is_a_value_not_a_backwards_date(length):
    t = timeline(milestones={"team_assembled": done(length, "abc")})
    assert kpi(t, "time_to_assemble_team") == KpiValue(
        length, "met", "days", 21, day(0), day(length), "abc"
    )


@pytest.mark.parametrize(
    ("start_source", "end_source", "specific"),
    [("added", "declared", True), ("added", "git", False), ("git", "declared", False)],
)
def test_a_duration_ending_before_it_starts_is_unknown_and_says_what_to_declare(
    start_source, end_source, specific
):
    t = timeline(
        milestones={
            "kickoff": Dated("done", day(0), day(0), start_source, "c0"),
            "team_assembled": Dated("done", None, day(-3), end_source, "d"),
        }
    )
    v = kpi(t, "time_to_assemble_team")
    assert (v.value, v.status) == (None, "unknown")
    if specific:
        assert v.note == (
            f"team_assembled is declared on {day_text(day(-3))}, before kickoff, which is dated "
            f"when the project file was added ({day_text(day(0))}); declare kickoff's date too "
            "(kickoff: {status: done, date: YYYY-MM-DD})"
        )
    else:
        assert v.note == (
            "team_assembled is dated before kickoff (clock skew or a declared date); "
            "check the dates"
        )


def test_an_archived_projects_running_durations_stop_when_it_was_archived():
    t = timeline(archived=True, last_change=50)
    assert kpi(t, "time_to_assemble_team", as_of=400) == KpiValue(
        50.0, "running", "days", 21, day(0), None, None
    )


# -- updates and feedback rounds ---------------------------------------------------------------


def test_items_done_take_the_median_from_the_first_request_to_the_last_done():
    updates = [item("a", 10, 30), item("b", 12, 20)]
    updates[0].commit, updates[1].commit = "late", "early"
    v = kpi(timeline(updates=updates), "simple_update_lead_time")
    assert v == KpiValue(14.0, "missed", "days", 7, day(10), day(30), "late", None, 2)


def test_items_still_open_are_running_from_the_first_request():
    v = kpi(timeline(updates=[item("a", 10, None), item("b", 20, None)]), "simple_update_lead_time")
    assert v == KpiValue(385.0, "overdue", "days", 7, day(10), None, None, None, 2)
    assert kpi(timeline(), "feedback_cycle_time") == KpiValue(None, "not_started", "days", 14)


# -- environments ------------------------------------------------------------------------------


def envs(**statuses: Dated) -> dict[str, Dated]:
    return statuses


def test_environments_before_the_go_decision_are_not_started():
    assert kpi(timeline(), "environment_promotion_time") == KpiValue(
        None, "not_started", "days", 14
    )


def test_environments_not_promoted_yet_run_from_the_go_decision():
    t = timeline(milestones={"go_decision": done(5)}, environments=envs(dev=Dated("in_progress")))
    assert kpi(t, "environment_promotion_time", as_of=15) == KpiValue(
        10.0, "running", "days", 14, day(5)
    )


def test_environments_after_a_go_decision_git_cannot_date_are_unknown():
    t = timeline(milestones={"go_decision": created(5)}, environments=envs(dev=done(10)))
    assert kpi(t, "environment_promotion_time") == KpiValue(
        None, "unknown", "days", 14, day(5), note=CREATED_NOTE.format("go_decision", "done")
    )


def test_an_environment_done_when_the_file_was_added_ends_the_steps_counted():
    note = CREATED_NOTE.format("uat", "done")
    t = timeline(
        milestones={"go_decision": done(5)},
        environments=envs(dev=done(10, "d"), uat=created(12), prod=done(40)),
    )
    v = kpi(t, "environment_promotion_time")
    assert v == KpiValue(5.0, "met", "days", 14, day(5), day(10), "d", note, 1)
    first = timeline(milestones={"go_decision": done(5)}, environments=envs(dev=created(12)))
    assert kpi(first, "environment_promotion_time") == KpiValue(
        None, "unknown", "days", 14, day(5), note=CREATED_NOTE.format("dev", "done")
    )


def test_environments_done_before_the_step_before_them_count_as_zero_days():
    t = timeline(
        milestones={"go_decision": done(5)},
        environments=envs(dev=done(3), uat=done(2), prod=done(35, "p")),
    )
    v = kpi(t, "environment_promotion_time")
    note = "dev, uat done before the step before it; counted as 0 days"
    assert v == KpiValue(0.0, "met", "days", 14, day(5), day(35), "p", note, 3)
    same_day = timeline(milestones={"go_decision": done(5)}, environments=envs(dev=done(5, "d")))
    v = kpi(same_day, "environment_promotion_time")
    assert v == KpiValue(0.0, "met", "days", 14, day(5), day(5), "d", None, 1)


def test_environment_steps_past_the_target_miss_it():
    t = timeline(milestones={"go_decision": done(5)}, environments=envs(dev=done(25)))
    assert kpi(t, "environment_promotion_time").status == "missed"


# -- cost per project --------------------------------------------------------------------------

COST_KPI = "cost_per_additional_project"


def test_a_cost_kpi_with_no_start_is_not_started_and_a_skipped_one_not_applicable():
    no_start = timeline(milestones={"kickoff": Dated("planned")}, costs=[cost("B", 1, "once", 0)])
    assert kpi(no_start, COST_KPI) == KpiValue(None, "not_started", "USD", 250_000)
    skipped = timeline(milestones={"launched": Dated("skipped")}, costs=[cost("B", 1, "once", 0)])
    assert kpi(skipped, COST_KPI) == KpiValue(
        None,
        "not_applicable",
        "USD",
        250_000,
        day(0),
        note="a milestone it measures is skipped",
    )


def test_a_cost_kpi_without_costs_is_unknown_and_keeps_its_span():
    t = timeline(milestones={"launched": done(90, "l")})
    assert kpi(t, COST_KPI) == KpiValue(
        None,
        "unknown",
        "USD",
        250_000,
        day(0),
        day(90),
        "l",
        "no costs are recorded in the project file",
    )


def test_a_cost_kpi_to_a_launch_git_cannot_date_is_unknown():
    t = timeline(milestones={"launched": created(90)}, costs=[cost("B", 1, "once", 0)])
    v = kpi(t, COST_KPI)
    assert (v.value, v.status, v.note) == (None, "unknown", CREATED_NOTE.format("launched", "done"))


def test_a_cost_kpi_counts_from_the_start_even_when_the_file_added_it_done():
    # the file's creation is the start's own date, not a date git cannot vouch for
    t = timeline(
        milestones={"kickoff": created(0), "launched": done(90)}, costs=[cost("B", 5, "once", 0)]
    )
    assert kpi(t, COST_KPI).value == 5.0


def test_a_cost_kpi_ending_before_it_starts_is_unknown_and_one_of_no_time_is_counted():
    backwards = timeline(milestones={"launched": done(-1)}, costs=[cost("B", 5, "once", 0)])
    v = kpi(backwards, COST_KPI)
    assert (v.value, v.status) == (None, "unknown")
    assert v.note == "launched is dated before kickoff; check the dates"
    same_day = timeline(milestones={"launched": done(0, "l")}, costs=[cost("B", 5, "once", 0)])
    assert kpi(same_day, COST_KPI) == KpiValue(5.0, "met", "USD", 250_000, day(0), day(0), "l")


def test_a_dated_one_off_cost_counts_up_to_and_on_the_last_day_of_the_span():
    def total(when: float) -> float | None:
        t = timeline(
            milestones={"launched": done(90)},
            costs=[cost("Fixed", 100, "once", 0), cost("Audit", 7, "once", when, dated=True)],
        )
        return kpi(t, COST_KPI).value

    assert total(50) == 107.0
    assert total(90) == 107.0  # on the launch itself
    assert total(90.5) == 100.0  # after it


def test_a_recurring_cost_that_ended_before_the_start_needs_no_rate():
    t = timeline(
        milestones={"launched": done(90)},
        costs=[cost("Old", 100, "month", -90, currency="EUR", end=-30), cost("B", 5, "once", 0)],
    )
    assert kpi(t, COST_KPI).value == 5.0
    current = timeline(
        milestones={"launched": done(90)}, costs=[cost("Now", 100, "month", 0, currency="EUR")]
    )
    v = kpi(current, COST_KPI)
    assert (v.value, v.status) == (None, "unknown") and "EUR" in (v.note or "")


def test_a_cost_kpi_is_rounded_to_cents_and_running_until_its_end():
    t = timeline(milestones={"launched": done(10, "l")}, costs=[cost("API", 1_000, "month", 0)])
    # 1000 × 12 / 365.25 × 10 = 328.5421...
    assert kpi(t, COST_KPI) == KpiValue(328.54, "met", "USD", 250_000, day(0), day(10), "l")
    running = timeline(costs=[cost("API", 1_000, "month", 0)])
    assert kpi(running, COST_KPI, as_of=10) == KpiValue(328.54, "running", "USD", 250_000, day(0))


# -- total cost of ownership -------------------------------------------------------------------

TCO = "total_cost_of_ownership"


def test_the_total_cost_of_ownership_counts_from_the_start_rounded_to_cents():
    t = timeline(
        milestones={"kickoff": Dated("done", day(-10), day(-10), "declared", "c0")},
        costs=[cost("API", 1_000, "month", 0)],
    )
    years = 5 * 365.25
    assert kpi(t, TCO, as_of=10) == KpiValue(
        328.54,
        "met",
        "USD",
        1_000_000,
        day(-10),
        day(10),
        None,
        "projected to 5 years after kickoff",
        projected=round(1_000 * 12 / 365.25 * (years - 10), 2),
    )


def test_the_total_cost_of_ownership_counts_from_the_file_without_a_started_project():
    t = timeline(milestones={"kickoff": Dated("planned")}, costs=[cost("B", 1, "once", 0)])
    assert kpi(t, TCO).from_at == day(0)


def test_the_total_cost_of_ownership_without_costs_is_unknown():
    assert kpi(timeline(), TCO, as_of=10) == KpiValue(
        None,
        "unknown",
        "USD",
        1_000_000,
        day(0),
        day(10),
        None,
        "no costs are recorded in the project file",
    )


def test_an_archived_project_stops_costing_when_it_was_archived():
    t = timeline(archived=True, last_change=10, costs=[cost("API", 1_000, "month", 0)])
    v = kpi(t, TCO, as_of=400)
    assert (v.value, v.projected) == (328.54, 328.54)


# -- the project's result ----------------------------------------------------------------------


def test_a_project_result_names_the_project_and_rounds_its_costs_to_cents():
    t = timeline(costs=[cost("API", 1_000, "month", 0)])
    t.data = {"id": "p"}  # no name, no team written
    r = project_result(t, CONFIG, day(10))
    assert (r.id, r.name, r.team, r.path, r.archived) == ("p", "p", "", "projects/p.yaml", False)
    assert r.start_at == day(0)
    assert r.costs_by_category == {"inference": 328.54}
    assert (r.costs_left_out, r.costs_note) == ((), None)
    archived = project_result(timeline("q", team="ml", archived=True), CONFIG, day(10))
    assert (archived.name, archived.team, archived.archived) == ("Q", "ml", True)


def test_items_where_none_has_a_request_time_are_unknown():
    rounds = [Item("r", "addressed", None, day(0), day(0), "c", recorded_done=True)]
    v = kpi(timeline(feedback=rounds), "feedback_cycle_time")
    assert v == KpiValue(
        None,
        "unknown",
        "days",
        14,
        note="1 written already done, so without a request time; not counted",
    )
