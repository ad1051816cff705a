"""Material's header icons come from one cached stylesheet, not inline in every page: every icon
a page names has its rule, the rule draws exactly the icon Material would have inlined, and
an organisation's own icon is found where Material finds it."""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path
from urllib.parse import unquote

import pytest

from kpictl.errors import KpictlError
from kpictl.site.icons import slim_icons
from tests.conftest import run_kpictl
from tests.gitutil import HistoryRepo, project_yaml
from tests.sitefixture import build

# One shape used twice: its "#" must be escaped in a data URI.
OWN_ICON = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><defs><path id="t" '
    'd="M0 0h8v8z"/></defs><use href="#t"/><use href="#t" x="8" y="8"/></svg>'
)
SETTINGS = """site_name: Icons
theme:
  name: material
  font: false
  icon:
    logo: kpis/triangle
  palette:
    - media: "(prefers-color-scheme: light)"
      scheme: default
      toggle: {icon: material/weather-night, name: Switch to the dark palette}
    - media: "(prefers-color-scheme: dark)"
      scheme: slate
      toggle: {icon: material/weather-sunny, name: Switch to the light palette}
"""


def _rules(css: str) -> dict[str, str]:
    found = re.findall(r'svg\.kpictl-i\[data-i="([^"]+)"\]\{--kpictl-i:url\("([^"]+)"\)\}', css)
    return {name: unquote(uri.removeprefix("data:image/svg+xml,")) for name, uri in found}


def _shipped(name: str) -> str:
    return resources.files("material").joinpath(f"templates/.icons/{name}.svg").read_text()


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("icons")
    repo = HistoryRepo(base / "kpis")
    repo.write(
        {
            "site/mkdocs.yml": SETTINGS,
            "site/overrides/.icons/kpis/triangle.svg": OWN_ICON,
        }
    )
    repo.commit("2025-01-06T09:00:00+00:00", {"projects/a.yaml": project_yaml("a", "A")})
    out = base / "out"
    build(repo, out)
    return out


def test_every_page_names_its_icons_and_inlines_none(site):
    css = (site / "assets" / "kpictl-icons.css").read_text(encoding="utf-8")
    assert "#" not in "".join(re.findall(r'url\("([^"]+)"\)', css))  # "#" would end a data URI
    rules = _rules(css)
    pages = [site / "index.html", site / "projects" / "a.html", site / "kpis" / "index.html"]
    for page in pages:
        text = page.read_text(encoding="utf-8")
        header = text[text.index("<header") : text.index("</header>")]
        assert "<svg xmlns" not in header, page  # no icon of the header is inline any more
        named = re.findall(r'<svg class="kpictl-i" viewBox="([^"]+)" data-i="([^"]+)"></svg>', text)
        assert {name for _, name in named} == {
            "kpis/triangle",
            "material/menu",
            "material/weather-night",
            "material/weather-sunny",
            "material/magnify",
            "material/arrow-left",
            "material/close",
        }, page
        assert ("0 0 16 16", "kpis/triangle") in named  # the icon's own proportions
        for _, name in named:
            assert name in rules, name
    assert rules["kpis/triangle"] == OWN_ICON
    for name in ("material/magnify", "material/weather-night", "material/close"):
        assert rules[name] == _shipped(name).strip()


def test_the_stylesheet_is_linked_from_every_page(site):
    pages = list(site.rglob("*.html"))
    assert len(pages) > 5
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert re.search(r'<link rel="stylesheet" href="[./]*assets/kpictl-icons\.css">', text), (
            page
        )


def test_a_partial_it_does_not_recognise_keeps_material_inline_icons(tmp_path):
    overrides = tmp_path / "overrides"
    header = overrides / "partials" / "header.html"
    header.parent.mkdir(parents=True)
    different = '{% include ".icons/material/menu.svg" %}<label>{{ config.site_name }}</label>\n'
    header.write_text(different, encoding="utf-8")
    css = slim_icons(overrides, tmp_path / "own", tmp_path / "assets", {})
    assert header.read_text(encoding="utf-8") == different
    assert css is not None  # the search box and the logo are still Material's own partials
    rules = _rules((tmp_path / "assets" / css).read_text(encoding="utf-8"))
    assert "material/menu" not in rules and "material/magnify" in rules


def test_an_icon_named_in_the_settings_that_exists_nowhere_is_an_error_naming_the_setting(
    tmp_path,
):
    repo = HistoryRepo(tmp_path / "kpis")
    typo = SETTINGS.replace("logo: kpis/triangle", "logo: material/does-not-exist")
    repo.write({"site/mkdocs.yml": typo})
    repo.commit("2025-01-06T09:00:00+00:00", {"projects/a.yaml": project_yaml("a", "A")})
    result = run_kpictl("build", "--out", str(tmp_path / "out"), cwd=repo.path)
    assert result.code == 2, result.err
    assert "site/mkdocs.yml: theme.icon.logo is 'material/does-not-exist'" in result.err
    assert "Traceback" not in result.err and "internal error" not in result.err
    toggle = {"palette": [{"toggle": {"icon": "material/weather-nite", "name": "Dark"}}]}
    with pytest.raises(KpictlError, match=r"theme\.palette\[0\]\.toggle\.icon is"):
        slim_icons(tmp_path / "o", tmp_path / "own", tmp_path / "a", toggle)


@pytest.mark.parametrize(
    "drawing",
    [
        '<path fill="#e30613" d="M0 0h24v24H0z"/>',  # a colour of its own
        '<g color="#e53935"><path fill="currentColor" d="M0 0h24v24H0z"/></g>',  # set by color
        '<circle cx="12" cy="12" r="9" fill="none" stroke="currentColor"/>',  # drawn with lines
    ],
)
def test_an_icon_in_colours_of_its_own_or_drawn_with_lines_stays_inline(tmp_path, drawing):
    """A mask draws only the filled shape, in the text's colour: a brand logo would lose its
    colours, and a line drawing Material fills would change."""
    own = tmp_path / "own"
    logo = own / ".icons" / "brand" / "logo.svg"
    logo.parent.mkdir(parents=True)
    logo.write_text(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24">{drawing}</svg>',
        encoding="utf-8",
    )
    overrides = tmp_path / "overrides"
    css = slim_icons(overrides, own, tmp_path / "assets", {"icon": {"logo": "brand/logo"}})
    assert not (overrides / "partials" / "logo.html").exists()  # Material's, inline
    assert css is not None
    assert "brand/logo" not in _rules((tmp_path / "assets" / css).read_text(encoding="utf-8"))
