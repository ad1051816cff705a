"""Charts whose data span centuries (one commit dated far in the future) draw a few labelled
years and stay small, while charts over a normal span of two years draw what they always drew.

Pure drawing: the quarters are those the site passes (every quarter from the first to the
as-of date's, gaps included), made with kpictl.dates, no git."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import datetime, timezone
from itertools import pairwise

import pytest

from kpictl.dates import is_partial, quarters
from kpictl.site import charts, trends

UTC = timezone.utc
CALENDAR_LABEL = re.compile(r"^(Q[1-4]|\d{4}|[A-Z][a-z]{2} \d{4})$")  # Q3, 2025, Jan 2026


def epoch(year: int, month: int = 1, day: int = 1) -> int:
    return int(datetime(year, month, day, tzinfo=UTC).timestamp())


def money(v: float) -> str:
    return f"${v:,.0f}"


def days(v: float) -> str:
    return f"{v:,.1f}"


def calendar_labels(svg: str) -> list[tuple[str, str]]:
    """The calendar axis as a reader sees it: each label under the plot, and where it is."""
    return [
        (t.text, t.get("x", ""))
        for t in ET.fromstring(svg).iter("text")
        if t.text and CALENDAR_LABEL.match(t.text)
    ]


def span(first: int, as_of: int, medians: dict[str, float]) -> list[trends.QuarterPoint]:
    return [
        trends.QuarterPoint(label, s, e, medians.get(label), is_partial(e, as_of))
        for label, s, e in quarters(first, as_of, UTC)
    ]


FIRST, FAR = epoch(2024, 1, 10), epoch(9999, 11, 15)  # data from 2024 to late 9999
FAR_QUARTERS = span(FIRST, FAR, {"2024-Q1": 40.0, "2025-Q2": 32.0, "9999-Q4": 30.0})
SPENT = [  # every quarter costs $2,400 of inference, the first two years $30,000 of people too
    {"inference": 2_400.0, **({"people": 30_000.0} if i < 8 else {})}
    for i in range(len(FAR_QUARTERS))
]


def far_charts() -> dict[str, str]:
    """Every chart type over data spanning 2024 to 9999, as one far-future commit makes it."""
    points = [(FIRST + i * 3_000_000, 30.0 + i, "met", f"p{i}") for i in range(10)]
    points.append((FAR - 86_400, 35.0, "missed", "dated in 9999"))
    running = 0.0
    totals = []
    for by in SPENT:
        running += sum(by.values())
        totals.append(running)
    milestones = [("Kickoff", "done", FIRST, FIRST), ("Launch", "done", FIRST, FAR - 86_400)]
    ids = charts.Ids("t")
    return {
        "control": trends.control(ids, points, FAR_QUARTERS, 45.0, "trend", "days", days),
        "spend": trends.spend_columns(
            ids, FAR_QUARTERS, SPENT, ["inference", "people"], "spend", "USD", money
        ),
        "cumulative": trends.cumulative(ids, FAR_QUARTERS, totals, "cost", "USD", money),
        "timeline": charts.timeline(ids, milestones, FIRST, FAR, FAR, "milestones", UTC),
        "sparkline": charts.sparkline(ids, [q.median for q in FAR_QUARTERS], "spark", 45.0),
    }


@pytest.fixture(scope="module")
def far() -> dict[str, str]:
    return far_charts()


@pytest.mark.parametrize("chart", ["control", "spend", "cumulative", "timeline", "sparkline"])
def test_a_chart_over_eight_thousand_years_stays_small(far, chart):
    drawn = far[chart]
    assert ET.fromstring(drawn).get("role") == "img"
    assert len(drawn.encode()) < 20_000  # it was up to 7 MB for a chart over 2024 to 9999


@pytest.mark.parametrize("chart", ["control", "spend", "cumulative", "timeline"])
def test_a_calendar_axis_over_eight_thousand_years_labels_a_few_round_years(far, chart):
    labels = calendar_labels(far[chart])
    years = [int(text[-4:]) for text, _ in labels]
    assert 3 <= len(labels) <= 12
    steps = {b - a for a, b in pairwise(years)}
    assert len(steps) == 1 and steps.pop() % 100 == 0  # evenly spaced round years
    places = [float(x.rstrip("%")) for _, x in labels]
    assert places == sorted(places) and 0 <= places[0] <= places[-1] <= 100


def test_a_control_chart_over_centuries_draws_every_value_and_leaves_the_empty_ones_a_gap(far):
    root = ET.fromstring(far["control"])
    markers = [u for u in root.iter("use") if "kc-mark" in u.get("class", "")]
    medians = [ln for ln in root.iter("line") if ln.get("class") == "kc-median"]
    assert len(markers) == 11  # every project's value, the one dated in 9999 too
    assert len(medians) == 3  # the quarters with a median, not 32,000 quarters
    assert all(float(ln.get("x2", "")[:-1]) > float(ln.get("x1", "")[:-1]) for ln in medians)
    desc = root.findtext("desc") or ""
    assert "2024-Q2 to 2025-Q1 none" in desc and "2025-Q3 to 9999-Q3 none" in desc
    assert desc.endswith("9999-Q4 30.0 (so far); target 45.0 days")


def test_spend_over_centuries_is_summed_into_columns_of_round_years_that_say_so(far):
    root = ET.fromstring(far["spend"])
    texts = [t.text for t in root.iter("text")]
    assert "each column: 200 years" in texts
    columns = {r.get("x") for r in root.iter("rect") if "kc-cat" in r.get("class", "")}
    assert 30 <= len(columns) <= 41
    desc = root.findtext("desc") or ""
    assert desc.startswith("Spend by 200 years in USD: 2024–2199 $")
    assert desc.endswith("9800–9999 $1,920,000 (so far)")  # 800 quarters at $2,400 each
    amounts = [float(a.replace(",", "")) for a in re.findall(r"\$([\d,]+)", desc)]
    assert sum(amounts) == sum(sum(by.values()) for by in SPENT)


def test_cumulative_cost_over_centuries_has_a_point_per_period_and_the_total_to_date(far):
    root = ET.fromstring(far["cumulative"])
    points = [u for u in root.iter("use") if "kc-mark" in u.get("class", "")]
    assert 30 <= len(points) <= 41
    total = sum(sum(by.values()) for by in SPENT)
    assert points[-1].findtext("title") == f"9999-Q4 so far: {money(total)}"
    assert f"{money(total)} to date" in [t.text for t in root.iter("text")]


def test_a_sparkline_over_centuries_describes_the_empty_quarters_in_a_few_words(far):
    desc = ET.fromstring(far["sparkline"]).findtext("desc") or ""
    assert desc == (
        "Median by quarter, oldest first, from zero: 40.0, none for 4 quarters, 32.0, "
        "none for 31,897 quarters, 30.0"
    )


TWO_YEARS = span(epoch(2024, 8, 5), epoch(2026, 10, 22), {"2025-Q1": 10.0, "2026-Q3": 20.0})


def test_a_two_year_chart_labels_every_quarter_and_year_where_it_always_did():
    ids = charts.Ids("t")
    control = trends.control(ids, [], TWO_YEARS, 15.0, "trend", "days", days)
    spent = [{"people": 5.0} for _ in TWO_YEARS]
    spend = trends.spend_columns(ids, TWO_YEARS, spent, ["people"], "spend", "USD", money)
    totals = [5.0 * (i + 1) for i in range(len(TWO_YEARS))]
    cumulative = trends.cumulative(ids, TWO_YEARS, totals, "cost", "USD", money)
    assert calendar_labels(control) == [
        ("Q3", "15.4%"),
        ("2024", "11%"),
        ("Q4", "24.3%"),
        ("Q1", "33%"),
        ("2025", "28.7%"),
        ("Q2", "41.8%"),
        ("Q3", "50.6%"),
        ("Q4", "59.4%"),
        ("Q1", "68.2%"),
        ("2026", "63.9%"),
        ("Q2", "76.9%"),
        ("Q3", "85.7%"),
        ("Q4", "94.6%"),
    ]
    assert calendar_labels(cumulative) == calendar_labels(control)
    assert calendar_labels(spend) == [
        ("Q3", "15.4%"),
        ("2024", "11%"),
        ("Q4", "24.2%"),
        ("Q1", "33%"),
        ("2025", "28.6%"),
        ("Q2", "41.8%"),
        ("Q3", "50.6%"),
        ("Q4", "59.4%"),
        ("Q1", "68.2%"),
        ("2026", "63.8%"),
        ("Q2", "77%"),
        ("Q3", "85.8%"),
        ("Q4", "94.6%"),
    ]
    assert "each column" not in spend
    first, end = epoch(2024, 8, 5), epoch(2026, 10, 22)
    milestones = [("Launch", "done", first, end)]
    timeline = charts.timeline(ids, milestones, first, end, end, "milestones", UTC)
    assert calendar_labels(timeline) == [
        ("Jan 2025", "19.1%"),
        ("Jul 2025", "41%"),
        ("Jan 2026", "63.3%"),
        ("Jul 2026", "85.3%"),
    ]


def test_a_five_year_chart_labels_each_year_and_its_first_quarter_as_it_always_did():
    five = span(epoch(2021, 5, 1), epoch(2026, 2, 1), {"2022-Q1": 10.0})
    control = trends.control(charts.Ids("t"), [], five, 15.0, "trend", "days", days)
    assert calendar_labels(control) == [
        ("2021", "11%"),
        ("Q1", "26.4%"),
        ("2022", "24.3%"),
        ("Q1", "44%"),
        ("2023", "41.8%"),
        ("Q1", "61.6%"),
        ("2024", "59.4%"),
        ("Q1", "79.2%"),
        ("2025", "77.1%"),
        ("Q1", "96.8%"),
        ("2026", "94.7%"),
    ]


def test_given_only_the_quarters_with_data_a_chart_draws_the_same_gaps():
    """The site may pass every quarter of the span or only those with data (and the first and
    the running one, which bound the span): the calendar and the gaps are the same."""
    ends = (TWO_YEARS[0], TWO_YEARS[-1])
    with_data = [q for q in TWO_YEARS if q.median is not None or q in ends]
    points = [(epoch(2025, 2, 1), 10.0, "met", "a")]

    def draw(given: list[trends.QuarterPoint]) -> tuple[str, str]:
        spent = [{"people": 5.0} if q.median is not None else {} for q in given]
        return (
            trends.control(charts.Ids("t"), points, given, 15.0, "trend", "days", days),
            trends.spend_columns(charts.Ids("t"), given, spent, ["people"], "s", "USD", money),
        )

    every_control, every_spend = draw(TWO_YEARS)
    sparse_control, sparse_spend = draw(with_data)
    assert sparse_control == every_control
    assert calendar_labels(sparse_spend) == calendar_labels(every_spend)
    bars = [r.get("x") for r in ET.fromstring(sparse_spend).iter("rect")]
    assert bars == [r.get("x") for r in ET.fromstring(every_spend).iter("rect")]


def test_projects_on_one_spot_of_a_control_chart_are_one_mark_that_names_them():
    day = epoch(2026, 3, 2)
    points = [(day, 30.0, "met", f"P{k}") for k in range(6)]
    points += [(day, 30.0, "missed", "Late"), (day, 31.0, "met", "A"), (day, 31.0, "met", "B")]
    drawn = trends.control(charts.Ids("p"), points, TWO_YEARS, 45.0, "trend", "days", days)
    marks = [u for u in ET.fromstring(drawn).iter("use") if "kc-mark" in u.get("class", "")]
    tips = sorted(u.findtext("title") or "" for u in marks)
    assert tips == [
        "A and B: 31.0 days",
        "Late: 30.0 days missed",
        "P0, P1, P2 and 3 more projects: 30.0 days",
    ]
