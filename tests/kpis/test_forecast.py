"""Launch forecasts, on hand-built timelines and on portfolios drawn from known distributions."""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path

import pytest

from kpictl.config import Config, default_config
from kpictl.dates import DAY
from kpictl.kpis.forecast.distributions import quantile
from kpictl.kpis.forecast.forecaster import forecast_portfolio
from kpictl.kpis.forecast.path import Step, StepDef
from kpictl.kpis.forecast.quarters import quarter_bounds
from kpictl.kpis.timeline import Dated, Timeline
from tests.portfoliosim import MILESTONES, T0, simulate, timelines_at


def config(**forecast: object) -> Config:
    base = default_config(Path.cwd())
    settings = {"window_days": None, **forecast}
    return dataclasses.replace(base, forecast=dataclasses.replace(base.forecast, **settings))


def timeline(pid: str, done: dict[str, float], **statuses: str) -> Timeline:
    """A project whose milestones were done on the given days after T0 (kickoff: day 0 unless
    given); ``statuses`` sets others (skipped, in_progress)."""
    when = {m: T0 + int(day * DAY) for m, day in {"kickoff": 0, **done}.items()}
    milestones = {
        m: Dated("done", done_at=when[m], source="git")
        if m in when
        else Dated(statuses.get(m, "planned"))  # type: ignore[arg-type]
        for m in MILESTONES
    }
    return Timeline(
        id=pid,
        path=f"projects/{pid}.yaml",
        data={"name": pid, "team": "t"},
        created_at=when["kickoff"],
        created_commit=None,
        archived=False,
        milestones=milestones,
        last_change_at=max(when.values()),
    )


def launched_project(pid: str, go: float, production: float, lag: float) -> Timeline:
    ms = {"go_decision": go, "launched": go + production + lag}
    ms.update({m: go + production for m in MILESTONES[5:9]})
    ms.update({m: go * 0.5 for m in MILESTONES[1:4]})
    return timeline(pid, ms)


def history(n: int) -> list[Timeline]:
    """n launched projects: 40-60 days to go, 60-100 days of production, 10 days to launch."""
    return [
        launched_project(f"done-{i}", 40 + 20 * i / max(n - 1, 1), 60 + 40 * i / max(n - 1, 1), 10)
        for i in range(n)
    ]


def test_steps_still_running_are_censored_so_the_forecast_is_not_optimistic():
    step = Step(
        StepDef("go_decision", "kickoff"), [(10, True), (20, True), (30, False), (40, False)]
    )
    # Kaplan–Meier: 1/4 done by day 10, 1/4 more by day 20, half never seen to end
    assert step.days == [10, 20] and step.masses == pytest.approx([0.25, 0.25])
    assert step.tail == pytest.approx(0.5) and step.completed == 2
    dist = step.conditional(0)
    assert quantile(dist, 0.5) == 20 and quantile(dist, 0.85) is None
    ignoring_the_running = Step(StepDef("go_decision", "kickoff"), [(10, True), (20, True)])
    assert quantile(ignoring_the_running.conditional(0), 0.85) == 20


def test_a_project_gets_launch_and_next_milestone_percentiles_with_its_basis():
    fresh = timeline("fresh", {"go_decision": 30}, production_data_connected="in_progress")
    out = forecast_portfolio([*history(8), fresh], config(), T0 + 31 * DAY)
    f = out.projects["fresh"]
    assert f.reason is None and f.basis == 8 and f.milestone == "launched"
    assert f.p50 is not None and f.p85 is not None
    assert T0 + 31 * DAY < f.p50 <= f.p85
    # 60-100 days of production and 10 days of lag after the go decision on day 30
    assert T0 + (30 + 70) * DAY <= f.p50 <= T0 + (30 + 110) * DAY
    assert f.next is not None and f.next.milestone != "launched"
    assert f.next.p50 is not None and f.next.p50 <= f.p50
    assert set(out.projects) == {"fresh"}  # launched projects get no forecast


def test_with_too_little_history_there_is_no_number_but_a_reason():
    out = forecast_portfolio([*history(4), timeline("new", {})], config(), T0 + 5 * DAY)
    f = out.projects["new"]
    assert (f.p50, f.p85, f.basis, f.past_p85) == (None, None, 4, None)
    assert f.reason is not None and f.reason.startswith("too little history: 4 projects completed")
    assert "a forecast needs 5" in f.reason
    assert out.not_counted == ["new"]
    lowered = forecast_portfolio([*history(4), timeline("new", {})], config(min_basis=3), T0)
    assert lowered.projects["new"].p50 is not None


def test_the_window_leaves_out_steps_that_started_before_it():
    old = history(8)
    as_of = T0 + 1000 * DAY
    new = timeline("new", {"kickoff": 990})
    f = forecast_portfolio([*old, new], config(window_days=365), as_of).projects["new"]
    assert f.p50 is None and "in the last 365 days" in (f.reason or "")


def test_a_project_far_past_its_steps_usual_duration_is_forecast_later_than_a_fresh_one():
    # Production usually takes about 20 days; four projects in fourteen took 100 to 160.
    usual = [launched_project(f"u{i}", 30, 16 + i, 5) for i in range(10)]
    slow = [launched_project(f"s{i}", 30, 100 + 20 * i, 5) for i in range(4)]
    as_of = T0 + 400 * DAY
    fresh = timeline("fresh", {"go_decision": 399})
    overdue = timeline("overdue", {"go_decision": 360})  # 40 days into a 20-day step
    out = forecast_portfolio([*usual, *slow, fresh, overdue], config(), as_of)
    f, o = out.projects["fresh"], out.projects["overdue"]
    assert f.p50 is not None and o.p50 is not None
    assert f.p50 <= as_of + 30 * DAY  # the usual pace
    assert o.p50 > f.p50 + 30 * DAY  # not 'due in 0 days': it is one of the slow ones
    # over a quarter took 100 days or more: 40 days is late, but not past the 85th percentile
    assert (o.past_p85, f.past_p85) == (False, False)
    very_late = timeline("very-late", {"go_decision": 250})  # 150 days in; the slowest took 160
    v = forecast_portfolio([*usual, *slow, very_late], config(), as_of).projects["very-late"]
    assert v.past_p85 is True and v.p50 is not None and v.p50 > as_of
    # and a project only a little into the step is forecast from what is left of it
    early = timeline("early", {"go_decision": 390})
    e = forecast_portfolio([*usual, *slow, early], config(), as_of).projects["early"]
    assert e.p50 is not None and as_of < e.p50 <= f.p50


def test_a_project_past_everything_the_portfolio_has_seen_gets_a_bound_and_its_reason():
    stuck = timeline("stuck", {"go_decision": 10})
    f = forecast_portfolio([*history(6), stuck], config(), T0 + 400 * DAY).projects["stuck"]
    assert (f.p50, f.p85, f.past_p85) == (None, None, True)
    assert f.reason is not None and "already longer in production (390 days)" in f.reason
    assert f.reason.endswith("than any project that finished it (100 days)")
    assert f.not_before == T0 + (400 + 10) * DAY  # now, plus the shortest launch seen


def test_the_next_milestone_is_the_one_expected_first_not_the_next_in_the_list():
    # production data takes ~90 days from the go decision, the UI ~10: the UI comes first
    done = []
    for i in range(6):
        ms = {
            "go_decision": 10,
            "production_data_connected": 100 + i,
            "evaluation_suite": 50,
            "ui_finalized": 20 + i,
            "security_review": 60,
            "launched": 120 + i,
        }
        done.append(timeline(f"d{i}", ms))
    running = timeline("running", {"go_decision": 300, "evaluation_suite": 330})
    f = forecast_portfolio([*done, running], config(), T0 + 301 * DAY).projects["running"]
    assert f.next is not None and f.next.milestone == "ui_finalized"
    assert f.p50 is not None and f.next.p50 is not None and f.next.p50 < f.p50


def test_skipped_production_milestones_are_not_waited_for():
    done = history(6)
    skipping = timeline("skipping", {"go_decision": 300}, ui_finalized="skipped")
    f = forecast_portfolio([*done, skipping], config(), T0 + 301 * DAY).projects["skipping"]
    assert f.reason is None and f.next is not None and f.next.milestone != "ui_finalized"


def test_forecasts_are_deterministic_and_each_depends_on_its_own_history_only():
    projects = simulate(120, seed=3)
    as_of = T0 + 500 * DAY
    timelines = timelines_at(projects, as_of)
    first = forecast_portfolio(timelines, config(), as_of)
    again = forecast_portfolio(list(reversed(timelines_at(projects, as_of))), config(), as_of)
    assert first == again
    renamed = timelines_at(projects, as_of)
    renamed[0].data = {**renamed[0].data, "name": "Renamed"}
    assert forecast_portfolio(renamed, config(), as_of).projects == first.projects


def test_launches_expected_count_the_rest_of_this_quarter_and_the_next_four():
    bounds = quarter_bounds(T0 + 40 * DAY)  # 2023-02-10
    assert [b[0] for b in bounds] == ["2023-Q1", "2023-Q2", "2023-Q3", "2023-Q4", "2024-Q1"]
    assert bounds[0][1] == T0 + 40 * DAY and bounds[1][1] == bounds[0][2]
    # twenty projects all but launched: every production milestone done, launch due in days
    almost = [
        timeline(f"a{i}", {"go_decision": 10, **dict.fromkeys(MILESTONES[5:9], 30)})
        for i in range(20)
    ]
    out = forecast_portfolio([*history(8), *almost], config(), T0 + 31 * DAY)
    first = out.launches[0]
    assert first.quarter == "2023-Q1" and first.median == 20 and first.at_least_85 == 20
    assert sum(q.median for q in out.launches[1:]) == 0


def _coverage(seed: int, as_ofs: list[int]) -> tuple[float, float, int, int]:
    projects = simulate(500, seed=seed)
    by_id = {p.id: p for p in projects}
    by50 = by85 = n = 0
    forecast_projects: set[str] = set()
    for as_of in as_ofs:
        out = forecast_portfolio(timelines_at(projects, as_of), config(), as_of)
        for pid, f in out.projects.items():
            if f.p50 is None or f.p85 is None:
                continue
            truth = by_id[pid].launch  # known: the simulation ran every project to its launch
            n += 1
            by50 += truth <= f.p50
            by85 += truth <= f.p85
            forecast_projects.add(pid)
    return by50 / n, by85 / n, n, len(forecast_projects)


@pytest.mark.parametrize("seed", [11, 12])
def test_over_several_as_of_dates_launches_land_by_p50_and_p85_as_often_as_they_say(seed):
    as_ofs = [T0 + (420 + 60 * k) * DAY for k in range(6)]
    share50, share85, n, distinct = _coverage(seed, as_ofs)
    assert n > 400
    # The same project is forecast at several dates, so the forecasts are not independent:
    # the sampling noise is taken from the number of distinct projects, at three standard errors.
    noise50 = 3 * math.sqrt(0.5 * 0.5 / distinct)
    noise85 = 3 * math.sqrt(0.85 * 0.15 / distinct)
    assert abs(share50 - 0.50) <= noise50, (share50, noise50)
    assert abs(share85 - 0.85) <= noise85, (share85, noise85)
