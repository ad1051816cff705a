"""Forecasts on the exact time a project has spent on its step, and a bound where the portfolio
has seen nothing as long."""

from __future__ import annotations

import calendar
import dataclasses

import pytest

from kpictl.dates import DAY
from kpictl.kpis.forecast.competing import Archiving
from kpictl.kpis.forecast.distributions import KaplanMeier, quantile
from kpictl.kpis.forecast.forecaster import forecast_portfolio
from kpictl.kpis.forecast.pace import log_rank, pace
from kpictl.kpis.forecast.path import Seen, StepDef
from kpictl.kpis.forecast.quarters import quarter_bounds
from kpictl.kpis.timeline import Timeline
from tests.kpis.test_forecast import config, history, launched_project, timeline
from tests.portfoliosim import MILESTONES, T0

PRODUCTION_MILESTONES = MILESTONES[5:9]


def lags(*days: float) -> list[Timeline]:
    """Launched projects whose last step (production done → launch) took the given days."""
    return [launched_project(f"done-{i}", 50, 80, d) for i, d in enumerate(days)]


def built(pid: str = "built", production_done: float = 310) -> Timeline:
    return timeline(
        pid, {"go_decision": 300, **dict.fromkeys(PRODUCTION_MILESTONES, production_done)}
    )


def test_steps_that_ended_earlier_on_the_same_day_are_behind_a_project_1_7_days_in():
    km = KaplanMeier([(d, True) for d in (1.2, 1.4, 1.6, 50, 90, 100)])
    assert quantile(km.conditional(1.7), 0.5) == 90  # not day 2: those three are behind it
    assert km.conditional(1.1).days == [2, 50, 90, 100]
    as_of = T0 + int(311.7 * DAY)
    f = forecast_portfolio([*lags(1.2, 1.4, 1.6, 50, 90, 100), built()], config(), as_of)
    assert f.projects["built"].p50 == T0 + (310 + 90) * DAY


def test_a_project_longer_than_the_longest_by_part_of_a_day_gets_no_date_but_a_bound():
    km = KaplanMeier([(d, True) for d in (1.2, 1.4, 1.6, 50, 90, 99.2)])
    assert km.conditional(99.5).days == []  # 99.5 days in: past the longest, 99.2
    assert km.conditional(99.1).days == [100]
    as_of = T0 + int((310 + 99.5) * DAY)
    f = forecast_portfolio([*lags(1.2, 1.4, 1.6, 50, 90, 99.2), built()], config(), as_of)
    b = f.projects["built"]
    assert (b.p50, b.p85) == (None, None)
    assert b.not_before == as_of
    assert b.reason is not None and b.reason.startswith("not before ")


# -- the chance of launching at all ------------------------------------------------------------


def test_archiving_is_a_competing_risk_by_aalen_johansen():
    # done at 10, archived at 20, still running at 25, done at 30
    a = Archiving([(10, True), (20, False), (25, False), (30, True)], [20])
    assert a.chance(0) == pytest.approx(0.25)  # 3/4 reach day 20, one in three archived then
    assert a.chance(15) == pytest.approx(1 / 3)  # past day 10: the archiving is ahead
    assert a.chance(22) == pytest.approx(0.0)
    assert a.tail_share == 0.0  # the longest quarter that ended (day 30) completed


def test_beyond_the_last_end_seen_the_longest_projects_archive_share_is_assumed():
    a = Archiving([(10, True), (20, False), (50, False), (60, False)], [20])
    assert a.tail_share == 1.0  # the longest that ended (day 20) was archived
    assert a.chance(0) == pytest.approx(0.25 + 0.5)
    assert a.chance(30) == pytest.approx(1.0)
    assert Archiving([(10, True), (20, True)], []).chance(0) == 0.0


def test_a_project_is_given_its_chance_of_launching_and_the_counts_use_it():
    archived = [
        dataclasses.replace(
            timeline(f"gone-{i}", {}), archived=True, last_change_at=T0 + (20 + i) * DAY
        )
        for i in range(4)
    ]
    portfolio = [*history(8), *archived]
    as_of = T0 + 300 * DAY
    fresh = timeline("fresh", {"kickoff": 299})
    out = forecast_portfolio([*portfolio, fresh], config(), as_of)
    f = out.projects["fresh"]
    assert f.p_launch == pytest.approx(8 / 12)  # 4 of 12 archived in proof of concept
    alone = forecast_portfolio([*history(8), fresh], config(), as_of).projects["fresh"]
    assert alone.p_launch == 1.0 and (alone.p50, alone.p85) == (f.p50, f.p85)  # if it launches
    late = timeline("late", {"kickoff": 270})  # 30 days in: past every archiving
    assert forecast_portfolio([*portfolio, late], config(), as_of).projects["late"].p_launch == 1
    many = [timeline(f"new-{i}", {"kickoff": 299}) for i in range(30)]
    sure = forecast_portfolio([*history(8), *many], config(), as_of).launches
    maybe = forecast_portfolio([*portfolio, *many], config(), as_of).launches
    assert sum(c.median for c in maybe) < sum(c.median for c in sure)


# -- quarters ------------------------------------------------------------------------------------


def test_an_as_of_at_a_quarters_last_second_starts_with_the_next_quarter():
    last_second = calendar.timegm((2025, 7, 1, 0, 0, 0)) - 1
    bounds = quarter_bounds(last_second)
    assert bounds[0] == ("2025-Q3", last_second, calendar.timegm((2025, 10, 1, 0, 0, 0)))
    assert len(bounds) == 5
    day_left = calendar.timegm((2025, 7, 1, 0, 0, 0)) - DAY
    assert quarter_bounds(day_left)[0][0] == "2025-Q2"


# -- a change of pace --------------------------------------------------------------------------


def test_the_log_rank_score_is_positive_when_a_group_ends_sooner():
    quick = [(d, True) for d in (5, 6, 7, 8, 9)]
    slow = [(d, True) for d in (10, 11, 12, 13, 14)]
    assert log_rank(quick, slow) > 2 > -2 > log_rank(slow, quick)
    assert log_rank(quick, quick) == 0.0
    assert log_rank([(5, False)], [(6, False)]) == 0.0  # nothing ended: nothing to tell


def seen_of(gap_days: float, earlier: list[float], later: list[float]) -> Seen:
    durations = [(d, True) for d in [*earlier, *later]]
    anchors = [T0] * len(earlier) + [T0 + int(gap_days * DAY)] * len(later)
    step = StepDef("go_decision", "kickoff → go_decision")
    return Seen(
        {"go_decision": step},
        {"go_decision": durations},
        {"go_decision": anchors},
        {"go_decision": [False] * len(durations)},
    )


def test_a_change_of_pace_is_named_only_when_large_clear_and_spread_over_time():
    slow = [float(d) for d in range(40, 60)] * 2
    quick = [d * 0.7 for d in slow]  # 30% less time
    year = pace(seen_of(365, slow, quick), ["go_decision"], 5)
    assert year is not None and year.changed and year.ratio == pytest.approx(0.7, abs=0.02)
    assert year.z > 3
    assert year.per_year == pytest.approx(year.ratio, rel=0.01)  # halves a year apart
    assert "teams have been getting faster" in year.note()
    assert pace(seen_of(30, slow, quick), ["go_decision"], 5) is None  # a month says nothing
    half = pace(seen_of(120, slow, quick), ["go_decision"], 5)  # 0.71 in 4 months
    assert half is not None and half.per_year == 0.5  # held: at most halving in a year
    alike = pace(seen_of(365, slow, list(reversed(slow))), ["go_decision"], 5)
    assert alike is not None and not alike.changed
    slower = pace(seen_of(365, quick, slow), ["go_decision"], 5)
    assert slower is not None and slower.changed and "getting slower" in slower.note()
