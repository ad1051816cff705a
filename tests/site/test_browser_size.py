"""Both demos in a real headless Chromium, as a portfolio's readers use them at real size: the
home page stays short and answers first, the roadmap holds every running project with its
expected launch, the attention list every project overdue, stuck or late, and each team has a
page. The large demo is served under its repository's name (/ai-portfolio-kpis/), as GitHub
Pages serves it. Screenshots land in test-artifacts/size/ for a person to look at.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from datetime import datetime, timezone
from typing import Any

import pytest

from tests.browser import CHROMIUM, LAPTOP, LARGE_DEMO_SUB_PATH, PHONE, Visit, launch, serve
from tests.conftest import REPO
from tests.sitefixture import build_demo

pytestmark = pytest.mark.slow

ARTIFACTS = REPO / "test-artifacts" / "size"
WIDTHS = {"phone": PHONE, "laptop": LAPTOP}
NEW_PAGES = ["roadmap.html", "attention.html", "teams/index.html"]
HOME_ON_A_PHONE = 6000  # px: the sponsor reads the home page on a phone


def _needs_chromium() -> None:
    if CHROMIUM is None:
        if os.environ.get("CI"):
            pytest.fail("Chromium is not installed; .ci/run installs Debian's chromium package")
        pytest.skip("Chromium is not installed (apt-get install chromium)")


@pytest.fixture(scope="module")
def demos(tmp_path_factory) -> Iterator[dict[str, tuple[str, dict[str, Any]]]]:
    _needs_chromium()
    base = tmp_path_factory.mktemp("sizes")
    small, large = build_demo(base, "small"), build_demo(base, "large")
    data = {
        size: json.loads((site / "kpis.json").read_text(encoding="utf-8"))
        for size, site in (("small", small), ("large", large))
    }
    with serve(small) as small_url, serve(large, LARGE_DEMO_SUB_PATH) as large_url:
        yield {"small": (small_url, data["small"]), "large": (large_url, data["large"])}


@pytest.fixture(scope="module")
def browser(demos) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = launch(playwright)
        yield instance
        instance.close()


def _day(stamp: str) -> str:
    moment = datetime.fromisoformat(stamp.replace("Z", "+00:00")).astimezone(timezone.utc)
    return f"{moment.day} {moment:%b %Y}"


def _serious(page: Any) -> list[Any]:
    from axe_playwright_python.sync_playwright import Axe

    result = Axe().run(page)
    return [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in result.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize("width", list(WIDTHS))
@pytest.mark.parametrize("size", ["small", "large"])
def test_the_home_page_stays_short_and_answers_first(browser, demos, size, width):
    """At most 6,000 px on a phone; on a laptop the summary band ends within the first 900 px;
    the KPIs missing their target are listed biggest miss first; the stuck list shows at most
    five and links to all of them."""
    url, data = demos[size]
    visit = Visit(browser, url, "index.html", "light", WIDTHS[width])
    try:
        visit.screenshot(ARTIFACTS / f"{size}-home-{WIDTHS[width]['width']}.png")
        page = visit.page
        height = page.evaluate("document.documentElement.scrollHeight")
        if width == "phone":
            assert height <= HOME_ON_A_PHONE, f"the home page is {height} px long on a phone"
        else:
            box = page.locator(".kpictl-band").bounding_box()
            assert box is not None and box["y"] + box["height"] <= 900, box
        kpis = data["portfolio"]["kpis"]
        missed = [k for k, v in kpis.items() if v["current"]["status"] == "missed"]
        missed.sort(key=lambda k: -kpis[k]["current"]["miss_pct"])
        links = page.locator(".kpictl-missed-list a").evaluate_all(
            "links => links.map(a => a.getAttribute('href'))"
        )
        assert links == [f"kpis/{k}.html" for k in missed]
        stuck = len(data["portfolio"]["stuck"])
        rows = page.locator("h2#stuck + .kpictl-table tbody tr")
        assert rows.count() == min(stuck, 5)
        if stuck:
            assert page.locator("a[href='attention.html']", has_text=f"All {stuck} stuck").count()
        layout = visit.layout()
        assert layout["width"] <= layout["window"], f"the page is {layout['width']} px wide"
    finally:
        visit.close()


@pytest.mark.parametrize("size", ["small", "large"])
def test_every_running_project_is_on_the_roadmap_with_its_expected_launch(browser, demos, size):
    url, data = demos[size]
    running = {p["id"]: p for p in data["projects"] if p["state"] in ("poc", "production")}
    visit = Visit(browser, url, "roadmap.html", "light", LAPTOP)
    try:
        page = visit.page
        chart = page.locator("svg.kpictl-roadmap")
        assert chart.count() == 1 and chart.locator("line.kc-today").count() == 1
        rows = page.locator("table.kpictl-roadmap-table tbody tr")
        assert rows.count() == len(running)
        seen = set()
        for row in rows.all():
            href = row.locator("td").first.locator("a").get_attribute("href")
            pid = href.removeprefix("projects/").removesuffix(".html")
            seen.add(pid)
            expected = row.locator("td").nth(4).inner_text().replace("\xa0", " ")
            forecast = running[pid].get("forecast") or {}
            if forecast.get("p50"):
                assert expected == f"likely by {_day(forecast['p50'])}", (pid, expected)
            elif forecast.get("not_before"):
                assert expected == f"not before {_day(forecast['not_before'])}", (pid, expected)
            else:
                assert expected.startswith("no "), (pid, expected)
        assert seen == set(running)
        bands = chart.locator("rect.kc-band").count()
        assert bands == sum(1 for p in running.values() if (p.get("forecast") or {}).get("p50"))
        header = page.locator("table.kpictl-roadmap-table th", has_text="Expected launch")
        header.locator("button").click()
        assert header.get_attribute("aria-sort") == "ascending"
    finally:
        visit.close()


@pytest.mark.parametrize("size", ["small", "large"])
def test_the_attention_list_holds_every_project_overdue_stuck_or_late_once(browser, demos, size):
    url, data = demos[size]
    wanted = {
        p["id"]
        for p in data["projects"]
        if p["id"] in data["portfolio"]["stuck"]
        or any(v["status"] == "overdue" for v in p["kpis"].values())
        or (p.get("forecast") or {}).get("past_p85")
    }
    visit = Visit(browser, url, "attention.html", "light", LAPTOP)
    try:
        ids = visit.page.locator("table.kpictl-attention tbody tr").evaluate_all(
            "rows => rows.map(r => r.id)"
        )
        assert len(ids) == len(set(ids)) and set(ids) == wanted
        days = [
            float(t.replace(",", ""))
            for t in visit.page.locator("table.kpictl-attention tbody td.num").all_inner_texts()
        ]
        assert days == sorted(days, reverse=True), "most urgent first"
    finally:
        visit.close()


@pytest.mark.parametrize("size", ["small", "large"])
def test_each_team_has_a_page_reached_from_the_board_without_javascript(browser, demos, size):
    url, data = demos[size]
    teams = {p["team"] for p in data["projects"]}
    visit = Visit(browser, url, "projects/index.html", "light", PHONE, javascript=False)
    try:
        page = visit.page
        links = page.locator("details.kpictl-team-links a")
        assert links.count() == len(teams)
        page.locator("details.kpictl-team-links summary").click()
        team = sorted(teams)[0]
        page.locator(f"details.kpictl-team-links a[href='../teams/{team}.html']").click()
        page.wait_for_load_state()
        assert page.url.endswith(f"teams/{team}.html")
        own = [p for p in data["projects"] if p["team"] == team]
        assert page.locator("h2#projects + .kpictl-table tbody tr").count() == len(own)
        assert page.locator("h2#kpis + .kpictl-table tbody tr").count() == len(data["catalog"])
    finally:
        visit.close()
    for team in teams:
        check = Visit(browser, url, f"teams/{team}.html", "light", LAPTOP, javascript=False)
        try:
            assert check.page.locator("h1").count() == 1
            assert check.page.locator("h2#projects").count() == 1
        finally:
            check.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", list(WIDTHS))
@pytest.mark.parametrize("size", ["small", "large"])
def test_the_new_pages_read_on_a_phone_and_a_laptop(browser, demos, size, width, scheme):
    """No page wider than the window, no broken word or wrapped value, chart text at least
    10 px, no request leaving the site, no serious axe finding."""
    url, data = demos[size]
    team = sorted({p["team"] for p in data["projects"]})[0]
    for path in [*NEW_PAGES, f"teams/{team}.html"]:
        visit = Visit(browser, url, path, scheme, WIDTHS[width])
        try:
            name = path.replace("/", "_").removesuffix(".html")
            visit.screenshot(ARTIFACTS / f"{size}-{name}-{WIDTHS[width]['width']}-{scheme}.png")
            layout = visit.layout()
            assert layout["width"] <= layout["window"], (path, layout["width"])
            assert layout["broken_words"] == [], path
            assert layout["wrapped_values"] == [], path
            assert layout["small_chart_text"] == [], path
            assert visit.errors == [] and visit.outside == [], path
            assert _serious(visit.page) == [], path
        finally:
            visit.close()
