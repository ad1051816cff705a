"""The numbers on the pages are the numbers in kpis.json.

The site is built from the demo portfolio; every value, median, status, count and amount the
pages show is read back from the HTML and compared with kpis.json, formatted here independently
of kpictl's own formatting code (days to one decimal, money in full to whole units or compact as
$2.25M / $311k, thousands separated).
"""

from __future__ import annotations

import json
import re
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import run_kpictl

WORDS = {"not_started": "not started", "not_applicable": "not applicable"}
STATES = {
    "poc": "Proof of concept",
    "production": "Going to production",
    "launched": "Launched",
    "archived": "Archived",
}


@pytest.fixture(scope="module")
def demo_site(tmp_path_factory) -> tuple[Path, dict[str, Any]]:
    base = tmp_path_factory.mktemp("values")
    made = run_kpictl("demo", str(base / "demo"), cwd=base)
    assert made.code == 0, made.err
    site = base / "demo" / "build" / "site"
    return site, json.loads((site / "kpis.json").read_text(encoding="utf-8"))


def shown(value: float, unit: str) -> str:
    """A value in a table whose header names the unit: 22.4 or 21 (days), $51k, −14.6%."""
    if unit == "ratio":
        return percent(value)
    if unit == "days":  # whole days without a decimal
        return f"{value:,.0f}" if abs(value - round(value)) < 0.05 else f"{value:,.1f}"
    return compact(value)


def percent(ratio: float) -> str:
    """A return as a sentence or a tile says it: 27%, −4.5%."""
    size = abs(ratio) * 100
    number = f"{size:.1f}" if size < 10 else f"{size:,.0f}"
    return ("−" if ratio < 0 and number.strip("0.") else "") + number + "%"


def compact(value: float) -> str:
    """Dollars as a reader scans them: $2.25M, $311k, $8.4k, $950, −$35k."""
    if value < 0 and compact(-value) != "$0":
        return "−" + compact(-value)
    value = abs(value)
    if value >= 999_500:
        number = f"{value / 1_000_000:.2f}".rstrip("0").rstrip(".")
        return f"${number}M"
    if value >= 9_995:
        return f"${round(value / 1000)}k"
    if value >= 1000:
        return f"${value / 1000:.1f}".rstrip("0").rstrip(".") + "k"
    return f"${round(value)}"


def short(value: float, unit: str) -> str:
    if unit == "ratio":
        return percent(value)
    if unit == "days":
        return f"{shown(value, unit)} day{'' if shown(value, unit) == '1' else 's'}"
    return compact(value)


def text_of(html: str) -> str:
    """The text a reader sees: inline tags run into their words, other tags part them."""
    html = re.sub(r"</?(?:a|strong|span|small|code|time|em|b|i)\b[^>]*>", "", html)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


class _Blocks(HTMLParser):
    """The text of every element whose start tag matches ``wanted`` (a tag and an href), by href,
    leaving out what charts write (their title and description)."""

    def __init__(self, tag: str, href: re.Pattern[str]) -> None:
        super().__init__()
        self.tag, self.href = tag, href
        self.found: dict[str, str] = {}
        self._open: list[tuple[str, list[str]]] = []
        self._depth = 0
        self._svg = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._svg += tag == "svg"
        if self._open:
            self._depth += tag == self.tag
        href = dict(attrs).get("href") or ""
        if tag == self.tag and not self._open and self.href.search(href):
            self._open.append((href, []))
            self._depth = 0

    def handle_endtag(self, tag: str) -> None:
        self._svg -= tag == "svg"
        if self._open and tag == self.tag:
            if self._depth == 0:
                href, parts = self._open.pop()
                self.found[href] = " ".join(" ".join(parts).split())
            else:
                self._depth -= 1

    def handle_data(self, data: str) -> None:
        if self._open and not self._svg:
            self._open[-1][1].append(data)


def tiles(page: Path) -> dict[str, str]:
    parser = _Blocks("a", re.compile(r"^kpis/[a-z0-9_]+\.html$"))
    parser.feed(page.read_text(encoding="utf-8"))
    return {href[len("kpis/") : -len(".html")]: text for href, text in parser.found.items()}


def rows(page: Path, link: str = r'href="(?:\.\./)?kpis/([a-z0-9_]+)\.html"') -> dict[str, str]:
    """Each table row of ``page`` with a link matching ``link``, by the link's group, as text."""
    text = page.read_text(encoding="utf-8")
    found = {}
    for row in re.findall(r"<tr>(.*?)</tr>", text, re.S):
        match = re.search(link, row)
        if match:
            found[match[1]] = text_of(row)
    return found


def band(site: Path) -> str:
    page = (site / "index.html").read_text(encoding="utf-8")
    return text_of(page.split('class="kpictl-band"', 1)[1].split('<h2 id="kpis-', 1)[0])


def test_the_summary_band_states_counts_spend_and_missed_kpis_of_kpis_json(demo_site):
    site, data = demo_site
    p = data["portfolio"]
    text = band(site)
    assert f"{len(data['projects'])} projects" in text
    assert f"{p['states']['launched']} launched" in text
    assert f"{p['states']['poc']} in proof of concept" in text
    assert f"{p['states']['production']} going to production" in text
    assert f"{p['states']['archived']} archived" in text
    assert f"{len(p['stuck'])} stuck" in text
    assert f"{compact(p['spend']['to_date'])} spent to date" in text
    last = p["spend"]["last_quarter"]
    assert f"{compact(last['amount'])} in {last['quarter']}, the last full quarter" in text
    missed = [k for k, v in p["kpis"].items() if v["current"]["status"] == "missed"]
    assert missed, "the demo has a KPI that misses its target now"
    missed.sort(key=lambda k: -p["kpis"][k]["current"]["miss_pct"])  # the biggest miss first
    assert f"{len(missed)} of {len(data['catalog'])} KPIs" in text
    home = (site / "index.html").read_text(encoding="utf-8")
    links = re.findall(r'<li><a href="kpis/([a-z_]+)\.html">', home.split("kpictl-missed-list")[1])
    assert links[: len(missed)] == missed
    titles = {k["id"]: k["title"] for k in data["catalog"]}
    for kpi_id in missed:
        now = p["kpis"][kpi_id]["current"]
        assert f"{titles[kpi_id]}: {short(now['median'], 'days')}" in text
        assert f"{short(now['miss'], 'days')} ({now['miss_pct']:.0f}%) over the target" in text


def test_home_tiles_show_each_kpi_now_against_all_time_with_the_status_of_kpis_json(demo_site):
    site, data = demo_site
    on_home = tiles(site / "index.html")
    units = {k["id"]: k["unit"] for k in data["catalog"]}
    lower = {k["id"]: k["direction"] == "lower" for k in data["catalog"]}
    checked = 0
    value_kpis = {k["id"] for k in data["catalog"] if k["phase"] == "value"}
    assert value_kpis and not value_kpis & set(on_home)  # value: the home's value sentence
    for kpi_id, summary in data["portfolio"]["kpis"].items():
        if kpi_id in value_kpis:
            continue
        tile, now, unit = on_home[kpi_id], summary["current"], units[kpi_id]
        if now["median"] is None:
            assert "No recent data" in tile, (kpi_id, tile)
            continue
        value = shown(now["median"], unit) if unit == "days" else short(now["median"], unit)
        assert value in tile and "now" in tile, (kpi_id, tile)
        assert f"{now['n']} project" in tile, (kpi_id, tile)
        if now["status"] == "missed":
            assert f"missed by {short(now['miss'], unit)}" in tile, (kpi_id, tile)
        else:
            assert now["status"] in tile, (kpi_id, tile)
        assert f"all time {short(summary['median'], unit)}" in tile
        change = now["change"]
        if change is not None and short(abs(change), unit) != short(0.0, unit):
            better = (change < 0) == lower[kpi_id]
            way = ("longer" if change > 0 else "shorter") if unit == "days" else "(higher|lower)"
            said = re.search(rf"now \$?([\d,.]+)k?( days)? {way}: (better|worse)", tile)
            assert said and said.group(said.lastindex or 0) == ("better" if better else "worse"), (
                kpi_id,
                tile,
            )
            if unit == "days":  # as rounded for reading (kpis.json has six decimals)
                assert abs(float(said.group(1).replace(",", "")) - abs(change)) < 0.051
        if summary["overdue"]:
            assert f"{summary['overdue']} projects overdue" in tile, (kpi_id, tile)
        checked += 1
    assert checked >= 10


def test_project_pages_show_each_kpi_value_status_and_standing_of_kpis_json(demo_site):
    site, data = demo_site
    checked = 0
    for project in data["projects"]:
        page = site / "projects" / f"{project['id']}.html"
        standing = text_of(
            page.read_text(encoding="utf-8").split('class="kpictl-standing', 1)[1].split("</dl>")[0]
        )
        assert f"{STATES[project['state']]} for {project['days_in_state']:,.0f} day" in standing
        assert compact(project["cost_to_date"]) in standing
        done = project["milestones"]
        assert f"{done['done']} of {done['total']} done" in standing
        curve = set(data["portfolio"]["learning_curve"])  # the portfolio's KPIs
        statuses = [v["status"] for k, v in project["kpis"].items() if k not in curve]
        for status in ("met", "missed", "overdue", "running"):
            assert f"{statuses.count(status)} {status}" in standing, (project["id"], standing)
        if project["stuck"]:
            assert "Stuck" in standing and "-day limit" in standing
        on_page = rows(page)
        for kpi_id, value in project["kpis"].items():
            if value["value"] is None or kpi_id in curve:
                continue
            row = on_page[kpi_id]
            assert shown(value["value"], value["unit"]) in row, (project["id"], kpi_id, row)
            assert WORDS.get(value["status"], value["status"]) in row, (project["id"], kpi_id)
            checked += 1
    assert checked >= 100


def test_the_projects_index_shows_each_projects_standing_of_kpis_json(demo_site):
    site, data = demo_site
    on_page = rows(site / "projects" / "index.html", r'href="([a-z0-9-]+)\.html"')
    for project in data["projects"]:
        row = on_page[project["id"]]
        done = project["milestones"]
        statuses = [v["status"] for v in project["kpis"].values()]
        expected = (
            f"{project['days_in_state']:,.0f} {done['done']} of {done['total']} "
            f"{statuses.count('missed')} {statuses.count('overdue')} "
            f"{compact(project['cost_to_date'])}"
        )
        assert expected in row, (project["id"], row)
        assert ("stuck" in row) == bool(project["stuck"]), row


def test_kpi_pages_and_index_show_the_statistics_and_the_value_now_of_kpis_json(demo_site):
    site, data = demo_site
    units = {k["id"]: k["unit"] for k in data["catalog"]}
    index = rows(site / "kpis" / "index.html", r'href="([a-z0-9_]+)\.html"')
    for kpi_id, summary in data["portfolio"]["kpis"].items():
        unit, now = units[kpi_id], summary["current"]
        text = text_of((site / "kpis" / f"{kpi_id}.html").read_text(encoding="utf-8"))
        if summary["median"] is not None:
            for key in ("median", "p85", "min", "max"):
                assert shown(summary[key], unit) in text, (kpi_id, key)
        if now["median"] is not None:
            said = short(now["median"], unit)
            assert f"{said} now" in text, kpi_id
            assert said in index[kpi_id], kpi_id
        word = "missed by" if now["status"] == "missed" else now["status"].replace("_", " ")
        assert word in index[kpi_id], (kpi_id, index[kpi_id])


def _long_day(iso_time: str) -> str:
    from datetime import datetime

    moment = datetime.fromisoformat(iso_time.replace("Z", "+00:00"))  # the demo keeps UTC
    return f"{moment.day}\u00a0{moment:%b}\u00a0{moment.year}"


def test_forecasts_of_kpis_json_are_on_the_project_pages_and_the_home_page(demo_site):
    site, data = demo_site
    dated = 0
    for project in data["projects"]:
        forecast = project["forecast"]
        page = (site / "projects" / f"{project['id']}.html").read_text(encoding="utf-8")
        if forecast is None:
            assert "Expected launch" not in page
        elif forecast["p50"] is None:
            assert "Expected launch</dt><dd>no date yet" in page or "not before" in page
        elif forecast["p85"] is None:
            assert f"likely by {_long_day(forecast['p50'])}, no latest date yet (" in page
        else:
            likely, latest = _long_day(forecast["p50"]), _long_day(forecast["p85"])
            said = f"likely by {likely}, at the latest {latest}"
            assert said in page
            dated += 1
    assert dated >= 1
    home = (site / "index.html").read_text(encoding="utf-8")
    rest, following = data["portfolio"]["launches_expected"][:2]
    assert f"next quarter, {following['quarter']}: {following['median']} expected" in home
    assert f"(at least {following['at_least_with_85pct_confidence']} with 85% confidence)" in home
    assert f"the rest of {rest['quarter']}: {rest['median']} expected" in home


def test_a_forecast_without_a_latest_date_says_why_in_words():
    from kpictl.site.phrases import forecast_words
    from kpictl.site.project_pages import _why_no_latest

    few = (
        "p85: 5 comparable projects completed the step with the fewest; a date that 85% of "
        "projects meet needs at least 6"
    )
    assert forecast_words("3 Mar 2027", None, None, None, 1.0, *_why_no_latest(few)) == (
        "likely by 3 Mar 2027, no latest date yet (too few projects have finished its steps "
        "to give one)"
    )
    running = "p85: the slowest comparable projects are still running, so ..."
    assert forecast_words("3 Mar 2027", None, None, None, 1.0, *_why_no_latest(running)) == (
        "likely by 3 Mar 2027, no latest date yet (the slowest comparable projects are still "
        "running)"
    )
