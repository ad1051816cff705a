"""The forecasts' whole-day distributions on their own: properties that hold for any data
(hypothesis, a few seconds in all) and the exact numbers of small cases."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kpictl.kpis.forecast.distributions import (
    Array,
    Atoms,
    KaplanMeier,
    Sum,
    add,
    quantile,
)

FAST = settings(max_examples=150, deadline=None)

durations = st.floats(0, 200, allow_nan=False)
observations = st.lists(st.tuples(durations, st.booleans()), min_size=1, max_size=40)
completed = st.lists(st.integers(0, 60), min_size=1, max_size=40)


@st.composite
def atoms(draw: st.DrawFn, most_days: int = 40) -> Atoms:
    days = sorted(draw(st.sets(st.integers(0, most_days), min_size=1, max_size=12)))
    weights = draw(st.lists(st.floats(0.01, 1), min_size=len(days), max_size=len(days)))
    total = sum(weights)
    return Atoms(days, [w / total for w in weights])


def mean_of_table(values: list[float]) -> float:
    """E[X] = Σ P(X > k) for a whole-day X whose table reaches 1."""
    return sum(1 - v for v in values)


def mean_of_atoms(a: Atoms) -> float:
    return sum(d * p for d, p in zip(a.days, a.probabilities, strict=True))


@FAST
@given(observations)
def test_kaplan_meier_masses_and_the_unseen_tail_sum_to_one(observed):
    km = KaplanMeier(observed)
    assert math.fsum(km.masses) + km.tail == pytest.approx(1, abs=1e-12)
    assert all(m > 0 for m in km.masses) and km.days == sorted(set(km.days))
    assert km.completed == sum(done for _, done in observed)
    if not km.completed:
        assert (km.days, km.tail, km.longest) == ([], 1.0, None)
    else:
        assert km.longest == max(math.ceil(d) for d, done in observed if done)


@FAST
@given(st.lists(durations, min_size=1, max_size=40))
def test_kaplan_meier_without_censoring_is_the_empirical_distribution(done_after):
    km = KaplanMeier((d, True) for d in done_after)
    assert km.tail == pytest.approx(0, abs=1e-12)
    cdf = km.unconditional()
    for day in range(0, 202):
        share = sum(math.ceil(d) <= day for d in done_after) / len(done_after)
        assert cdf.cdf(day) == pytest.approx(share, abs=1e-12)


def test_kaplan_meier_counts_a_step_censored_at_an_events_moment_as_at_risk_for_it():
    # At day 10 three are at risk: one ends, one leaves unseen; the last ends at day 20.
    km = KaplanMeier([(10, False), (10, True), (20, True)])
    assert km.days == [10, 20] and km.masses == pytest.approx([1 / 3, 2 / 3]) and km.tail == 0
    before = KaplanMeier([(9.5, False), (10, True), (20, True)])  # left before: not at risk
    assert before.masses == pytest.approx([1 / 2, 1 / 2])


def test_kaplan_meier_adds_up_moments_that_fall_on_the_same_whole_day():
    km = KaplanMeier([(9.2, True), (9.7, True), (12, True), (30, False)])
    assert km.days == [10, 12] and km.masses == pytest.approx([0.5, 0.25])
    assert km.tail == pytest.approx(0.25) and km.longest == 12
    assert KaplanMeier([(-1, True)]).days == [0]  # a step done before it started took no days


def test_conditioning_keeps_what_is_left_after_the_time_already_spent():
    km = KaplanMeier([(10, True), (20, True), (30, True), (40, False)])
    later = km.conditional(10)  # still running after day 10: day 10 is behind it
    assert later.days == [20, 30] and later.probabilities == pytest.approx([1 / 3, 1 / 3])
    assert km.conditional(9.9).days == [10, 20, 30]
    assert km.conditional(30).days == []  # past everything seen to end
    assert KaplanMeier([(5, False)]).conditional(0).days == []


@FAST
@given(observations, st.floats(0, 200))
def test_a_conditioned_distribution_with_its_tail_sums_to_one(observed, elapsed):
    km = KaplanMeier(observed)
    left = km.conditional(elapsed)
    if left.days:
        assert all(d > elapsed for d in left.days)
        tail = 1 - math.fsum(left.probabilities)
        seen_tail = km.tail / (
            math.fsum(m for t, m in zip(km.moments, km.moment_masses, strict=True) if t > elapsed)
            + km.tail
        )
        assert tail == pytest.approx(seen_tail, abs=1e-9)


@FAST
@given(atoms(), atoms())
def test_the_sum_of_two_durations_has_the_sum_of_their_means(first, then):
    table = then.as_array(then.span[1])
    total = add(first, table)
    assert total.values[-1] == pytest.approx(1, abs=1e-12)
    assert mean_of_table(total.values) == pytest.approx(
        mean_of_atoms(first) + mean_of_atoms(then), abs=1e-9
    )
    lazy = Sum(first, table)
    assert lazy.span == (first.span[0], total.span[1])
    for day in range(-1, total.span[1] + 3):
        assert lazy.cdf(day) == pytest.approx(total.cdf(day), abs=1e-12)


def test_the_sum_of_two_small_durations_exactly():
    first = Atoms([1, 3], [0.5, 0.5])
    then = Atoms([0, 2], [0.25, 0.75]).as_array(2)
    assert then.values == pytest.approx([0.25, 0.25, 1.0])
    # 1+0, 1+2, 3+0, 3+2 with 1/8, 3/8, 1/8, 3/8
    expected = [0, 1 / 8, 1 / 8, 5 / 8, 5 / 8, 1]
    assert add(first, then).values == pytest.approx(expected)
    assert [Sum(first, then).cdf(d) for d in range(-1, 7)] == pytest.approx([0, *expected, 1])


def test_a_table_is_constant_after_its_last_day_and_zero_before_the_first():
    table = Array([0.5, 0.8])
    assert [table.cdf(d) for d in (-1, 0, 1, 5)] == [0.0, 0.5, 0.8, 0.8]
    assert table.span == (0, 1)
    few = Atoms([2, 5], [0.25, 0.5])
    assert [few.cdf(d) for d in (1, 2, 4, 5, 9)] == [0.0, 0.25, 0.25, 0.75, 0.75]
    assert few.span == (2, 5) and Atoms([], []).span == (0, 0)
    assert few.as_array(6).values == [0.0, 0.0, 0.25, 0.25, 0.25, 0.75, 0.75]


@FAST
@given(atoms(), st.floats(0.01, 1), st.floats(0.01, 1))
def test_percentiles_are_monotone_in_p_and_are_the_first_day_reaching_it(dist, p, q):
    low, high = sorted((p, q))
    a, b = quantile(dist, low), quantile(dist, high)
    assert a is not None and b is not None and a <= b
    assert dist.cdf(b) >= high - 1e-9 and (b == dist.span[0] or dist.cdf(b - 1) < high - 1e-9)


def test_a_percentile_past_what_was_seen_to_end_is_not_given():
    unseen = KaplanMeier([(10, True), (20, True), (30, False), (40, False)]).unconditional()
    assert (quantile(unseen, 0.5), quantile(unseen, 0.51), quantile(unseen, 0.25)) == (20, None, 10)
    assert quantile(Atoms([3, 7], [0.5, 0.5]), 0.5) == 3
    assert quantile(Atoms([3, 7], [0.5, 0.5]), 0.5 + 1e-6) == 7
