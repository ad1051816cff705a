"""How the site reads in a real Chromium, at 390 and 1440 px in both palettes: the status board
on a phone, words and formats, state apart from health, search results, the warnings page,
contrast, downloads and chart details.

The site is the demo portfolio with two costs in currencies without a rate and a revision that
does not validate, so the warnings page has something to group.
"""

from __future__ import annotations

import json
import re
import subprocess
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser import LAPTOP, PHONE, Visit, launch, serve
from tests.conftest import run_kpictl
from tests.gitutil import clean_env
from tests.site.test_browser import _needs_chromium, _serious

pytestmark = pytest.mark.slow

WIDTHS = {"phone": PHONE, "laptop": LAPTOP}
SCHEMES = ["light", "dark"]
ISO_DAY = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, env=clean_env(), check=True, capture_output=True)


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Iterator[tuple[str, Path, dict[str, Any]]]:
    _needs_chromium()
    base = tmp_path_factory.mktemp("reading")
    made = run_kpictl("demo", str(base / "demo"), "--no-site", cwd=base)
    assert made.code == 0, made.err
    repo = base / "demo"
    hub = repo / "projects" / "translation-hub.yaml"
    lines = hub.read_text(encoding="utf-8").splitlines()
    at = lines.index("costs:") + 1
    lines.insert(
        at,
        '  - {item: "Swiss hosting", category: infrastructure, amount: 900, currency: CHF, '
        "per: month, from: 2026-05-01}",
    )
    hub.write_text("\n".join(lines) + "\n", encoding="utf-8")
    _git(repo, "commit", "-qam", "Swiss hosting")
    good = (repo / "projects" / "marketing-copy.yaml").read_text(encoding="utf-8")
    (repo / "projects" / "marketing-copy.yaml").write_text(good + "  bad: [\n", encoding="utf-8")
    _git(repo, "commit", "-qam", "A broken revision")
    (repo / "projects" / "marketing-copy.yaml").write_text(good, encoding="utf-8")
    _git(repo, "commit", "-qam", "Fixed")
    built = run_kpictl("build", cwd=repo)
    assert built.code == 0, built.err
    out = repo / "build" / "site"
    data = json.loads((out / "kpis.json").read_text(encoding="utf-8"))
    with serve(out) as url:
        yield url, out, data


@pytest.fixture(scope="module")
def browser(site) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = launch(playwright)
        yield instance
        instance.close()


def _article(visit: Visit) -> str:
    text: str = visit.page.locator("article").inner_text()
    return text


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("width", list(WIDTHS))
def test_the_board_fits_a_phone_with_names_on_two_lines_and_more_columns_on_a_laptop(
    browser, site, width, scheme
):
    url, _, data = site
    visit = Visit(browser, url, "projects/index.html", scheme, WIDTHS[width])
    try:
        page = visit.page
        layout = visit.layout()
        assert layout["width"] <= layout["window"]
        heads = page.locator("#poc + .kpictl-table thead th")
        shown = [h.inner_text().replace("⇅", "").strip() for h in heads.all() if h.is_visible()]
        names = page.locator("td.kpictl-name a").all()
        assert len(names) == len(data["projects"])
        for name in names:
            lines = name.evaluate(
                "e => Math.round(e.getBoundingClientRect().height / "
                "parseFloat(getComputedStyle(e).lineHeight))"
            )
            assert lines <= 2, name.inner_text()
        if width == "phone":
            assert shown == ["Project", "Expected launch", "Stuck"]
            for region in page.locator(".kpictl-table").all():
                assert region.evaluate("e => e.scrollWidth <= e.clientWidth + 1")
            assert page.locator(".kpictl-phone").first.is_visible()
        else:
            assert "Next milestone" in shown and "Expected launch" in shown
            assert "Cost to date" in shown and not page.locator(".kpictl-phone").first.is_visible()
        assert _serious(page) == []
    finally:
        visit.close()


def test_the_board_layout_check_finds_a_name_on_three_lines(browser, site):
    """The two-line check above is not vacuous: without the clamp a long name takes more."""
    url, _, _ = site
    visit = Visit(browser, url, "projects/index.html", viewport=PHONE)
    try:
        name = visit.page.locator("td.kpictl-name a").first
        name.evaluate("e => { e.style.display = 'inline'; e.textContent = 'word '.repeat(30); }")
        lines = name.evaluate(
            "e => Math.round(e.getBoundingClientRect().height / "
            "parseFloat(getComputedStyle(e).lineHeight))"
        )
        assert lines > 2
    finally:
        visit.close()


PAGES = [
    "index.html",
    "portfolio.html",
    "projects/index.html",
    "projects/translation-hub.html",
    "projects/contract-review.html",
    "projects/churn-insights.html",
    "kpis/index.html",
    "kpis/time_to_first_launch.html",
    "kpis/cost_per_additional_project.html",
    "warnings.html",
]


@pytest.mark.parametrize("path", PAGES)
def test_words_and_formats_are_the_same_on_every_page(browser, site, path):
    url, _, data = site
    visit = Visit(browser, url, path)
    try:
        text = _article(visit)
        assert ISO_DAY.search(text) is None, ISO_DAY.search(text)
        assert re.search(r"T\d\d:\d\d:\d\dZ", text) is None
        assert re.search(r"\b\d+\.0 days\b", text) is None
        assert "T_k" not in text and "Rate per doubling" not in text and "k^b" not in text
        assert "`" not in text
        assert re.search(r"€\S+ EUR|\$\S+ USD", text) is None
        assert "(85%:" not in text and "p85" not in text and "p50" not in text
        ids = {m["id"] for m in data["catalog"]} if "catalog" in data else set()
        for kpi in ids:
            assert f" {kpi} " not in text, kpi
    finally:
        visit.close()


def test_forecasts_say_likely_and_latest_with_milestone_titles(browser, site):
    url, _, data = site
    running = [p for p in data["projects"] if p["forecast"] and p["forecast"]["p50"]]
    assert running
    for project in running:
        visit = Visit(browser, url, f"projects/{project['id']}.html")
        try:
            facts = visit.page.locator("dl.kpictl-standing-facts").inner_text()
            assert "likely by" in facts and "at the latest" in facts
            assert "_" not in facts  # no milestone id (go_decision, security_review)
            assert visit.page.locator("svg.kpictl-timeline rect.kc-forecast").count() >= 1
        finally:
            visit.close()


def test_the_portfolio_kpi_is_not_listed_per_project_and_archived_kpis_do_not_run(browser, site):
    url, _, _ = site
    visit = Visit(browser, url, "projects/churn-insights.html")
    try:
        table = visit.page.locator("table.kpictl", has_text="KPIs against their targets")
        assert table.locator("a", has_text="Time for the next team to launch").count() == 0
        assert re.search(r"appl(y|ies) to the portfolio, not to one project", _article(visit))
    finally:
        visit.close()


@pytest.mark.parametrize("scheme", SCHEMES)
def test_state_is_a_shaped_label_and_health_has_its_own_mark(browser, site, scheme):
    url, _, data = site
    launched_missing = next(
        p
        for p in data["projects"]
        if p["state"] == "launched" and any(v["status"] == "missed" for v in p["kpis"].values())
    )
    visit = Visit(browser, url, f"projects/{launched_missing['id']}.html", scheme)
    try:
        page = visit.page
        frame = page.locator(".kpictl-standing")
        edge = frame.evaluate("e => getComputedStyle(e).borderLeftColor")
        met = page.evaluate(
            "() => { const s = document.createElement('span'); s.className = 'kst met';"
            " document.querySelector('article').append(s);"
            " return getComputedStyle(s).color; }"
        )
        missed = page.locator("dd .kst.missed").first.evaluate("e => getComputedStyle(e).color")
        assert edge != met and edge == missed  # a launched project that misses is not green
        label = page.locator(".kpictl-standing-state .kpictl-state")
        assert label.inner_text() == "Launched"
        assert label.evaluate("e => getComputedStyle(e).borderTopStyle") == "solid"
        assert _serious(page) == []
    finally:
        visit.close()


def test_search_results_show_a_projects_name_team_and_state(browser, site):
    url, _, _ = site
    visit = Visit(browser, url, "index.html")
    try:
        page = visit.page
        page.locator("input.md-search__input").click()
        page.keyboard.type("Translation hub")
        link = page.locator(".md-search-result__item a[href*='projects/translation-hub']")
        link.first.wait_for(timeout=15_000)
        item = page.locator("li.md-search-result__item:has(a[href*='projects/translation-hub'])")
        said = item.first.inner_text()
        assert "Translation hub" in said and "Marketing" in said, said
        assert "going to production" in said.lower(), said
        every = page.locator(".md-search-result__list").inner_text()
        assert "of 10" not in every  # no board cells run together
    finally:
        visit.close()


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("width", list(WIDTHS))
def test_the_warnings_page_groups_by_kind_and_project_with_links(browser, site, width, scheme):
    url, _, _ = site
    visit = Visit(browser, url, "warnings.html", scheme, WIDTHS[width])
    try:
        page = visit.page
        kinds = page.locator("article h2").all_inner_texts()
        assert any(k.startswith("Costs that do not convert") for k in kinds)
        assert any(k.startswith("Files that did not validate") for k in kinds)
        assert page.locator("article a[href='projects/translation-hub.html']").count() == 1
        assert page.locator("article a[href='projects/marketing-copy.html']").count() == 1
        assert page.locator("article .kpictl-commit").count() >= 2  # the head and the revision
        text = _article(visit)
        assert "`" not in text and ISO_DAY.search(text) is None
        layout = visit.layout()
        assert layout["width"] <= layout["window"]
        assert _serious(page) == []
    finally:
        visit.close()


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("width", list(WIDTHS))
@pytest.mark.parametrize(
    "path", ["projects/translation-hub.html", "portfolio.html", "kpis/time_to_first_launch.html"]
)
def test_pages_pass_axe_in_both_palettes(browser, site, path, width, scheme):
    url, _, _ = site
    visit = Visit(browser, url, path, scheme, WIDTHS[width])
    try:
        assert _serious(visit.page) == []
        layout = visit.layout()
        assert layout["width"] <= layout["window"]
        assert layout["small_chart_text"] == []
    finally:
        visit.close()


def test_dark_commit_links_meet_aa(browser, site):
    url, _, _ = site
    visit = Visit(browser, url, "projects/translation-hub.html", "dark")
    try:
        page = visit.page
        page.evaluate(
            "() => { const a = document.createElement('a'); a.className = 'kpictl-commit';"
            " a.href = '#'; a.innerHTML = '<code>0123abcd</code>';"
            " document.querySelector('article p').append(a); }"
        )
        found = [
            v for v in _serious(page) if v[0] == "color-contrast" and "kpictl-commit" in str(v)
        ]
        assert found == []
    finally:
        visit.close()


def test_each_table_downloads_as_csv_and_the_footer_links_kpis_json(browser, site):
    url, _, _ = site
    visit = Visit(browser, url, "projects/index.html")
    try:
        page = visit.page
        tables = page.locator("table.kpictl").count()
        links = page.locator("p.kpictl-csv a")
        assert links.count() == tables > 0
        with page.expect_download() as got:
            links.first.click()
        rows = Path(got.value.path()).read_text(encoding="utf-8").splitlines()
        assert rows[0].startswith("Project,Team,Next milestone,Expected launch")
        assert len(rows) == 1 + page.locator("#poc + .kpictl-table tbody tr").count()
        footer = page.locator("footer a", has_text="kpis.json")
        href = footer.get_attribute("href") or ""
        target = urllib.parse.urljoin(page.url, href)
        with urllib.request.urlopen(target) as response:
            assert json.loads(response.read())["schema_version"] == 1
    finally:
        visit.close()


@pytest.mark.parametrize("width", list(WIDTHS))
def test_the_target_label_covers_no_data_point(browser, site, width):
    url, _, _ = site
    visit = Visit(browser, url, "portfolio.html", viewport=WIDTHS[width])
    try:
        overlaps = visit.page.evaluate(
            """() => {
              const hits = [];
              for (const chart of document.querySelectorAll('svg.kpictl-curve')) {
                const label = chart.querySelector('.kc-target-label');
                if (!label) continue;
                const a = label.getBoundingClientRect();
                for (const dot of chart.querySelectorAll('use, circle')) {
                  const b = dot.getBoundingClientRect();
                  if (b.width && a.left < b.right && b.left < a.right
                      && a.top < b.bottom && b.top < a.bottom) hits.push(label.textContent);
                }
              }
              return hits;
            }"""
        )
        assert overlaps == []
    finally:
        visit.close()
