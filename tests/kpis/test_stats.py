"""Statistics of the portfolio view, including property tests against known answers."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kpictl.kpis.stats import learning_curve, median, percentile, summarise

numbers = st.lists(st.floats(0, 1e6, allow_nan=False), min_size=1, max_size=50)


def test_percentile_interpolates_between_ranks():
    assert percentile([1, 2, 3, 4], 50) == 2.5
    assert percentile([10, 20, 30, 40, 50], 85) == pytest.approx(44.0)
    assert median([5]) == 5
    assert summarise([]).n == 0 and summarise([]).median is None


@given(numbers, st.floats(0, 100), st.floats(0, 100))
def test_percentile_is_bounded_and_monotone(values, q1, q2):
    low, high = sorted((q1, q2))
    assert min(values) <= percentile(values, low) <= percentile(values, high) <= max(values)


@given(numbers)
def test_the_median_splits_the_values_in_half(values):
    m = median(values)
    assert sum(v < m for v in values) <= len(values) / 2
    assert sum(v > m for v in values) <= len(values) / 2


@given(
    t1=st.floats(1, 1000),
    rate=st.floats(0.5, 1.2),
    n=st.integers(3, 40),
)
def test_the_fit_recovers_an_exact_power_law(t1, rate, n):
    b = math.log2(rate)
    curve = learning_curve([t1 * k**b for k in range(1, n + 1)])
    assert curve.n == n
    assert curve.rate_per_doubling == pytest.approx(rate, rel=1e-6)
    assert curve.t1 == pytest.approx(t1, rel=1e-6)


def test_the_fit_says_plainly_when_there_are_too_few_points():
    assert learning_curve([100, 80]).rate_per_doubling is None
    assert "at least 3" in learning_curve([100, 80]).note
    few = learning_curve([300, 240, 200, 160])
    assert few.rate_per_doubling is not None and "not reliable" in few.note
    many = learning_curve([200 * k ** math.log2(0.85) for k in range(1, 11)])
    assert many.rate_per_doubling == pytest.approx(0.85)
    assert "cuts it by 15%" in many.note


def test_a_percentile_of_nothing_is_an_error_that_says_so():
    with pytest.raises(ValueError, match=r"^percentile of no values$"):
        percentile([], 50)


def test_below_three_points_the_curve_counts_them_in_words():
    one, two = learning_curve([100]), learning_curve([100, 80])
    assert (one.n, two.n) == (1, 2)
    assert (two.t1, two.b, two.rate_per_doubling) == (None, None, None)
    assert one.note == "only 1 launched project; a learning curve needs at least 3"
    assert two.note.startswith("only 2 launched projects; ")
    assert learning_curve([]).note.startswith("only 0 launched projects; ")


def power_law(rate: float, n: int) -> list[float]:
    return [100 * k ** math.log2(rate) for k in range(1, n + 1)]


def test_the_curve_gives_its_exponent_and_is_reliable_from_eight_points():
    seven, eight = learning_curve(power_law(0.8, 7)), learning_curve(power_law(0.8, 8))
    assert eight.b == pytest.approx(math.log2(0.8)) and seven.b == pytest.approx(math.log2(0.8))
    assert "not reliable" in seven.note and "it needs 8 or more" in seven.note
    assert eight.note == "each doubling of the number of launched projects cuts it by 20%"


@pytest.mark.parametrize(
    ("rate", "words"),
    [
        (0.4, "cuts it by 60%"),  # 60.6 would round to 61
        (1.0, "cuts it by 0%"),  # flat: neither cut nor raised, said as a cut of 0
        (0.997, "cuts it by 0%"),  # under one percent is still a cut
        (1.25, "raises it by 25%"),
    ],
)
def test_the_note_says_which_way_each_doubling_moves_it_and_by_how_much(rate, words):
    curve = learning_curve(power_law(rate, 10) if rate != 1.0 else [50.0] * 10)
    assert curve.note.endswith(words), curve.note
