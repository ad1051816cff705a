"""The numbers on the pages are the numbers in kpis.json.

The site is built from the demo portfolio; every value, median and status the pages show is
read back from the HTML and compared with kpis.json, formatted here independently of kpictl's
own formatting code (days to one decimal, money to whole units, thousands separated).
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import run_kpictl


@pytest.fixture(scope="module")
def demo_site(tmp_path_factory) -> tuple[Path, dict[str, Any]]:
    base = tmp_path_factory.mktemp("values")
    made = run_kpictl("demo", str(base / "demo"), cwd=base)
    assert made.code == 0, made.err
    site = base / "demo" / "build" / "site"
    return site, json.loads((site / "kpis.json").read_text(encoding="utf-8"))


def shown(value: float, unit: str) -> str:
    return f"{value:,.1f}" if unit == "days" else f"{value:,.0f}"


class _Blocks(HTMLParser):
    """The text of every element whose start tag matches ``wanted`` (a tag and an href), by href."""

    def __init__(self, tag: str, href: re.Pattern[str]) -> None:
        super().__init__()
        self.tag, self.href = tag, href
        self.found: dict[str, str] = {}
        self._open: list[tuple[str, list[str]]] = []
        self._depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._open:
            self._depth += tag == self.tag
        href = dict(attrs).get("href") or ""
        if tag == self.tag and not self._open and self.href.search(href):
            self._open.append((href, []))
            self._depth = 0

    def handle_endtag(self, tag: str) -> None:
        if self._open and tag == self.tag:
            if self._depth == 0:
                href, parts = self._open.pop()
                self.found[href] = " ".join("".join(parts).split())
            else:
                self._depth -= 1

    def handle_data(self, data: str) -> None:
        if self._open:
            self._open[-1][1].append(data)


def tiles(page: Path) -> dict[str, str]:
    parser = _Blocks("a", re.compile(r"^kpis/[a-z0-9_]+\.html$"))
    parser.feed(page.read_text(encoding="utf-8"))
    return {href[len("kpis/") : -len(".html")]: text for href, text in parser.found.items()}


def rows(page: Path) -> dict[str, str]:
    """Each table row of ``page`` that links to a KPI page, by the KPI id, as text."""
    text = page.read_text(encoding="utf-8")
    found = {}
    for row in re.findall(r"<tr>(.*?)</tr>", text, re.S):
        link = re.search(r'href="(?:\.\./)?kpis/([a-z0-9_]+)\.html"', row)
        if link:
            found[link[1]] = " ".join(re.sub(r"<[^>]+>", " ", row).split())
    return found


def test_home_tiles_show_the_portfolio_median_and_status_of_kpis_json(demo_site):
    site, data = demo_site
    on_home = tiles(site / "index.html")
    units = {k["id"]: k["unit"] for k in data["catalog"]}
    checked = 0
    for kpi_id, summary in data["portfolio"]["kpis"].items():
        tile = on_home[kpi_id]
        if summary["median"] is None:
            continue
        assert shown(summary["median"], units[kpi_id]) in tile, (kpi_id, tile)
        assert f"n={summary['n']}" in tile or f"{summary['n']} project" in tile, (kpi_id, tile)
        checked += 1
    assert checked >= 10


def test_project_pages_show_each_kpi_value_and_status_of_kpis_json(demo_site):
    site, data = demo_site
    words = {
        "missed": "MISSED",
        "overdue": "OVERDUE",
        "not_started": "not started",
        "not_applicable": "n/a",
    }
    checked = 0
    for project in data["projects"]:
        on_page = rows(site / "projects" / f"{project['id']}.html")
        for kpi_id, value in project["kpis"].items():
            if value["value"] is None:
                continue
            row = on_page[kpi_id]
            assert shown(value["value"], value["unit"]) in row, (project["id"], kpi_id, row)
            assert words.get(value["status"], value["status"]) in row, (project["id"], kpi_id)
            checked += 1
    assert checked >= 100


def test_kpi_pages_show_the_portfolio_statistics_of_kpis_json(demo_site):
    site, data = demo_site
    units = {k["id"]: k["unit"] for k in data["catalog"]}
    for kpi_id, summary in data["portfolio"]["kpis"].items():
        if summary["median"] is None:
            continue
        text = (site / "kpis" / f"{kpi_id}.html").read_text(encoding="utf-8")
        for key in ("median", "p85", "min", "max"):
            assert shown(summary[key], units[kpi_id]) in text, (kpi_id, key)
