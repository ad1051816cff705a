"""The built site in a real headless Chromium: rendering, search, safety, accessibility.

Screenshots land in test-artifacts/ (light and dark palettes) for a person to look at.
"""

from __future__ import annotations

import functools
import os
import shutil
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from tests.conftest import REPO
from tests.sitefixture import HOSTILE_NAME, build, make_repo

pytestmark = pytest.mark.slow

CHROMIUM = (
    os.environ.get("KPICTL_CHROMIUM")
    or shutil.which("chromium")
    or shutil.which("chromium-browser")
)
ARTIFACTS = REPO / "test-artifacts"
PAGES = [
    "index.html",
    "portfolio.html",
    "projects/index.html",
    "projects/project-1.html",
    "projects/hostile.html",
    "kpis/time_to_launch.html",
    "kpis/cost_per_additional_project.html",
    "about.html",
]


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def served(tmp_path_factory) -> Iterator[str]:
    if CHROMIUM is None:
        if os.environ.get("CI"):
            pytest.fail("Chromium is not installed; .ci/run installs Debian's chromium package")
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    base = tmp_path_factory.mktemp("browser")
    repo = make_repo(base / "kpis")
    out = base / "site"
    build(repo, out)
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(out)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def browser(served) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--disable-quic",
            ],
        )
        yield instance
        instance.close()


class Visit:
    """One page load, recording console errors, outside requests and script dialogs."""

    def __init__(self, browser: Any, base: str, path: str, scheme: str = "light") -> None:
        self.errors: list[str] = []
        self.outside: list[str] = []
        self.dialogs: list[str] = []
        self.page = browser.new_page(viewport={"width": 1280, "height": 900}, color_scheme=scheme)
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.page.on(
            "request",
            lambda r: (
                None if r.url.startswith((base, "data:", "blob:")) else self.outside.append(r.url)
            ),
        )
        self.page.goto(f"{base}/{path}", wait_until="networkidle")

    def screenshot(self, name: str) -> None:
        ARTIFACTS.mkdir(exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / name), full_page=True)

    def close(self) -> None:
        self.page.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", PAGES)
def test_every_page_renders_cleanly_and_passes_axe(browser, served, path, scheme):
    from axe_playwright_python.sync_playwright import Axe

    visit = Visit(browser, served, path, scheme)
    try:
        visit.screenshot(f"{path.replace('/', '_').replace('.html', '')}-{scheme}.png")
        assert visit.errors == []
        assert visit.outside == []
        result = Axe().run(visit.page)
        serious = [
            (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
            for v in result.response["violations"]
            if v["impact"] in ("serious", "critical")
        ]
        assert serious == []
    finally:
        visit.close()


def test_the_home_page_shows_tiles_with_charts(browser, served):
    visit = Visit(browser, served, "index.html")
    try:
        tiles = visit.page.locator("a.kpictl-tile")
        assert tiles.count() == 15
        launch = visit.page.locator("a.kpictl-tile", has_text="Time for the next team to launch")
        text = launch.inner_text()
        assert "days" in text and ("met" in text or "MISSED" in text)
        assert launch.locator("svg[role=img] title").count() == 1
        purgatory = visit.page.locator("table", has_text="without a go decision")
        assert purgatory.locator("a[href='projects/hostile.html']").count() == 1
        launch.click()
        visit.page.wait_for_load_state()
        assert visit.page.url.endswith("kpis/time_to_first_launch.html")
        assert visit.page.locator("figure svg[role=img]").count() >= 1
        assert visit.page.locator("table >> text=Project 1").count() >= 1
    finally:
        visit.close()


def test_a_project_page_has_its_timeline_tables_and_commit_links(browser, served):
    visit = Visit(browser, served, "projects/project-1.html")
    try:
        page = visit.page
        assert page.locator("h1").inner_text() == "Project 1"
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
        page.locator(f".md-search-result__item a[href$='{expected}']").first.wait_for(
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
        visit.screenshot("hostile-project.png")
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
