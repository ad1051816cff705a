"""The roadmap chart draws each lane as its forecast says: a band from likely to at the latest, a
dashed arrow for "not before", the word "late", today's line, and every lane's expected launch in
words (the demos' forecaster gives few of these; the chart must draw them all)."""

from __future__ import annotations

import re
from datetime import datetime, timezone

from kpictl.dates import DAY
from kpictl.site.roadmap_chart import Lane, roadmap_chart, span_of
from kpictl.site.roadmap_page import _no_date
from kpictl.site.svg import Ids

NOW = int(datetime(2026, 10, 30, 12, tzinfo=timezone.utc).timestamp())


def lane(name: str, team: str = "Finance, procurement and controlling", **kw) -> Lane:
    values = dict(
        state="production",
        start=NOW - 200 * DAY,
        go_at=NOW - 100 * DAY,
        next_at=None,
        next_title=None,
        p50=None,
        p85=None,
        not_before=None,
        late=False,
        expected="no date yet",
    )
    values.update(kw)
    return Lane(team=team, name=name, **values)


def test_each_kind_of_forecast_is_drawn_and_said():
    lanes = [
        lane("Banded", p50=NOW + 40 * DAY, p85=NOW + 90 * DAY, expected="likely 9 Dec 2026"),
        lane("Bounded", not_before=NOW + 60 * DAY, expected="not before 29 Dec 2026"),
        lane("Slow one", late=True, team="Legal", next_at=NOW + 10 * DAY, next_title="UI"),
        lane("In proof of concept", state="poc", go_at=None, team="Legal"),
    ]
    chart = roadmap_chart(Ids("t"), lanes, NOW, "Roadmap", timezone.utc)
    assert chart.count('class="kc-band"') == 1
    assert chart.count('class="kc-not-before"') == 1
    assert chart.count('class="kc-today"') == 1 and "today 30\u00a0Oct\u00a02026" in chart
    assert "late · no date yet" in chart  # late in words, not by colour alone
    assert "likely 9 Dec 2026" in chart and "not before 29 Dec 2026" in chart
    teams = re.findall(r'class="kc-team"[^>]*>([^<]+)<', chart)
    assert teams == ["Finance, procurement and controlling", "Legal"]
    # A proof of concept has one hatched bar; a project past its go decision a solid one too.
    assert chart.count('class="kc-bar kc-done"') == 3
    assert "UI likely by" in chart  # the next milestone's tooltip names it


def test_the_axis_reaches_past_the_latest_date_and_back_to_the_first_start():
    lanes = [lane("A", p85=NOW + 400 * DAY, p50=NOW + 300 * DAY), lane("B", start=NOW - 900 * DAY)]
    start, end = span_of(lanes, NOW)
    assert start == NOW - 900 * DAY and end > NOW + 400 * DAY


def test_a_long_name_is_cut_so_that_it_and_its_expected_launch_fit_a_phone():
    long = "Agentic field service extraction assistant for regional depots and partner sites"
    chart = roadmap_chart(Ids("t"), [lane(long)], NOW, "Roadmap", timezone.utc)
    shown = re.findall(r'class="kc-lane-label"[^>]*>([^<]+)<', chart)
    assert shown[0].endswith("…") and len(shown[0]) + len(shown[1]) <= 50


def test_a_forecast_without_a_date_is_worded_without_ids_or_percentiles():
    reasons = [
        "x has spent 376 days on kickoff → go_decision, longer than any project that completed "
        "it took (98 days at most); there is no date to forecast",
        "p50 and p85: the slowest comparable projects are still running, so ...",
        "too little history: 2 projects completed kickoff → go_decision; a forecast needs 5",
        None,
    ]
    for reason in reasons:
        words = _no_date(reason)
        assert words.startswith("no ") and not re.search(r"p\d\d|_|→", words), words
