"""Value and return of one project and the portfolio, on hand-built timelines: accrual as costs
(a month is 12/365.25 of a year per day), payback to the second, the projection at current
rates, and unknown (never zero) without benefits or without a rate."""

from __future__ import annotations

from dataclasses import replace

import pytest

from kpictl.config import load_config
from kpictl.dates import DAY
from kpictl.kpis import compute, project_result
from kpictl.kpis.benefits import Benefit
from kpictl.kpis.money import Money
from kpictl.kpis.value import NO_BENEFITS, payback_moment
from tests.kpis.test_kpis import CONFIG, cost, day, timeline

MONTH = 12 / 365.25  # of a monthly amount, per day


def benefit(
    item: str,
    amount: float,
    per: str,
    start: float,
    basis: str = "measured",
    currency: str = "USD",
    end: float | None = None,
) -> Benefit:
    return Benefit(
        item,
        "savings",
        amount,
        currency,
        per,
        day(start),
        day(start),
        day(end) if end is not None else None,
        "c",
        True,
        basis,
    )


def with_benefits(*benefits: Benefit, costs=(), **kw):
    t = timeline(costs=list(costs), **kw)
    t.benefits = list(benefits)
    return t


def test_value_accrues_like_a_cost_and_splits_measured_from_estimated():
    t = with_benefits(
        benefit("a", 3000, "month", 10),
        benefit("b", 1200, "year", 0, basis="estimate"),
        benefit("c", 500, "once", 50, basis="estimate"),
        benefit("later", 900, "once", 500),
        costs=[cost("x", 10000, "once", 0)],
    )
    v = project_result(t, CONFIG, day(100)).value
    assert v is not None
    measured = 3000 * MONTH * 90
    estimated = 1200 / 365.25 * 100 + 500
    assert v.to_date == pytest.approx(measured + estimated, abs=0.005)
    assert v.measured == pytest.approx(measured, abs=0.005)
    assert v.estimated == pytest.approx(estimated, abs=0.01)
    assert v.cost == 10000
    assert v.net == pytest.approx(measured + estimated - 10000, abs=0.01)
    assert v.roi == pytest.approx((measured + estimated - 10000) / 10000, abs=1e-6)


def test_payback_is_found_to_the_second_inside_a_span_and_at_a_one_off():
    money = Money(CONFIG)
    costs = [cost("build", 12000, "once", 0), cost("api", 1000, "month", 0)]
    gains = [benefit("save", 3000, "month", 31)]
    found = payback_moment(money, gains, costs, day(400))
    exact = (12000 + 3000 * MONTH * 31) / (2000 * MONTH)
    assert found is not None
    assert abs((found - day(0)) / DAY - exact) < 1 / 86400 * 2
    # A one-off benefit that covers the cost pays back on its day, not before.
    lump = [benefit("deal", 20000, "once", 40)]
    assert payback_moment(money, lump, costs, day(400)) == day(40)
    # Value that never catches up, and value before any cost.
    assert payback_moment(money, [benefit("s", 10, "month", 0)], costs, day(400)) is None
    assert payback_moment(money, gains, [], day(400)) == day(31)


def test_payback_kpi_runs_with_a_projected_date_until_value_reaches_cost():
    t = with_benefits(
        benefit("save", 3000, "month", 0),
        costs=[cost("build", 50000, "once", 0), cost("api", 1000, "month", 0)],
    )
    r = project_result(t, CONFIG, day(100))
    v, k = r.value, r.kpis["payback_time"]
    assert v is not None and v.paid_back_at is None
    gap = 50000 + 1000 * MONTH * 100 - 3000 * MONTH * 100
    projected = day(100) + gap / (2000 * MONTH) * DAY
    assert v.projected_payback_at is not None
    assert abs(v.projected_payback_at - projected) <= 1
    assert (k.status, k.value, k.projected_at) == ("running", 100.0, v.projected_payback_at)
    # Paid back: the days from the start, final.
    done = project_result(t, CONFIG, day(2000)).kpis["payback_time"]
    assert done.status == "measured"
    assert done.value == pytest.approx(50000 / (2000 * MONTH), abs=0.01)


def test_without_benefits_every_value_kpi_is_unknown_with_a_note_never_zero():
    r = project_result(timeline(costs=[cost("x", 100, "once", 0)]), CONFIG, day(50))
    for kpi_id in ("value_to_date", "net_value", "return_on_investment", "payback_time"):
        value = r.kpis[kpi_id]
        assert (value.value, value.status, value.note) == (None, "unknown", NO_BENEFITS)
    assert r.value is not None and r.value.to_date is None


def test_no_cost_leaves_the_return_unknown_and_a_missing_rate_the_value(tmp_path):
    r = project_result(with_benefits(benefit("a", 100, "once", 0)), CONFIG, day(5))
    roi = r.kpis["return_on_investment"]
    assert (roi.value, roi.status) == (None, "unknown") and "no cost accrued" in (roi.note or "")
    assert r.kpis["net_value"].value == 100
    chf = project_result(
        with_benefits(benefit("a", 100, "once", 0, currency="CHF")), CONFIG, day(5)
    )
    value = chf.kpis["value_to_date"]
    assert (value.value, value.status) == (None, "unknown")
    assert "benefits in CHF have no conversion rate to USD" in (value.note or "")
    (tmp_path / "kpictl.yaml").write_text("currency: {rates: {CHF: 1.1}}\n", encoding="utf-8")
    rated = project_result(
        with_benefits(benefit("a", 100, "once", 0, currency="CHF")), load_config(tmp_path), day(5)
    )
    assert rated.kpis["value_to_date"].value == pytest.approx(110)


def test_a_benefit_without_a_rate_that_starts_later_adds_nothing_yet_and_breaks_nothing():
    """A business case in a currency without a rate, from an expected launch after the as-of
    date, beside a benefit that converts (the large demo's Zurich projects found it)."""
    t = with_benefits(
        benefit("a", 100, "once", 0),
        benefit("case", 5000, "month", 30, basis="estimate", currency="CHF"),
        costs=[cost("x", 50, "once", 0)],
    )
    r = project_result(t, CONFIG, day(10))
    assert r.kpis["value_to_date"].value == 100 and r.kpis["net_value"].value == 50
    later = project_result(t, CONFIG, day(40)).kpis["value_to_date"]
    assert (later.value, later.status) == (None, "unknown")
    assert "benefits in CHF have no conversion rate to USD" in (later.note or "")


def test_an_archived_project_stops_giving_back_when_its_file_was_deleted():
    t = with_benefits(benefit("a", 3000, "month", 0), last_change=30, archived=True)
    v = project_result(t, CONFIG, day(100)).value
    assert v is not None
    assert v.to_date == pytest.approx(3000 * MONTH * 30, abs=0.005)
    assert v.projected_payback_at is None


def test_the_portfolio_pools_the_return_and_counts_value_by_quarter_and_team():
    a = with_benefits(
        benefit("a", 1000, "once", 10), costs=[cost("x", 400, "once", 0)], project_id="a"
    )
    b = with_benefits(
        benefit("b", 100, "once", 10),
        costs=[cost("y", 600, "once", 0)],
        project_id="b",
        team="other",
    )
    c = timeline(project_id="c", costs=[cost("z", 1000, "once", 0)])
    report = compute([a, b, c], CONFIG, day(200), "h")
    v = report.portfolio.value
    assert v is not None
    assert (v.to_date, v.measured_to_date, v.cost_to_date) == (1100, 1100, 2000)
    assert v.roi == pytest.approx((1100 - 2000) / 2000)
    assert v.paid_back == ("a",)
    assert sum(total for _, total, _, _ in v.by_quarter) == pytest.approx(1100)
    assert v.groups["team"]["platform"].roi == pytest.approx((1000 - 1400) / 1400)
    assert v.groups["team"]["other"].cost == 600
    none = compute([c], CONFIG, day(200), "h").portfolio.value
    assert none is None


def test_the_curve_steps_at_a_one_off_and_ends_at_the_as_of_date():
    t = with_benefits(benefit("a", 500, "once", 10), costs=[cost("x", 100, "month", 0)])
    curve = project_result(t, CONFIG, day(30)).value.curve  # type: ignore[union-attr]
    moments = [point[0] for point in curve]
    assert moments == sorted(moments) and moments[-1] == day(30)
    before = next(p for p in curve if p[0] == day(10) - 1)
    at = next(p for p in curve if p[0] == day(10))
    assert (before[3], at[3]) == (0, 500)
    assert replace(t, benefits=[]).benefits == []
