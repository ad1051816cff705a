"""Material's header icons from the stylesheet instead of inline in every page.

Material writes each icon of its header, search box and palette toggle into every page as an
inline SVG: nine of them, about 2.1 kB a page, 2.1 MB of a 1,000-project site. Here each one
becomes an empty ``<svg>`` of the same size and place, drawn by a CSS mask whose image sits
once in ``assets/kpictl-icons.css`` (cached by the browser, and a data URI, so it also works
from ``file://``). Material's own rules for ``svg`` in those places (size, which of the two
search icons shows, the mirrored arrow) keep applying, and the mask is filled with the text's
colour as the inline icon was.

Only an include whose icon is known at build time is replaced, and only when the icon's file
is found and paints in no colour of its own; anything else (a Material version whose partials
differ, an icon this does not find, a brand logo in its colours) keeps Material's inline SVG,
so the worst case is the old size, never a missing or recoloured icon.
"""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import quote

from kpictl.errors import KpictlError

STYLESHEET = "kpictl-icons.css"
PARTIALS = ("partials/logo.html", "partials/header.html", "partials/search.html")
PALETTE = "partials/palette.html"

# {% set icon = config.theme.icon.search or "material/magnify" %} then its include.
_SET_AND_INCLUDE = re.compile(
    r'\{%-?\s*set icon = config\.theme\.icon\.(\w+) or "([^"]+)"\s*-?%\}\s*'
    r'\{%-?\s*include "\.icons/" ~ icon ~ "\.svg"\s*-?%\}'
)
_TOGGLE_INCLUDE = re.compile(r'\{%-?\s*include "\.icons/" ~ option\.toggle\.icon ~ "\.svg"\s*-?%\}')
_VIEWBOX = re.compile(r'viewBox="([0-9. -]+)"')
_NAME = re.compile(r"[\w-]+(?:/[\w.-]+)+")  # an icon path, safe inside a quoted attribute
# An icon that paints in colours of its own (a brand logo, say) would lose them as a mask,
# which draws only its shape in the text's colour: such an icon stays inline.
# So does one drawn with lines (a stroke): Material's rules fill it, a mask would not.
_OWN_COLOURS = re.compile(
    r"""\bfill\s*=\s*["'](?!none|currentcolor)|stroke|\bcolor\s*=|style|gradient|<image|"""
    r"""opacity""",
    re.IGNORECASE,
)

BASE = (
    "svg.kpictl-i{background-color:currentcolor;"
    "-webkit-mask:var(--kpictl-i) center/contain no-repeat;"
    "mask:var(--kpictl-i) center/contain no-repeat}\n"
    "@media (forced-colors:active){svg.kpictl-i{forced-color-adjust:none;"
    "background-color:CanvasText}}\n"
)


def slim_icons(
    overrides: Path, own_overrides: Path, assets: Path, theme: Any, site: str = "site"
) -> str | None:
    """Rewrite the partials under ``overrides`` (starting from a file already there, else from
    Material's) to draw their icons from a stylesheet written to ``assets``; return the
    stylesheet's name, or None when no icon was replaced. An icon named in the settings of
    the site folder ``site`` that exists nowhere is an error naming the setting."""
    theme = theme if isinstance(theme, dict) else {}
    names = theme.get("icon") if isinstance(theme.get("icon"), dict) else {}
    finder = _IconFinder(own_overrides)
    _refuse_missing(names, theme.get("palette"), finder, site)
    used: dict[str, str] = {}  # icon name -> its SVG

    def replace(found: re.Match[str]) -> str:
        configured = names.get(found[1])
        name = configured if isinstance(configured, str) and configured else found[2]
        svg = finder.svg(name)
        if svg is None:
            return found[0]
        used[name] = svg
        return _empty_svg(name, svg)

    for partial in PARTIALS:
        _rewrite(overrides, partial, lambda text: _SET_AND_INCLUDE.sub(replace, text))
    toggles = _toggle_icons(theme, finder)
    if toggles is not None and _rewrite(overrides, PALETTE, lambda text: _toggled(text, toggles)):
        used.update(toggles)
    if not used:
        return None
    rules = [BASE]
    for name in sorted(used):
        # "#" is escaped with the rest: it would end the URI.
        uri = "data:image/svg+xml," + quote(used[name].strip(), safe=" /:=.,-")
        rules.append(f'svg.kpictl-i[data-i="{name}"]{{--kpictl-i:url("{uri}")}}\n')
    assets.mkdir(parents=True, exist_ok=True)
    (assets / STYLESHEET).write_text("".join(rules), encoding="utf-8")
    return STYLESHEET


class _IconFinder:
    """An icon's SVG, from the organisation's ``overrides/.icons`` first (as Material looks),
    then Material's; None for a name that is not a plain icon path or has no file."""

    def __init__(self, own_overrides: Path) -> None:
        self.own = own_overrides / ".icons"
        self.cache: dict[str, str | None] = {}

    def svg(self, name: str) -> str | None:
        if name not in self.cache:
            self.cache[name] = self._read(name)
        return self.cache[name]

    def exists(self, name: str) -> bool:
        """Whether ``name`` names an icon file, the organisation's or Material's."""
        if not _NAME.fullmatch(name) or ".." in name:
            return False
        if (self.own / f"{name}.svg").is_file():
            return True
        return resources.files("material").joinpath(f"templates/.icons/{name}.svg").is_file()

    def _read(self, name: str) -> str | None:
        if not self.exists(name):
            return None
        text = _own_or_material(self.own / f"{name}.svg", f".icons/{name}.svg")
        if (
            text is None
            or "<svg" not in text
            or _VIEWBOX.search(text) is None
            or _OWN_COLOURS.search(text)
        ):
            return None
        return text


def _refuse_missing(names: dict[str, Any], palette: Any, finder: _IconFinder, site: str) -> None:
    """An icon named in the settings that is neither Material's nor the organisation's is a
    typo to name, with where it is set and the fix (Material would stop on a template it cannot
    find, naming a temporary folder)."""
    named = [(f"theme.icon.{key}", value) for key, value in names.items()]
    named += [(f"theme.palette[{i}].toggle.icon", name) for i, name in _toggle_names(palette)]
    for where, name in named:
        if isinstance(name, str) and not finder.exists(name):
            raise KpictlError(
                f"{site}/mkdocs.yml: {where} is {name!r}, which is neither one of Material's "
                f"icons nor a file {site}/overrides/.icons/{name}.svg; give an icon from "
                "https://squidfunk.github.io/mkdocs-material/reference/icons-emojis/ (for "
                "example material/library), or add that file"
            )


def _toggle_names(palette: Any) -> list[tuple[int, Any]]:
    """Each palette option with a toggle: its index and the icon it names (any value)."""
    options = palette if isinstance(palette, list) else [palette] if palette else []
    return [
        (index, option["toggle"].get("icon"))
        for index, option in enumerate(options)
        if isinstance(option, dict) and isinstance(option.get("toggle"), dict)
    ]


def _toggle_icons(theme: dict[str, Any], finder: _IconFinder) -> dict[str, str] | None:
    """The palette toggles' icons, or None when one is missing (then the partial is kept)."""
    found: dict[str, str] = {}
    for _, name in _toggle_names(theme.get("palette")):
        svg = finder.svg(name) if isinstance(name, str) else None
        if not isinstance(name, str) or svg is None:
            return None
        found[name] = svg
    return found or None


def _toggled(text: str, toggles: dict[str, str]) -> str:
    """The palette partial with its toggles' icons drawn from the stylesheet."""
    if _TOGGLE_INCLUDE.search(text) is None:
        return text
    boxes = {name: _viewbox(svg) for name, svg in toggles.items()}
    element = (
        '<svg class="kpictl-i" viewBox="{{ kpictl_boxes[option.toggle.icon] }}" '
        'data-i="{{ option.toggle.icon }}"></svg>'
    )
    prelude = "{%- set kpictl_boxes = " + _jinja_dict(boxes) + " -%}\n"
    return prelude + _TOGGLE_INCLUDE.sub(element, text)


def _own_or_material(own: Path, template: str) -> str | None:
    """The text of ``own`` if it is a file, else of Material's ``template``; None if neither."""
    if own.is_file():
        return own.read_text(encoding="utf-8")
    shipped = resources.files("material").joinpath(f"templates/{template}")
    return shipped.read_text(encoding="utf-8") if shipped.is_file() else None


def _rewrite(overrides: Path, partial: str, change: Any) -> bool:
    """Apply ``change`` to the partial; return whether it changed anything."""
    target = overrides / partial
    text = _own_or_material(target, partial)
    if text is None:
        return False
    changed = change(text)
    if changed == text:
        return False
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(changed, encoding="utf-8")
    return True


def _empty_svg(name: str, svg: str) -> str:
    return f'<svg class="kpictl-i" viewBox="{_viewbox(svg)}" data-i="{name}"></svg>'


def _viewbox(svg: str) -> str:
    found = _VIEWBOX.search(svg)
    return found[1] if found else "0 0 24 24"


def _jinja_dict(values: dict[str, str]) -> str:
    return "{" + ", ".join(f'"{key}": "{value}"' for key, value in sorted(values.items())) + "}"
