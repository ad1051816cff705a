"""A value against its KPI's target, both ways round, at the target and either side of it."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from kpictl.config import KpiDef, default_config
from kpictl.kpis.judge import judge, judge_current, judge_portfolio, judge_running, miss
from kpictl.kpis.stats import summarise

CONFIG = default_config(Path.cwd())
DAYS = next(k for k in CONFIG.kpis if k.id == "time_to_assemble_team")  # target 21 days
COST = next(k for k in CONFIG.kpis if k.unit == "currency" and k.target is not None)


_KEEP = object()


def kpi(base: KpiDef = DAYS, target=_KEEP, direction=None) -> KpiDef:
    target = base.target if target is _KEEP else target
    return replace(base, target=target, direction=direction or base.direction)


@pytest.mark.parametrize(
    ("direction", "value", "verdict"),
    [
        ("lower", 20, "met"),
        ("lower", 21, "met"),  # the target itself is met
        ("lower", 22, "missed"),
        ("higher", 20, "missed"),
        ("higher", 21, "met"),
        ("higher", 22, "met"),
    ],
)
def test_a_value_is_judged_the_way_its_kpi_is_better(direction, value, verdict):
    assert judge(kpi(target=21, direction=direction), value) == verdict


def test_without_a_target_a_value_is_only_measured():
    assert judge(kpi(target=None), 1e9) == "measured"
    assert judge(kpi(target=None, direction="higher"), -1) == "measured"


@pytest.mark.parametrize(
    ("value", "status"), [(20.9, "running"), (21, "running"), (21.1, "overdue")]
)
def test_a_running_duration_is_overdue_only_once_past_its_target(value, status):
    assert judge_running(kpi(target=21), value) == status


def test_a_running_cost_a_kpi_where_higher_is_better_or_one_without_target_is_never_overdue():
    assert judge_running(kpi(COST), COST.target * 10) == "running"
    assert judge_running(kpi(direction="higher", target=21), 1000) == "running"
    assert judge_running(kpi(target=None), 1000) == "running"


def test_a_miss_is_how_far_past_the_target_in_the_unit_and_in_percent():
    assert miss(kpi(target=20), 25) == (5, 25.0)
    assert miss(kpi(target=20, direction="higher"), 15) == (5, 25.0)
    assert miss(kpi(target=20), 20) is None  # met
    assert miss(kpi(target=20, direction="higher"), 25) is None  # met
    assert miss(kpi(target=None), 25) is None
    assert miss(kpi(target=0), 3) == (3, None)  # no percentage of zero


def test_the_portfolio_and_the_recent_window_judge_their_median():
    target = kpi(target=21)
    assert judge_portfolio(target, summarise([10, 30, 40])) == "missed"
    assert judge_portfolio(target, summarise([10, 20, 40])) == "met"
    assert judge_portfolio(target, summarise([])) == "no_data"
    assert judge_current(target, summarise([10, 30, 40])) == "missed"
    assert judge_current(target, summarise([21])) == "met"
    assert judge_current(target, summarise([])) == "no_recent_data"
