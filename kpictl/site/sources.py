"""The MkDocs sources of a build: the generated pages, kpictl's assets, the organisation's
own pages and overrides from ``site/``, and an ``mkdocs.yml`` that inherits theirs.
"""

from __future__ import annotations

import os
import re
import shutil
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from kpictl.config import Config
from kpictl.errors import KpictlError
from kpictl.output.jsontext import json_text
from kpictl.output.report_json import report_data
from kpictl.progress import Progress
from kpictl.site.icons import slim_icons
from kpictl.site.links import repo_links
from kpictl.site.mkdocs_settings import read_settings
from kpictl.site.page_context import PageContext
from kpictl.site.pages import site_pages
from kpictl.site.publish import published, published_warnings

if TYPE_CHECKING:
    from kpictl.pipeline import Computed


def _nav(extra_pages: list[str]) -> list[Any]:
    # Material writes the whole navigation into every page, so a navigation listing each KPI and
    # project would grow the site with the square of the portfolio: index pages link to them.
    nav: list[Any] = [
        {"Home": "index.md"},
        {"Portfolio": "portfolio.md"},
        {"KPIs": "kpis/index.md"},
        {"Projects": "projects/index.md"},
        {"Roadmap": "roadmap.md"},
    ]
    nav.extend(extra_pages)
    return nav


SITE_ASSETS = ("kpictl.css", "kpictl-sort.js")  # served with the site, never from elsewhere


def _features(parent: dict[str, Any]) -> list[str]:
    """The organisation's Material features, with the navigation as tabs: the generated pages
    give their full width to the content, so the top-level pages are tabs on a laptop (and
    in the menu on a phone)."""
    theme = parent.get("theme")
    features = list(theme.get("features") or []) if isinstance(theme, dict) else []
    return features if "navigation.tabs" in features else [*features, "navigation.tabs"]


def _site_sources(site_dir: Path) -> list[Path]:
    """Every file under ``site_dir``, refusing anything that is not a regular file inside the
    repository: a symbolic link would publish whatever it points at (/proc/self/environ, a
    file outside the repository), and a FIFO or device would hang or flood the build."""
    if site_dir.is_symlink():
        raise KpictlError(f"{site_dir} is a symbolic link; {_REGULAR_ONLY}")
    found: list[Path] = []
    for folder, dirs, names in os.walk(site_dir):
        for name in sorted(dirs + names):
            path = Path(folder) / name
            if path.is_symlink():
                raise KpictlError(f"{path} is a symbolic link; {_REGULAR_ONLY}")
            if name in names and not path.is_file():
                raise KpictlError(f"{path} is not a regular file; {_REGULAR_ONLY}")
            if name in names:
                found.append(path)
        dirs.sort()
    return sorted(found)


_REGULAR_ONLY = (
    "the site publishes only regular files inside the repository, so put the file itself there"
)


_GENERATED = (
    "index.md",
    "portfolio.md",
    "warnings.md",
    "roadmap.md",
    "attention.md",
    "kpis",
    "projects",
    "teams",
)


def _copy_site_files(site_dir: Path, docs: Path, *, skip: list[Path]) -> list[str]:
    """Copy hand-written pages and assets; return the pages, for the navigation."""
    pages: list[str] = []
    if not site_dir.exists() and not site_dir.is_symlink():
        return pages
    for source in _site_sources(site_dir):
        relative = source.relative_to(site_dir)
        if relative.parts[0] in ("overrides",) or relative.name == "mkdocs.yml":
            continue
        if any(source.resolve() == file.resolve() for file in skip):
            continue
        if relative.parts[0] in _GENERATED:
            raise KpictlError(
                f"{site_dir / relative}: this name is taken by a generated page; rename it"
            )
        target = docs / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
        if relative.suffix == ".md":
            pages.append(relative.as_posix())
    return pages


# The footer's downloads: the whole site's data, and a note that each table has its own CSV.
DOWNLOADS = (
    '<p class="kpictl-downloads">Download the data: '
    '<a href="{{ base_url }}/kpis.json" download>every KPI and project as JSON (kpis.json)</a>'
    "; each table has its own CSV link below it.</p>\n"
)


def _overrides(site_dir: Path, work: Path, theme: Any, shown_site: str) -> tuple[Path, list[str]]:
    """Theme overrides: kpictl's accessibility fix to Material's search dialog, the footer's
    downloads and the header's icons from a stylesheet, under the organisation's own
    ``site/overrides`` (which win where both have a file); with the stylesheets they need."""
    target = work / "overrides"
    search = resources.files("material").joinpath("templates/partials/search.html")
    text = search.read_text(encoding="utf-8") if search.is_file() else ""
    marker = 'role="dialog"'
    if marker in text:  # the dialog has no accessible name as Material ships it
        partial = target / "partials" / "search.html"
        partial.parent.mkdir(parents=True, exist_ok=True)
        label = "aria-label=\"{{ lang.t('search') }}\""
        partial.write_text(text.replace(marker, f"{marker} {label}", 1), encoding="utf-8")
    copyright_file = resources.files("material").joinpath("templates/partials/copyright.html")
    if copyright_file.is_file():  # the footer: the site's data to download
        partial = target / "partials" / "copyright.html"
        partial.parent.mkdir(parents=True, exist_ok=True)
        text = copyright_file.read_text(encoding="utf-8").rstrip()
        partial.write_text(text.removesuffix("</div>") + DOWNLOADS + "</div>\n", encoding="utf-8")
    assets = work / "docs" / "assets"
    _palette_script(target, assets)
    own = site_dir / "overrides"
    icons = slim_icons(target, own, assets, theme, shown_site)
    if own.is_dir():
        shutil.copytree(own, target, dirs_exist_ok=True)
    return target, [f"assets/{icons}"] if icons else []


def _palette_script(overrides: Path, assets: Path) -> None:
    """Material's script that restores the reader's chosen palette, from a file the browser
    caches rather than inline in every page (about 0.8 kB a page: 0.8 MB at 1,000 projects).
    It stays a classic script at the same place, so it runs at the same moment."""
    partial = resources.files("material").joinpath("templates/partials/javascripts/palette.html")
    text = partial.read_text(encoding="utf-8") if partial.is_file() else ""
    found = re.fullmatch(r"\s*(?:\{#-.*?-#\}\s*)?<script>([^<]*)</script>\s*", text, re.S)
    if found is None or "{{" in found[1] or "{%" in found[1]:
        return  # not the plain script this expects: Material's own stays inline
    assets.mkdir(parents=True, exist_ok=True)
    (assets / "kpictl-palette.js").write_text(found[1] + "\n", encoding="utf-8")
    target = overrides / "partials" / "javascripts" / "palette.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(
        "<script src=\"{{ 'assets/kpictl-palette.js' | url }}\"></script>\n", encoding="utf-8"
    )


def write_sources(computed: Computed, config: Config, work: Path) -> tuple[Path, int, str]:
    """Generate the Markdown pages and mkdocs.yml under ``work`` from computed results; return
    the config path, the page count and the report's JSON."""
    history = computed.history
    report, timelines = published(computed.report, computed.timelines, config.publish)
    branch = history.ref if history.ref != "HEAD" else "main"
    links = repo_links(config.repo_url, computed.remote_url, branch)
    warnings = published_warnings(computed.warnings, config.publish)
    site = PageContext(report, timelines, config, links, warnings)
    docs = work / "docs"
    count = 0
    teams = len({r.team for r in report.projects})
    progress = Progress("writing pages", len(report.projects) + len(report.catalog) + teams + 6)
    for page in site_pages(site):
        target = docs / page.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(page.text, encoding="utf-8")
        count += 1
        progress.update(count)
    progress.close()
    assets = docs / "assets"
    assets.mkdir(parents=True, exist_ok=True)
    for asset in SITE_ASSETS:
        content = resources.files("kpictl.site").joinpath(f"assets/{asset}").read_bytes()
        (assets / asset).write_bytes(content)
    site_dir = config.root / config.site_dir
    parent_file = site_dir / "mkdocs.yml"
    if os.path.lexists(parent_file):
        parent, inherited = read_settings(parent_file, site_dir, config.root)
    else:  # kpictl's own accessible, offline defaults
        parent_file = work / "default-mkdocs.yml"
        default = resources.files("kpictl.scaffold").joinpath("templates/mkdocs.yml")
        parent_file.write_text(default.read_text(encoding="utf-8"), encoding="utf-8")
        parent, inherited = read_settings(parent_file, work, work)
    # Settings are not pages: an inherited settings file is not published either.
    extra_pages = _copy_site_files(site_dir, docs, skip=inherited)
    overrides, icon_css = _overrides(site_dir, work, parent.get("theme"), config.site_dir)
    generated: dict[str, Any] = {
        "docs_dir": str(docs),
        "site_dir": str(work / "site"),
        "use_directory_urls": False,
        "extra_css": ["assets/kpictl.css", *icon_css, *(parent.get("extra_css") or [])],
        "extra_javascript": ["assets/kpictl-sort.js", *(parent.get("extra_javascript") or [])],
        "theme": {"name": "material", "font": False, "features": _features(parent)},
    }
    if not parent.get("site_name"):
        generated["site_name"] = "Generative-AI KPIs"
    generated["INHERIT"] = str(parent_file.resolve())
    generated["theme"]["custom_dir"] = str(overrides)
    if not parent.get("nav"):
        generated["nav"] = _nav(extra_pages)
    config_file = work / "mkdocs.yml"
    config_file.write_text(
        yaml.safe_dump(generated, sort_keys=False, allow_unicode=True), encoding="utf-8"
    )
    payload = report_data(report, warnings=warnings)
    data = json_text(payload, compact=True) + "\n"
    return config_file, count, data
