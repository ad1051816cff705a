"""Every Markdown page of the site, in the order a build writes them.

Each page type is a module of its own (home, portfolio, KPIs, projects, the roadmap, the
attention list, teams); the Jinja environment
and the escaping every page goes through are in site/environment.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from kpictl.site.attention_page import attention_page
from kpictl.site.home_page import home_page
from kpictl.site.kpi_pages import kpi_index, kpi_page
from kpictl.site.page_context import PageContext
from kpictl.site.portfolio_page import portfolio_page
from kpictl.site.project_pages import project_index, project_page
from kpictl.site.roadmap_page import roadmap_page
from kpictl.site.team_pages import team_pages
from kpictl.site.warnings_page import warnings_page


@dataclass(frozen=True)
class Page:
    path: str  # relative to the docs folder, with "/" separators
    text: str


def site_pages(site: PageContext) -> Iterator[Page]:
    yield Page("index.md", home_page(site))
    yield Page("portfolio.md", portfolio_page(site))
    yield Page("projects/index.md", project_index(site))
    yield Page("kpis/index.md", kpi_index(site))
    yield Page("roadmap.md", roadmap_page(site))
    yield Page("attention.md", attention_page(site))
    for path, text in team_pages(site):
        yield Page(path, text)
    if site.warnings:
        yield Page("warnings.md", warnings_page(site))
    for kpi in site.report.catalog:
        yield Page(f"kpis/{kpi.id}.md", kpi_page(site, kpi))
    for result in site.report.projects:
        yield Page(f"projects/{result.id}.md", project_page(site, result))
