"""The organisation's MkDocs settings (``site/mkdocs.yml``), read before MkDocs reads them.

MkDocs reads its configuration with PyYAML's full loader, which runs ``!!python/object/apply``
and imports ``!!python/name`` values: a settings file could run any command during a build. So
kpictl reads the file first, with a safe loader that knows only the tags MkDocs documents for
configuration (``!ENV``, ``!relative``) and ``!!python/name:`` (which only names an object, as
Material's own documentation does for emoji and custom fences: MkDocs imports it, as it imports
a plugin the file names), and refuses any other at its line; and follows its
``INHERIT`` only to a file inside the site folder, checked the same way.

It also says the ``site_url`` a build gives MkDocs when the organisation wrote none: without
one, a site served under a sub-path has a 404 page whose links leave the site.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any
from urllib.parse import quote

import yaml

from kpictl.errors import KpictlError
from kpictl.site.links import web_base

_TAGS = ("!ENV", "!relative")  # what MkDocs documents for its configuration


class _Refused(Exception):
    def __init__(self, message: str, mark: yaml.Mark | None) -> None:
        super().__init__(message)
        self.mark = mark


class _SettingsLoader(yaml.SafeLoader):
    """YAML's own types, ``!ENV`` and ``!relative``; any other tag is refused."""


def _env(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    # As MkDocs reads it: the first variable set, else the last item as a default.
    if isinstance(node, yaml.ScalarNode):
        names, default = [loader.construct_scalar(node)], None
    elif isinstance(node, yaml.SequenceNode) and node.value:
        items = node.value
        default = loader.construct_object(items[-1]) if len(items) > 1 else None
        names = [loader.construct_scalar(item) for item in items[:-1] or items]
    else:
        raise _Refused(
            "!ENV takes a variable's name, or a list of names and a default", node.start_mark
        )
    # The text of the variable: kpictl reads no setting an !ENV would type differently.
    return next((os.environ[str(n)] for n in names if str(n) in os.environ), default)


def _relative(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    return loader.construct_scalar(node) if isinstance(node, yaml.ScalarNode) else None


def _refuse(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    raise _Refused(
        f"the tag {node.tag} is not allowed (MkDocs would run or import Python for it); kpictl "
        f"accepts only {', '.join(_TAGS)} and !!python/name here: write the value itself, or "
        "set it in a "
        "plugin or hook that is reviewed as code",
        node.start_mark,
    )


def _python_name(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
    # Names an object without calling it; kpictl reads no setting that holds one.
    return f"python/name:{suffix}"


_SettingsLoader.add_constructor("!ENV", _env)
_SettingsLoader.add_multi_constructor("tag:yaml.org,2002:python/name:", _python_name)
_SettingsLoader.add_constructor("!relative", _relative)
_SettingsLoader.add_constructor(None, _refuse)


def read_settings(path: Path, site_dir: Path, root: Path) -> tuple[dict[str, Any], list[Path]]:
    """The settings in ``path`` and the files it inherits, after refusing what MkDocs must not
    read: a tag other than ``!ENV`` and ``!relative``, a document that is not a mapping, and an
    ``INHERIT`` that leaves ``site_dir`` (followed and checked the same way)."""
    seen: set[Path] = set()
    inherited: list[Path] = []
    data, node = _read_one(path, root)
    chain = [data]
    current = path
    while "INHERIT" in data:
        seen.add(current.resolve())
        shown = f"{_shown(current, root)}{_at(_value_mark(node, 'INHERIT'))}"
        current = _inherited(current, shown, data["INHERIT"], site_dir, root)
        inherited.append(current)
        if current.resolve() in seen:
            raise KpictlError(
                f"{_shown(current, root)}: INHERIT leads back to a file already inherited; "
                "remove the loop"
            )
        data, node = _read_one(current, root)
        chain.append(data)
    settings: dict[str, Any] = {}
    for data in reversed(chain):  # as MkDocs merges them: the inheriting file wins
        settings = _merged(settings, data)
    settings.pop("INHERIT", None)
    return settings, inherited


def _merged(base: dict[str, Any], own: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in own.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merged(merged[key], value)
        else:
            merged[key] = value
    return merged


def _shown(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)


def _value_mark(node: yaml.Node | None, key: str) -> yaml.Mark | None:
    if isinstance(node, yaml.MappingNode):
        for name, value in node.value:
            if isinstance(name, yaml.ScalarNode) and name.value == key:
                mark: yaml.Mark = value.start_mark
                return mark
    return None


def _read_one(path: Path, root: Path) -> tuple[dict[str, Any], yaml.Node | None]:
    shown = _shown(path, root)
    if path.is_symlink() or not path.is_file():
        raise KpictlError(
            f"{shown} is not a regular file; the site's settings are read only from a regular "
            "file inside the repository, so put the file itself there"
        )
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise KpictlError(f"{shown}: not UTF-8 text; save it as UTF-8") from None
    except OSError as exc:
        raise KpictlError(f"{shown}: cannot read it ({exc.strerror}); make it readable") from None
    try:
        node = yaml.compose(text, Loader=_SettingsLoader)
        data = yaml.load(text, Loader=_SettingsLoader)
    except _Refused as exc:
        raise KpictlError(f"{shown}{_at(exc.mark)}: {exc}") from None
    except yaml.MarkedYAMLError as exc:
        raise KpictlError(
            f"{shown}{_at(exc.problem_mark)}: not valid YAML ({exc.problem}); fix it"
        ) from None
    except yaml.YAMLError as exc:
        raise KpictlError(f"{shown}: not valid YAML ({exc}); fix it") from None
    if data is None:
        return {}, node
    if not isinstance(data, dict):
        raise KpictlError(
            f"{shown}{_at(node.start_mark if node is not None else None)}: MkDocs settings are "
            "names and their values (such as `site_name: KPIs`), not a "
            f"{'list' if isinstance(data, list) else 'single value'}; write them as a mapping"
        )
    return data, node


def _at(mark: yaml.Mark | None) -> str:
    return f":{mark.line + 1}:{mark.column + 1}" if mark is not None else ""


def _inherited(path: Path, shown: str, value: Any, site_dir: Path, root: Path) -> Path:
    """The file an ``INHERIT`` in ``path`` (``shown`` with its line) names, which must be a
    regular file in the site folder (MkDocs reads it relative to ``path``)."""
    if not isinstance(value, str) or not value.strip():
        raise KpictlError(
            f"{shown}: INHERIT must name a file; give its path inside the site folder"
        )
    target = path.parent / value
    inside = site_dir.resolve()
    if os.path.isabs(value) or not target.resolve().is_relative_to(inside):
        raise KpictlError(
            f"{shown}: INHERIT {value} is outside {_shown(site_dir, root)}/, and MkDocs would "
            f"read it into the site; put the inherited settings in a file inside "
            f"{_shown(site_dir, root)}/ and name it relative to {path.name}"
        )
    if target.is_symlink() or not target.is_file():
        raise KpictlError(
            f"{shown}: INHERIT {value} is not a regular file inside "
            f"{_shown(site_dir, root)}/; put the settings file itself there"
        )
    return target


_DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
_NO_SITE_URL = (
    "the site has no site_url, so under a sub-path (GitHub Pages serves a project's site at "
    "https://ORG.github.io/REPO/) its 404 page's links lead out of the site and sitemap.xml "
    "lists no page; set site.url in kpictl.yaml (or site_url in {where}/mkdocs.yml), add a "
    "CNAME file to {where}/, or add the GitHub `origin` remote"
)


def site_url(
    settings: dict[str, Any], configured: str | None, site_dir: Path, where: str, remote: str | None
) -> tuple[str | None, str | None]:
    """The ``site_url`` kpictl gives MkDocs, and a note when there is none.

    In order: one the organisation wrote in its ``mkdocs.yml`` (kept: kpictl sets nothing),
    ``site.url`` from kpictl.yaml, ``https://DOMAIN/`` from a ``CNAME`` file in the site folder
    (a GitHub Pages custom domain), the GitHub Pages address of a GitHub ``origin`` remote."""
    if settings.get("site_url"):
        return None, None
    if configured:
        return _as_folder(configured), None
    domain = _cname(site_dir / "CNAME")
    if domain:
        return f"https://{domain}/", None
    pages = github_pages_url(remote) if remote else None
    if pages:
        return pages, None
    return None, _NO_SITE_URL.format(where=where)


def _as_folder(url: str) -> str:
    return url if url.endswith("/") else f"{url}/"


def _cname(path: Path) -> str | None:
    """The custom domain a GitHub Pages ``CNAME`` file names (its first line), if it is one."""
    if path.is_symlink() or not path.is_file():
        return None
    try:
        lines = path.read_text(encoding="utf-8").split()
    except (OSError, UnicodeDecodeError):
        return None
    domain = lines[0].strip().lower().rstrip(".") if lines else ""
    return domain if _DOMAIN.match(domain) else None


def github_pages_url(remote: str) -> str | None:
    """``https://ORG.github.io/REPO/`` for a github.com remote (https or ssh form), or
    ``https://ORG.github.io/`` for the repository named ``ORG.github.io``; None otherwise."""
    base = web_base(remote)
    if base is None or base[1] != "github":
        return None
    host, _, path = base[0].removeprefix("https://").partition("/")
    parts = path.split("/")
    if host != "github.com" or len(parts) != 2 or not all(parts):
        return None
    org, repo = parts[0].lower(), parts[1]
    if repo.lower() == f"{org}.github.io":
        return f"https://{org}.github.io/"
    return f"https://{org}.github.io/{quote(repo)}/"
