"""The built sites in a real headless Chromium: how every page type reads on a 390 px phone and a
1440 px laptop in both palettes, accessibility, search, safety, sorting, provenance links.

Two sites: the demo portfolio (every page type, deterministic) and a small repository with a
configured remote (commit links), a hostile project and a stuck one. Screenshots of every page
visited land in test-artifacts/ for a person to look at; scripts/screenshots.py regenerates
the README's pictures the same way.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser import CHROMIUM, DEMO_PAGES, LAPTOP, PHONE, Visit, launch, serve
from tests.conftest import REPO, run_kpictl
from tests.sitefixture import HOSTILE_NAME, build, make_repo

pytestmark = pytest.mark.slow

ARTIFACTS = REPO / "test-artifacts"
FIXTURE_PAGES = [
    "index.html",
    "portfolio.html",
    "projects/index.html",
    "projects/project-1.html",
    "projects/hostile.html",
    "projects/stuck.html",
    "kpis/index.html",
    "kpis/time_to_launch.html",
    "kpis/cost_per_additional_project.html",
    "about.html",
]
WIDTHS = {"phone": PHONE, "laptop": LAPTOP}


def _needs_chromium() -> None:
    if CHROMIUM is None:
        if os.environ.get("CI"):
            pytest.fail("Chromium is not installed; .ci/run installs Debian's chromium package")
        pytest.skip("Chromium is not installed (apt-get install chromium)")


@pytest.fixture(scope="module")
def served(tmp_path_factory) -> Iterator[str]:
    _needs_chromium()
    base = tmp_path_factory.mktemp("browser")
    repo = make_repo(base / "kpis")
    out = base / "site"
    build(repo, out)
    with serve(out) as url:
        yield url


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Iterator[tuple[str, dict[str, Any]]]:
    _needs_chromium()
    base = tmp_path_factory.mktemp("demo")
    made = run_kpictl("demo", str(base / "demo"), cwd=base)
    assert made.code == 0, made.err
    site = base / "demo" / "build" / "site"
    data = json.loads((site / "kpis.json").read_text(encoding="utf-8"))
    with serve(site) as url:
        yield url, data


@pytest.fixture(scope="module")
def browser(served) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = launch(playwright)
        yield instance
        instance.close()


def _serious(page: Any) -> list[Any]:
    from axe_playwright_python.sync_playwright import Axe

    result = Axe().run(page)
    return [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in result.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def _name(path: str) -> str:
    return path.replace("/", "_").removesuffix(".html")


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", list(WIDTHS))
@pytest.mark.parametrize("path", DEMO_PAGES)
def test_every_page_type_reads_on_a_phone_and_a_laptop(browser, demo, path, width, scheme):
    """No page wider than the window; no word in a table or heading broken across lines; no
    number, date or commit id over two lines; chart text at least 10 px as drawn; no serious
    axe-core finding; no request leaving the site."""
    url, _ = demo
    visit = Visit(browser, url, path, scheme, WIDTHS[width])
    try:
        visit.screenshot(
            ARTIFACTS / "demo" / f"{_name(path)}-{WIDTHS[width]['width']}-{scheme}.png"
        )
        layout = visit.layout()
        assert layout["width"] <= layout["window"], f"the page is {layout['width']} px wide"
        assert layout["broken_words"] == []
        assert layout["wrapped_values"] == []
        assert layout["small_chart_text"] == []
        assert visit.errors == [] and visit.outside == []
        assert _serious(visit.page) == []
    finally:
        visit.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", FIXTURE_PAGES)
def test_every_page_renders_cleanly_and_passes_axe(browser, served, path, scheme):
    visit = Visit(browser, served, path, scheme)
    try:
        visit.screenshot(ARTIFACTS / f"{_name(path)}-{scheme}.png")
        assert visit.errors == []
        assert visit.outside == []
        assert _serious(visit.page) == []
        layout = visit.layout()  # the hostile name is one 64-letter word: it may break
        assert layout["width"] <= layout["window"]
        assert layout["wrapped_values"] == []
    finally:
        visit.close()


def test_the_summary_band_answers_first_on_a_laptop(browser, demo):
    """Within the first 900 px at 1440 x 900: the project count, the launched count, spend to
    date and the KPIs that miss their target now, as kpis.json has them."""
    url, data = demo
    visit = Visit(browser, url, "index.html")
    try:
        band = visit.page.locator(".kpictl-band")
        box = band.bounding_box()
        assert box is not None and box["y"] + box["height"] <= 900, box
        text = " ".join(band.inner_text().split())
        p = data["portfolio"]
        assert f"{len(data['projects'])} projects" in text
        assert f"{p['states']['launched']} launched" in text
        assert f"${p['spend']['to_date'] / 1e6:.2f}M spent to date" in text
        missed = [k for k, v in p["kpis"].items() if v["current"]["status"] == "missed"]
        assert f"{len(missed)} of {len(data['catalog'])} KPIs" in text
        for kpi_id in missed:
            assert band.locator(f"a[href='kpis/{kpi_id}.html']").count() == 1
        tiles = visit.page.locator("a.kpictl-tile")
        strategy = [k for k in data["catalog"] if k["phase"] != "value"]
        assert tiles.count() == len(strategy)  # value and return: the value sentence
        first = tiles.first.bounding_box()
        third = tiles.nth(2).bounding_box()
        assert first and third and first["y"] == third["y"], "at least 3 tiles a row"
        assert visit.page.locator(".md-sidebar--secondary:visible").count() == 0, "no toc"
    finally:
        visit.close()


def test_the_home_page_shows_tiles_that_lead_to_their_kpi(browser, served):
    visit = Visit(browser, served, "index.html")
    try:
        tiles = visit.page.locator("a.kpictl-tile")
        assert tiles.count() == 15  # the strategy's; value and return in one sentence
        assert visit.page.locator("h2#kpis-value").count() == 0
        assert visit.page.locator(".kpictl-value-sentence").count() == 1
        launch = visit.page.locator("a.kpictl-tile", has_text="Time for the next team to launch")
        text = launch.inner_text()
        assert "days" in text and "all time" in text
        stuck = visit.page.locator("table", has_text="Past the limit")
        assert stuck.locator("a[href='projects/hostile.html']").count() == 1
        launch.click()
        visit.page.wait_for_load_state()
        assert visit.page.url.endswith("kpis/time_to_first_launch.html")
        assert visit.page.locator("figure svg[role=img]").count() >= 1
        assert visit.page.locator("table >> text=Project 1").count() >= 1
    finally:
        visit.close()


def test_the_chosen_palette_carries_to_the_next_page(browser, demo):
    # Material's script that restores the palette comes from the site's assets, not inline in
    # every page: it must still run before the page is shown, on every page.
    url, data = demo
    visit = Visit(browser, url, "index.html")
    try:
        page = visit.page
        assert page.locator("script[src$='assets/kpictl-palette.js']").count() == 1
        assert '__md_get("__palette")' not in page.content()
        assert page.evaluate("document.body.dataset.mdColorScheme") == "default"
        page.click("label[for=__palette_1]")
        assert page.evaluate("document.body.dataset.mdColorScheme") == "slate"
        page.goto(f"{url}/projects/{data['projects'][0]['id']}.html", wait_until="networkidle")
        assert page.evaluate("document.body.dataset.mdColorScheme") == "slate"
        assert not visit.errors and not visit.outside
    finally:
        visit.close()


ICONS_DRAWN = """async () => {
  const out = [];
  for (const svg of document.querySelectorAll("svg.kpictl-i")) {
    const box = svg.getBoundingClientRect();
    if (!box.width) continue;  // hidden at this width (the logo on a phone, say)
    const style = getComputedStyle(svg);
    const mask = style.maskImage || style.webkitMaskImage;
    const uri = (mask.match(/url\\("(data:image\\/svg\\+xml,[^"]+)"\\)/) || [])[1];
    let ink = 0;
    if (uri) {
      const image = new Image(); image.src = uri; await image.decode();
      const canvas = document.createElement("canvas"); canvas.width = canvas.height = 24;
      const context = canvas.getContext("2d"); context.drawImage(image, 0, 0, 24, 24);
      const pixels = context.getImageData(0, 0, 24, 24).data;
      for (let i = 3; i < pixels.length; i += 4) ink += pixels[i] > 0;
    }
    out.push({icon: svg.dataset.i, width: box.width, height: box.height, ink,
              fill: style.backgroundColor === style.color});
  }
  return out;
}"""


@pytest.mark.parametrize("width", list(WIDTHS))
def test_the_header_icons_are_drawn_from_the_stylesheet(browser, demo, width):
    """The header's icons are empty SVGs masked by an image from kpictl-icons.css: each one the
    reader can see has its size, an image with ink in it, and the text's colour."""
    url, _ = demo
    visit = Visit(browser, url, "index.html", viewport=WIDTHS[width])
    try:
        drawn = visit.page.evaluate(ICONS_DRAWN)
        assert {d["icon"] for d in drawn} >= {"material/brightness-4", "material/magnify"}
        for icon in drawn:
            assert icon["width"] >= 16 and icon["height"] >= 16, icon
            assert icon["ink"] > 20 and icon["fill"], icon
        assert not visit.errors and not visit.outside
    finally:
        visit.close()


def test_a_project_page_opens_with_where_it_stands_and_links_each_date_to_its_commit(
    browser, served
):
    visit = Visit(browser, served, "projects/project-1.html")
    try:
        page = visit.page
        assert page.locator("h1").inner_text() == "Project 1"
        standing = page.locator(".kpictl-standing")
        assert "Launched" in standing.inner_text()
        assert page.locator("a", has_text="All projects").get_attribute("href") == "index.html"
        assert page.locator("svg.kpictl-timeline").count() == 1
        links = page.locator("a[href^='https://github.com/example/kpis/commit/']")
        assert links.count() >= 3
        edit = page.locator("a", has_text="edit it in the repository")
        assert edit.get_attribute("href") == (
            "https://github.com/example/kpis/edit/main/projects/project-1.yaml"
        )
        assert page.locator("text=Time to launch the feature").count() >= 1
    finally:
        visit.close()


def test_a_stuck_project_says_so_and_names_the_limit(browser, served):
    visit = Visit(browser, served, "projects/hostile.html")  # in proof of concept since September
    try:
        banner = visit.page.locator(".kpictl-stuck-banner").inner_text()
        assert banner.startswith("Stuck") and "90-day limit" in banner
        timeline = visit.page.locator("svg.kpictl-timeline")
        rows = timeline.locator("text:not([class])").all_text_contents()
        # A row for each milestone with something to draw; the rest are words below the table.
        assert rows[0].startswith("Kickoff · done") and len(rows) < 10
        assert not [row for row in rows if "not started" in row]
        planned = visit.page.locator("p", has_text="Not started yet:").first.inner_text()
        assert "Launched" in planned and "Cohesive demo" in planned
        assert timeline.locator("line.kc-today").count() >= 1
    finally:
        visit.close()


def test_the_demo_shows_commit_ids_as_text_without_a_made_up_address(browser, demo):
    url, _ = demo
    visit = Visit(browser, url, "projects/support-assistant.html")
    try:
        assert visit.page.locator("code.kpictl-commit").count() >= 10
        assert visit.page.locator("a[href*='/commit/']").count() == 0
    finally:
        visit.close()


def test_the_status_board_sorts_in_the_browser_and_reads_without_javascript(browser, demo):
    url, data = demo
    visit = Visit(browser, url, "projects/index.html")
    try:
        table = visit.page.locator("#launched + .kpictl-table table")
        header = table.locator("th", has_text="Cost to date")
        header.locator("button").click()
        assert header.get_attribute("aria-sort") == "ascending"
        costs = [
            float(c.get_attribute("data-sort") or "")
            for c in table.locator("tbody td:nth-child(9)").all()
        ]
        assert costs == sorted(costs)
        header.locator("button").click()
        assert header.get_attribute("aria-sort") == "descending"
        launched = [p for p in data["projects"] if p["state"] == "launched"]
        assert table.locator("tbody tr").count() == len(launched)
    finally:
        visit.close()
    plain = Visit(browser, url, "projects/index.html", javascript=False)
    try:
        assert plain.page.locator("table.kpictl-sortable th button").count() == 0
        assert plain.page.locator("#launched + .kpictl-table tbody tr").count() == len(launched)
    finally:
        plain.close()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Stuck", "projects/stuck.html"),  # by name
        ("blue", "projects/project-2.html"),  # by team
        ("internal", "projects/hostile.html"),  # by label
        ("hostile", "projects/hostile.html"),  # its result shows the hostile name
    ],
)
def test_search_finds_a_project_by_name_team_and_label(browser, served, query, expected):
    visit = Visit(browser, served, "index.html")
    try:
        page = visit.page
        page.locator("input.md-search__input").click()
        page.keyboard.type(query)
        page.locator(f".md-search-result__item a[href*='{expected}']").first.wait_for(
            timeout=15_000
        )
        assert page.evaluate("window.__pwned === undefined") and visit.dialogs == []
        assert visit.errors == []
    finally:
        visit.close()


def test_a_hostile_project_name_is_text_and_runs_no_script(browser, served):
    visit = Visit(browser, served, "projects/hostile.html")
    try:
        page = visit.page
        assert page.locator("h1").inner_text() == HOSTILE_NAME
        assert page.evaluate("window.__pwned === undefined")
        assert visit.dialogs == []
        assert page.locator("a[href^='javascript:']").count() == 0
        assert page.locator("article script").count() == 0
        assert "<b>evil</b>" in page.locator("ul.kpictl-links").inner_text()
        assert page.title().startswith("</title><script>")
        visit.screenshot(ARTIFACTS / "hostile-project.png")
    finally:
        visit.close()


def test_everything_is_reachable_from_the_keyboard(browser, served):
    visit = Visit(browser, served, "index.html")
    try:
        page = visit.page
        reached = set()
        for _ in range(60):
            page.keyboard.press("Tab")
            reached.add(page.evaluate("document.activeElement.getAttribute('href') || ''"))
        assert any(h.endswith("kpis/time_to_launch.html") for h in reached)
        assert any("projects/" in h for h in reached)
    finally:
        visit.close()


def test_a_wide_table_scrolls_in_a_region_the_keyboard_can_reach(browser, demo):
    url, _ = demo
    visit = Visit(browser, url, "kpis/environment_promotion_time.html", viewport=PHONE)
    try:
        regions = visit.page.locator(".kpictl-table[tabindex='0'][role=region]")
        wide = [r for r in regions.all() if r.evaluate("e => e.scrollWidth > e.clientWidth")]
        assert wide, "a table wider than the phone scrolls inside its region"
        wide[0].focus()
        assert visit.page.evaluate("document.activeElement.getAttribute('role')") == "region"
    finally:
        visit.close()


def test_the_layout_check_finds_what_it_looks_for(browser, demo):
    """The checks above are not vacuous: on a page made to break, each of them finds it."""
    url, _ = demo
    visit = Visit(browser, url, "kpis/environment_promotion_time.html", viewport=PHONE)
    try:
        visit.page.add_style_tag(
            content="table.kpictl td, table.kpictl td * { word-break: break-all !important;"
            " white-space: normal !important; } table.kpictl td { max-width: 2.5em; }"
            " svg.kpictl-chart text { font-size: 7px !important; }"
            " .md-content { min-width: 600px; }"
        )
        layout = visit.layout()
        assert layout["width"] > layout["window"]
        assert layout["broken_words"] and layout["wrapped_values"] and layout["small_chart_text"]
    finally:
        visit.close()
