"""Each project's forecast in the cases that decide it: which steps it uses and names, its reason
word for word, where a step's clock starts, and the launches counted per quarter."""

from __future__ import annotations

import calendar
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kpictl.dates import DAY
from kpictl.kpis.forecast.distributions import Atoms
from kpictl.kpis.forecast.forecaster import forecast_portfolio
from kpictl.kpis.forecast.path import PRODUCTION, observations, step_durations
from kpictl.kpis.forecast.quarters import count_distribution, launch_counts, quarter_bounds
from kpictl.kpis.results import LaunchCount, MilestoneForecast
from kpictl.kpis.timeline import Dated
from tests.kpis.test_forecast import config, history, launched_project, timeline
from tests.portfoliosim import MILESTONES, T0

PRODUCTION_MILESTONES = MILESTONES[5:9]
NEEDS = "; a forecast needs 5 (forecast.min_basis in kpictl.yaml)"


def forecast(project, portfolio, as_of_day: float, **settings: object):
    as_of = T0 + int(as_of_day * DAY)
    return forecast_portfolio([*portfolio, project], config(**settings), as_of).projects[project.id]


# -- which steps, and too little history -------------------------------------------------------


@pytest.mark.parametrize(
    ("project", "step"),
    [
        (timeline("poc", {}), "kickoff → go_decision"),
        (timeline("prod", {"go_decision": 300}), "go_decision → the last production milestone"),
        (
            timeline("built", {"go_decision": 300, **dict.fromkeys(PRODUCTION_MILESTONES, 310)}),
            "the last production milestone → launched",
        ),
    ],
)
def test_too_little_history_names_the_first_step_short_of_projects(project, step):
    f = forecast(project, history(4), 320)
    assert f.reason == f"too little history: 4 projects completed {step}{NEEDS}"
    assert (f.p50, f.p85, f.basis) == (None, None, 4)


def test_too_little_history_counts_one_project_in_the_singular_and_names_the_window():
    f = forecast(timeline("new", {"kickoff": 990}), history(1), 1000)
    assert f.reason == f"too little history: 1 project completed kickoff → go_decision{NEEDS}"
    windowed = forecast(timeline("new", {"kickoff": 990}), history(8), 1000, window_days=365)
    assert windowed.reason == (
        "too little history: 0 projects completed kickoff → go_decision that started in the "
        f"last 365 days{NEEDS}"
    )


def test_as_many_projects_as_the_basis_asks_are_enough():
    assert forecast(timeline("new", {}), history(5), 1).p50 is not None


def test_a_step_that_started_exactly_at_the_windows_edge_is_in_it():
    old = [launched_project(f"d{i}", 40, 60, 10) for i in range(6)]
    edge = forecast(timeline("new", {"kickoff": 360}), old, 365, window_days=365)
    assert edge.reason is None  # the six started on day 0, exactly 365 days before
    beyond = forecast(timeline("new", {"kickoff": 360}), old, 365.5, window_days=365)
    assert beyond.reason is not None and "that started in the last 365 days" in beyond.reason


# -- reasons -----------------------------------------------------------------------------------


def test_a_skipped_launch_has_nothing_to_forecast():
    f = forecast(timeline("skip", {}, launched="skipped"), history(8), 10)
    assert f.reason == "launched is skipped: there is no launch to forecast"
    assert (f.p50, f.p85, f.basis) == (None, None, 8)


def test_a_project_without_a_start_date_has_nothing_to_count_from():
    t = timeline("nostart", {})
    del t.milestones["kickoff"]
    f = forecast(t, history(8), 10)
    assert f.reason == "kickoff has no date to count from" and f.p50 is None
    assert f.next == MilestoneForecast("team_assembled", None, None)


def test_a_go_decision_git_cannot_date_is_to_be_declared():
    reason = (
        "go_decision has no date git can vouch for (skipped without a date, or done when the "
        "project file was added): declare it (date: YYYY-MM-DD) to forecast"
    )
    created = timeline("created", {})
    created.milestones["go_decision"] = Dated("done", T0, T0, "created")
    assert forecast(created, history(8), 10).reason == reason
    skipped = timeline("skipped", {}, go_decision="skipped")
    assert forecast(skipped, history(8), 10).reason == reason
    declared = timeline("declared", {})
    declared.milestones["go_decision"] = Dated("skipped", None, T0 + 30 * DAY, "declared")
    f = forecast(declared, history(8), 31)
    assert f.reason is None and f.p50 is not None  # in production from the declared date


def test_a_proof_of_concept_past_everything_seen_says_so():
    f = forecast(timeline("stuck", {}), history(6), 400)
    # the bound: now, plus the shortest production (60 days) and launch (10 days) seen
    assert f.reason == (
        "not before 15 Apr 2024: already longer in proof of concept (400 days) than any "
        "project that finished it (60 days)"
    )
    assert (f.p50, f.p85, f.past_p85) == (None, None, True)
    assert f.not_before == T0 + (400 + 60 + 10) * DAY


def test_a_percentile_the_portfolio_has_not_seen_is_not_given_and_named():
    # eight launched, five more still on production after 290 days: p85 of production unseen
    running = [
        timeline(f"r{i}", {"go_decision": 10}, production_data_connected="in_progress")
        for i in range(5)
    ]
    f = forecast(timeline("new", {"go_decision": 299}), [*history(8), *running], 300)
    tail = (
        ": the slowest comparable projects are still running, so the portfolio has not yet "
        "seen where that percentile lies"
    )
    assert f.p50 is not None and f.p85 is None and f.reason == "p85" + tail
    assert f.not_before is None  # a date, p50: no bound needed
    late = [timeline(f"r{i}", {"go_decision": 10}, ui_finalized="in_progress") for i in range(8)]
    g = forecast(timeline("new", {"go_decision": 299}), [*history(5), *late], 300)
    # the earliest launch seen: production's shortest (60 days) and the launch's (10) after go
    assert (g.p50, g.p85, g.reason) == (None, None, "not before 5 Jan 2024; p50 and p85" + tail)
    assert g.not_before == T0 + (299 + 60 + 10) * DAY


def test_a_p85_from_fewer_than_six_examples_is_not_given_and_named():
    # a new duration falls below the slowest of n seen with probability n/(n+1): under 85% for
    # n = 5, so five launched projects give a p50 and no p85, with the reason
    five = forecast(timeline("new", {"go_decision": 299}), history(5), 300)
    assert five.p50 is not None and five.p85 is None and five.not_before is None
    assert five.reason == (
        "p85: 5 comparable projects completed the step with the fewest; a date that 85% of "
        "projects meet needs at least 6"
    )
    six = forecast(timeline("new", {"go_decision": 299}), history(6), 300)
    assert six.p85 is not None and six.reason is None


# -- where the clock starts, and the next milestone --------------------------------------------


def test_a_project_in_proof_of_concept_gets_past_p85_from_its_own_step():
    # the go decision took 40 days for six projects and 60 for four: the 85th percentile is 60
    portfolio = [launched_project(f"d{i}", 40 if i < 6 else 60, 60, 10) for i in range(10)]
    assert forecast(timeline("early", {"kickoff": 250}), portfolio, 300).past_p85 is False
    assert forecast(timeline("at", {"kickoff": 240}), portfolio, 300).past_p85 is False
    assert forecast(timeline("late", {"kickoff": 239}), portfolio, 300).past_p85 is True


def test_past_p85_is_strictly_longer_than_the_85th_percentile():
    # production took 50 days for six projects and 70 for four: the 85th percentile is day 70
    portfolio = [launched_project(f"d{i}", 30, 50 if i < 6 else 70, 5) for i in range(10)]
    at = forecast(timeline("at", {"go_decision": 230}), portfolio, 300)
    over = forecast(timeline("over", {"go_decision": 229.5}), portfolio, 300)
    assert (at.past_p85, over.past_p85) == (False, True)


def test_once_every_production_milestone_is_done_the_launch_counts_from_the_last_of_them():
    portfolio = history(8)  # 10 days from the last production milestone to launch
    done = {"go_decision": 200, **dict.fromkeys(PRODUCTION_MILESTONES, 280), "ui_finalized": 300}
    f = forecast(timeline("built", done), portfolio, 300)
    assert (f.p50, f.p85, f.basis) == (T0 + 310 * DAY, T0 + 310 * DAY, 8)
    # the launch is all that is left, so it is the next milestone too
    assert f.next == MilestoneForecast("launched", f.p50, f.p85)


def test_the_next_milestone_before_the_go_decision_counts_from_the_start():
    portfolio = history(8)  # the proof-of-concept milestones at 20 to 30 days
    f = forecast(timeline("poc", {"kickoff": 100}), portfolio, 101)
    assert f.next is not None and f.next.milestone == "team_assembled"
    assert f.next.p50 is not None and T0 + 120 * DAY <= f.next.p50 <= T0 + 130 * DAY


def test_a_skipped_production_milestone_is_not_waited_for():
    portfolio = history(8)
    done = dict.fromkeys(PRODUCTION_MILESTONES[:3], 295)
    f = forecast(
        timeline("skips", {"go_decision": 200, **done}, security_review="skipped"), portfolio, 300
    )
    assert f.p50 == T0 + 305 * DAY  # from the last one done (day 295), not from the go decision


# -- steps across the portfolio ----------------------------------------------------------------


def test_a_step_done_the_moment_it_started_took_no_days():
    fast = [launched_project(f"f{i}", 0, 30, 10) for i in range(5)]
    steps = step_durations(fast, config(), T0 + 100 * DAY)
    assert steps["go_decision"].days == [0] and steps["go_decision"].completed == 5


# -- launches per quarter ----------------------------------------------------------------------


def test_the_count_of_launches_is_a_poisson_binomial():
    assert count_distribution([]) == [1.0]
    assert count_distribution([0.5, 0.5]) == pytest.approx([0.25, 0.5, 0.25])
    assert count_distribution([1.0, 1.0, 0.0]) == pytest.approx([0, 0, 1])
    three = count_distribution([0.2, 0.5, 0.9])
    assert sum(three) == pytest.approx(1)
    assert sum(k * p for k, p in enumerate(three)) == pytest.approx(0.2 + 0.5 + 0.9)
    assert count_distribution([1e-10, 0.5]) == pytest.approx([0.5, 0.5])


def test_launches_per_quarter_give_the_median_and_the_count_reached_with_85pct_confidence():
    as_of = calendar.timegm((2024, 2, 1, 0, 0, 0))
    end_q1 = calendar.timegm((2024, 4, 1, 0, 0, 0))
    sure = (as_of, Atoms([1], [1.0]))  # launches on its first day
    coin = (as_of, Atoms([1, 100], [0.5, 0.5]))  # this quarter or next, evenly
    rows = launch_counts([sure, sure, coin, coin], as_of)
    assert rows[0] == LaunchCount("2024-Q1", as_of, end_q1, 3, 2)
    assert (rows[1].quarter, rows[1].median, rows[1].at_least_85) == ("2024-Q2", 1, 0)
    assert [r.median for r in rows[2:]] == [0, 0, 0]
    late = calendar.timegm((9999, 11, 1, 0, 0, 0))
    assert launch_counts([sure], late) == []
    assert [b[0] for b in quarter_bounds(calendar.timegm((9999, 5, 1, 0, 0, 0)))] == [
        "9999-Q2",
        "9999-Q3",
    ]


def test_a_launch_on_the_last_day_of_a_quarter_counts_in_that_quarter():
    as_of = calendar.timegm((2024, 3, 30, 0, 0, 0))
    on_the_31st = launch_counts([(as_of, Atoms([1], [1.0]))], as_of)
    assert (on_the_31st[0].median, on_the_31st[1].median) == (1, 0)
    on_the_1st = launch_counts([(as_of, Atoms([2], [1.0]))], as_of)
    assert (on_the_1st[0].median, on_the_1st[1].median) == (0, 1)


# -- what each project tells about each step ---------------------------------------------------


def seen(project, as_of_day: float = 100) -> dict[str, list[tuple[float, bool]]]:
    out = observations([project], config(), T0 + int(as_of_day * DAY))
    return {key: durations for key, durations in out.items() if durations}


def test_a_proof_of_concept_is_observed_on_each_step_it_is_on():
    t = timeline("p", {"team_assembled": 10}, problem_statement="skipped")
    t.milestones["demo_ready"] = Dated("done", T0, T0 + 5 * DAY, "created")  # git cannot tell
    assert seen(t) == {"team_assembled": [(10.0, True)], "go_decision": [(100.0, False)]}
    archived = timeline("a", {"team_assembled": 10})
    archived.archived, archived.last_change_at = True, T0 + 40 * DAY
    assert seen(archived)["go_decision"] == [(40.0, False)]  # censored when it was archived


def test_a_project_in_production_is_observed_on_each_production_milestone_and_the_whole():
    t = timeline(
        "p",
        {"go_decision": 30, "problem_statement": 20, "production_data_connected": 50},
        evaluation_suite="in_progress",
        ui_finalized="skipped",
    )
    assert seen(t) == {
        "problem_statement": [(20.0, True)],  # the others were left behind at the go decision
        "go_decision": [(30.0, True)],
        "production_data_connected": [(20.0, True)],
        "evaluation_suite": [(70.0, False)],
        "security_review": [(70.0, False)],
        PRODUCTION: [(70.0, False)],
    }


def test_a_launched_project_is_observed_to_the_last_milestone_its_launch_waited_for():
    production = dict.fromkeys(PRODUCTION_MILESTONES, 60)
    t = timeline("p", {"go_decision": 20, **production, "security_review": 80, "launched": 80})
    observed = seen(t)
    assert observed[PRODUCTION] == [(60.0, True)] and observed["launched"] == [(0.0, True)]
    assert observed["security_review"] == [(60.0, True)]
    after = timeline("q", {"go_decision": 20, **production, "security_review": 95, "launched": 80})
    observed = seen(after)  # done after the launch: the launch did not wait for it
    assert observed[PRODUCTION] == [(40.0, True)] and observed["launched"] == [(20.0, True)]
    assert observed["security_review"] == [(75.0, True)]


def test_a_built_project_waits_for_its_launch_unless_the_launch_is_skipped():
    production = dict.fromkeys(PRODUCTION_MILESTONES, 60)
    waiting = seen(timeline("p", {"go_decision": 20, **production}))
    assert waiting[PRODUCTION] == [(40.0, True)] and waiting["launched"] == [(40.0, False)]
    skipped = seen(timeline("s", {"go_decision": 20, **production}, launched="skipped"))
    assert skipped[PRODUCTION] == [(40.0, True)] and "launched" not in skipped
    declared = timeline("d", {"go_decision": 20, **production})
    declared.milestones["launched"] = Dated("skipped", None, T0 + 90 * DAY, "declared")
    assert "launched" not in seen(declared)


def test_a_production_git_cannot_date_says_nothing_of_when_production_ended():
    production = dict.fromkeys(PRODUCTION_MILESTONES, 60)
    t = timeline("p", {"go_decision": 20, **production, "launched": 80})
    t.milestones["ui_finalized"] = Dated("done", T0, T0 + 60 * DAY, "created")
    observed = seen(t)
    assert PRODUCTION not in observed and "launched" not in observed
    assert "ui_finalized" not in observed and observed["security_review"] == [(40.0, True)]
    launched_unvouched = timeline("u", {"go_decision": 20, **production})
    launched_unvouched.milestones["launched"] = Dated("done", T0, T0 + 80 * DAY, "created")
    observed = seen(launched_unvouched)
    assert PRODUCTION not in observed and "launched" not in observed


def test_a_launch_without_its_production_milestones_leaves_them_unobserved():
    t = timeline("p", {"go_decision": 20, "production_data_connected": 30, "launched": 50})
    observed = seen(t)
    assert observed["production_data_connected"] == [(10.0, True)]
    assert "evaluation_suite" not in observed and "team_assembled" not in observed
    assert observed[PRODUCTION] == [(10.0, True)] and observed["launched"] == [(20.0, True)]


# -- the next milestone ------------------------------------------------------------------------


def test_the_next_milestone_leaves_out_the_ones_done_or_skipped():
    portfolio = history(8)
    f = forecast(
        timeline("poc", {"kickoff": 100, "team_assembled": 101}, problem_statement="skipped"),
        portfolio,
        102,
    )
    assert f.next is not None and f.next.milestone == "demo_ready"


def test_the_next_milestone_with_too_little_history_is_not_forecast_but_the_others_are():
    # team_assembled was done by four projects only; the rest by eight
    portfolio = history(8)
    for t in portfolio[:4]:
        t.milestones["team_assembled"] = Dated("skipped")
    f = forecast(timeline("poc", {"kickoff": 100}), portfolio, 101)
    assert f.next is not None and f.next.milestone == "problem_statement"
    assert f.next.p50 is not None and f.next.p85 is not None
    only_five = history(5)
    f = forecast(timeline("poc", {"kickoff": 100}), only_five, 101)
    assert f.next is not None and f.next.p50 is not None  # five is enough


def test_milestones_expected_the_same_day_come_in_the_catalogs_order():
    portfolio = [
        timeline(
            f"d{i}", {"go_decision": 10, **dict.fromkeys(PRODUCTION_MILESTONES, 30), "launched": 40}
        )
        for i in range(6)
    ]
    f = forecast(timeline("p", {"go_decision": 300}), portfolio, 301)
    assert f.next == MilestoneForecast("production_data_connected", T0 + 320 * DAY, T0 + 320 * DAY)


def test_a_production_step_with_too_few_projects_is_named_even_after_a_skipped_go_decision():
    declared = timeline("declared", {})
    declared.milestones["go_decision"] = Dated("skipped", None, T0 + 300 * DAY, "declared")
    f = forecast(declared, history(4), 301)
    assert f.reason == (
        f"too little history: 4 projects completed go_decision → the last production milestone"
        f"{NEEDS}"
    )


# -- counts at their thresholds ----------------------------------------------------------------


def test_the_median_count_and_the_85pct_count_at_their_exact_thresholds():
    as_of = calendar.timegm((2024, 2, 1, 0, 0, 0))
    coin = (as_of, Atoms([1, 100], [0.5, 0.5]))
    assert launch_counts([coin], as_of)[0].median == 0  # P(0) is exactly one half
    likely = (as_of, Atoms([1, 100], [0.85, 0.15]))
    assert launch_counts([likely], as_of)[0].at_least_85 == 1  # P(1) is exactly 85%


@settings(max_examples=100, deadline=None)
@given(st.lists(st.floats(0, 1), max_size=30))
def test_the_count_distribution_is_the_exact_poisson_binomial(chances):
    exact = [1.0]
    for p in (p for p in chances if p > 1e-9):  # a chance of a billionth or less is no chance
        exact = [a * (1 - p) + b * p for a, b in zip([*exact, 0.0], [0.0, *exact], strict=True)]
    counts = count_distribution(chances)
    assert math.fsum(counts) == pytest.approx(1, abs=1e-12)
    padded = counts + [0.0] * (len(exact) - len(counts))
    assert len(counts) <= len(exact)
    assert padded == pytest.approx(exact, abs=1e-14)


def test_a_skipped_go_decision_or_a_launch_leaves_the_proof_of_concept_behind():
    skipped_go = seen(timeline("g", {"team_assembled": 10}, go_decision="skipped"))
    assert skipped_go == {"team_assembled": [(10.0, True)]}
    launched = timeline("l", {"team_assembled": 10, "launched": 50})
    launched.milestones["go_decision"] = Dated("in_progress", T0)
    assert "demo_ready" not in seen(launched)


def test_a_skipped_production_milestone_with_a_date_is_not_an_observation():
    t = timeline("p", {"go_decision": 20, **dict.fromkeys(PRODUCTION_MILESTONES[:3], 40)})
    t.milestones["security_review"] = Dated("skipped", None, T0 + 90 * DAY, "declared")
    observed = seen(t)
    assert "security_review" not in observed and observed[PRODUCTION] == [(20.0, True)]
