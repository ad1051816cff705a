"""`kpictl build`: KPI pages and charts into a build folder, then `mkdocs build` on them.

The organisation's ``site/mkdocs.yml`` is inherited (MkDocs' ``INHERIT``), its hand-written pages
and assets are copied beside the generated ones, and the result replaces the output folder only
when the build succeeds, so a failed ``--strict`` build leaves the last good site in place.
"""

from __future__ import annotations

import errno
import json
import logging
import os
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from kpictl.config import Config
from kpictl.errors import EXIT_INVALID, KpictlError
from kpictl.output.jsontext import json_text
from kpictl.output.report import report_data
from kpictl.progress import Progress
from kpictl.scratch import scratch_folder, user_path
from kpictl.site.links import repo_links
from kpictl.site.pages import SiteWriter
from kpictl.site.publish import published, published_warnings

if TYPE_CHECKING:
    from kpictl.pipeline import Computed


@dataclass(frozen=True)
class BuildResult:
    out: Path
    pages: int
    warnings: list[str]


class _TolerantLoader(yaml.SafeLoader):
    """Reads an mkdocs.yml that uses tags such as !!python/name, ignoring the tagged values."""


_TolerantLoader.add_multi_constructor("", lambda loader, suffix, node: None)


def _parent_config(path: Path) -> dict[str, Any]:
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_TolerantLoader)
    except yaml.YAMLError as exc:
        raise KpictlError(f"{path}: not valid YAML ({exc})") from None
    return data if isinstance(data, dict) else {}


def _nav(extra_pages: list[str]) -> list[Any]:
    # Material writes the whole navigation into every page, so a navigation listing each KPI and
    # project would grow the site with the square of the portfolio: index pages link to them.
    nav: list[Any] = [
        {"Home": "index.md"},
        {"Portfolio": "portfolio.md"},
        {"KPIs": "kpis/index.md"},
        {"Projects": "projects/index.md"},
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


_PRE = re.compile(r"(<pre[\s>].*?</pre>|<textarea[\s>].*?</textarea>)", re.S)


def _compact_html(site: Path) -> None:
    """Drop the indentation and blank lines of MkDocs' templates (a fifth of every page),
    leaving preformatted blocks as they are."""
    for page in site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        parts = _PRE.split(text)
        for i in range(0, len(parts), 2):
            parts[i] = "\n".join(line.strip() for line in parts[i].split("\n") if line.strip())
        page.write_text("".join(parts), encoding="utf-8")


class _Collector(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextmanager
def _mkdocs_logging() -> Iterator[_Collector]:
    logger = logging.getLogger("mkdocs")
    collector = _Collector()
    old_level, old_propagate = logger.level, logger.propagate
    logger.addHandler(collector)
    logger.setLevel(logging.WARNING)
    logger.propagate = False
    try:
        yield collector
    finally:
        logger.removeHandler(collector)
        logger.setLevel(old_level)
        logger.propagate = old_propagate


_LATEST_GZIP_TIME = 2**32 - 1  # 2106-02-07: the latest time a gzip header (sitemap.xml.gz) holds


@contextmanager
def _source_date(epoch: int) -> Iterator[None]:
    # MkDocs stamps the sitemap with the build date; the head commit's time keeps builds equal,
    # held within what its gzip header can store (a commit dated in the year 3000 broke it).
    old = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(min(max(epoch, 0), _LATEST_GZIP_TIME))
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = old


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


def _copy_site_files(site_dir: Path, docs: Path) -> list[str]:
    """Copy hand-written pages and assets; return the pages, for the navigation."""
    pages: list[str] = []
    if not site_dir.exists() and not site_dir.is_symlink():
        return pages
    for source in _site_sources(site_dir):
        relative = source.relative_to(site_dir)
        if relative.parts[0] in ("overrides",) or relative.name == "mkdocs.yml":
            continue
        if relative.parts[0] in ("index.md", "portfolio.md", "warnings.md", "kpis", "projects"):
            raise KpictlError(
                f"{site_dir / relative}: this name is taken by a generated page; rename it"
            )
        target = docs / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
        if relative.suffix == ".md":
            pages.append(relative.as_posix())
    return pages


def _overrides(site_dir: Path, work: Path) -> Path:
    """Theme overrides: kpictl's accessibility fix to Material's search dialog, under the
    organisation's own ``site/overrides`` (which win where both have a file)."""
    target = work / "overrides"
    search = resources.files("material").joinpath("templates/partials/search.html")
    text = search.read_text(encoding="utf-8") if search.is_file() else ""
    marker = 'role="dialog"'
    if marker in text:  # the dialog has no accessible name as Material ships it
        partial = target / "partials" / "search.html"
        partial.parent.mkdir(parents=True, exist_ok=True)
        label = "aria-label=\"{{ lang.t('search') }}\""
        partial.write_text(text.replace(marker, f"{marker} {label}", 1), encoding="utf-8")
    own = site_dir / "overrides"
    if own.is_dir():
        shutil.copytree(own, target, dirs_exist_ok=True)
    return target


def _drop_unused_search_languages(site: Path) -> None:
    """Material ships search support for 30 languages (0.9 MB); keep the ones the site uses."""
    index = site / "search" / "search_index.json"
    folder = site / "assets" / "javascripts" / "lunr" / "min"
    if not index.is_file() or not folder.is_dir():
        return
    languages = set(json.loads(index.read_text(encoding="utf-8")).get("config", {}).get("lang", []))
    for script in folder.glob("lunr.*.min.js"):
        code = script.name[len("lunr.") : -len(".min.js")]
        if len(code) == 2 and code not in languages:
            script.unlink()


def write_sources(computed: Computed, config: Config, work: Path) -> tuple[Path, int, str]:
    """Generate the Markdown pages and mkdocs.yml under ``work`` from computed results; return
    the config path, the page count and the report's JSON."""
    history = computed.history
    report, timelines = published(computed.report, computed.timelines, config.publish)
    branch = history.ref if history.ref != "HEAD" else "main"
    links = repo_links(config.repo_url, computed.remote_url, branch)
    warnings = published_warnings(computed.warnings, config.publish)
    writer = SiteWriter(report, timelines, config, links, warnings)
    docs = work / "docs"
    count = 0
    progress = Progress("writing pages", len(report.projects) + len(report.catalog) + 3)
    for page in writer.pages():
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
    extra_pages = _copy_site_files(site_dir, docs)
    parent_file = site_dir / "mkdocs.yml"
    if not parent_file.is_file():  # kpictl's own accessible, offline defaults
        parent_file = work / "default-mkdocs.yml"
        default = resources.files("kpictl.scaffold").joinpath("templates/mkdocs.yml")
        parent_file.write_text(default.read_text(encoding="utf-8"), encoding="utf-8")
    parent = _parent_config(parent_file)
    generated: dict[str, Any] = {
        "docs_dir": str(docs),
        "site_dir": str(work / "site"),
        "use_directory_urls": False,
        "extra_css": ["assets/kpictl.css", *(parent.get("extra_css") or [])],
        "extra_javascript": ["assets/kpictl-sort.js", *(parent.get("extra_javascript") or [])],
        "theme": {"name": "material", "font": False, "features": _features(parent)},
    }
    if not parent.get("site_name"):
        generated["site_name"] = "Generative-AI KPIs"
    generated["INHERIT"] = str(parent_file.resolve())
    generated["theme"]["custom_dir"] = str(_overrides(site_dir, work))
    if not parent.get("nav"):
        generated["nav"] = _nav(extra_pages)
    config_file = work / "mkdocs.yml"
    config_file.write_text(
        yaml.safe_dump(generated, sort_keys=False, allow_unicode=True), encoding="utf-8"
    )
    payload = report_data(report, warnings=warnings)
    data = json_text(payload, compact=True) + "\n"
    return config_file, count, data


SITE_MARKER = ".kpictl-site"
_MARKER_TEXT = (
    "This folder is a site built by kpictl; `kpictl build` replaces it whole, so keep nothing "
    "else here.\n"
)
_LEGACY_OUT = "build/site"  # the default output folder before sites were marked
# What a build before sites were marked wrote into it: MkDocs' pages (generated and
# hand-written, all at the top or in the generated page folders), Material's assets, the
# search index, the sitemap and kpis.json. Anything else there is someone else's.
_OLD_BUILD_FILES = frozenset({"kpis.json", "sitemap.xml", "sitemap.xml.gz"})
_OLD_BUILD_FOLDERS = frozenset({"assets", "search", "kpis", "projects"})
_OLD_BUILD_SUFFIXES = frozenset(
    {".html", ".css", ".js", ".map", ".json", ".svg", ".png", ".ico", ".woff", ".woff2", ".ttf"}
)


def out_setting(config: Config, out: Path | None) -> str:
    """How the user named the output folder, for messages: ``--out X`` or kpictl.yaml's."""
    return f"--out {out}" if out is not None else f"site.out {config.site_out} in kpictl.yaml"


def site_target(config: Config, out: Path | None) -> Path:
    """The folder to write the site into, after refusing one kpictl must not replace: a
    filesystem root, the repository or a folder holding it, a folder inside the site sources,
    the projects or any git directory, site.out outside the repository, a folder of files
    kpictl did not build, and a name the file system cannot hold."""
    where = out_setting(config, out)
    with user_path(where):  # an OSError here is about the folder the user named
        return _checked_target(config, out, where)


def _checked_target(config: Config, out: Path | None, where: str) -> Path:
    chosen = out or config.root / config.site_out
    if chosen.is_symlink():
        raise KpictlError(f"{where} is a symbolic link; give a real folder")
    target = chosen.resolve()
    root = config.root.resolve()
    if out is None and not target.is_relative_to(root):
        raise KpictlError(
            f"{where} is outside the repository ({root}), and a build replaces that folder "
            "whole; set site.out in kpictl.yaml to a folder inside the repository, such as "
            "build/site, or pass --out"
        )
    if target.parent == target:
        raise KpictlError(f"{where} is a file system root; give a folder of its own")
    if root.is_relative_to(target):
        raise KpictlError(
            f"{where} holds the repository, which a build would replace; give a folder "
            "of its own, such as build/site"
        )
    for inside, why in (
        (config.root / config.site_dir, "whose files are copied into every build"),
        (config.projects_path, "which holds the project files"),
        (root / ".git", "which is git's own"),
    ):
        if target.is_relative_to(inside.resolve()):
            raise KpictlError(
                f"{where} is inside {inside.relative_to(config.root)}/, {why}; give a "
                "folder outside it, such as build/site"
            )
    git_dir = next((p for p in (target, *target.parents) if _is_git_dir(p)), None)
    if git_dir is not None:
        raise KpictlError(
            f"{where} is inside {git_dir}, a git repository's own folder, which git alone "
            "may change; give a folder outside it, such as build/site"
        )
    if target.exists() and not target.is_dir():
        raise KpictlError(f"{where} is a file, not a folder; give a folder")
    if target.is_dir() and not _is_site(target, root) and any(target.iterdir()):
        if _is_old_default(target, root):
            strays = ", ".join(_not_built(target)[:3])
            raise KpictlError(
                f"{where} has no {SITE_MARKER} marker and holds files no kpictl build writes "
                f"({strays}), and a build replaces the whole folder; move those files out (or, "
                "if an earlier build wrote them, delete the folder: the build makes it again), "
                "or give a new or empty folder with --out"
            )
        raise KpictlError(
            f"{where} holds files kpictl did not build (it has no {SITE_MARKER} marker), "
            "and a build replaces the whole folder; give a new or empty folder, or move the files"
        )
    _check_creatable(target, where)
    return target


def _is_git_dir(folder: Path) -> bool:
    """A folder named .git, or one git would take for its own directory (as `git rev-parse
    --git-dir` does: HEAD, objects/ and refs/), such as a bare repository."""
    if folder.name == ".git":
        return True
    return (
        (folder / "HEAD").is_file() and (folder / "objects").is_dir() and (folder / "refs").is_dir()
    )


def _check_creatable(target: Path, where: str) -> None:
    """Refuse, before any work, a folder the file system could not make: a name longer than it
    holds, or one under a file."""
    missing: list[str] = []
    existing = target
    while not os.path.lexists(existing) and existing.parent != existing:
        missing.append(existing.name)
        existing = existing.parent
    if missing and not existing.is_dir():
        raise KpictlError(f"{where}: {os.strerror(errno.ENOTDIR)} ({existing}); give a folder")
    try:
        longest = os.pathconf(existing, "PC_NAME_MAX")
    except (OSError, ValueError, AttributeError):  # AttributeError: no pathconf (Windows)
        longest = 255
    if any(len(os.fsencode(name)) > longest for name in missing):
        raise KpictlError(f"{where}: {os.strerror(errno.ENAMETOOLONG)}; give another folder")


def _is_old_default(folder: Path, root: Path) -> bool:
    return folder == (root / _LEGACY_OUT).resolve() and (folder / "kpis.json").is_file()


def _not_built(folder: Path) -> list[str]:
    """The files and folders under ``folder`` that no build before the marker wrote."""
    strays: list[str] = []
    for parent, dirs, names in os.walk(folder):
        here = Path(parent)
        top = here == folder
        kept = []
        for name in sorted(dirs):
            if (here / name).is_symlink() or (top and name not in _OLD_BUILD_FOLDERS):
                strays.append(f"{(here / name).relative_to(folder).as_posix()}/")
            else:
                kept.append(name)
        dirs[:] = kept
        for name in sorted(names):
            path = here / name
            if top:
                known = name in _OLD_BUILD_FILES or name.endswith(".html")
            else:
                known = Path(name).suffix.lower() in _OLD_BUILD_SUFFIXES
            if not known or path.is_symlink() or not path.is_file():
                strays.append(path.relative_to(folder).as_posix())
    return sorted(strays)


def _is_site(folder: Path, root: Path) -> bool:
    if (folder / SITE_MARKER).is_file():
        return True
    # A site built before sites were marked, in the old default folder, holding only what such
    # a build wrote: accepted once (the build marks it).
    return _is_old_default(folder, root) and not _not_built(folder)


def build_site(
    computed: Computed,
    config: Config,
    *,
    out: Path | None = None,
    strict: bool = False,
    where: str | None = None,
) -> BuildResult:
    """Write the site of ``computed`` into ``out`` (default: site.out in kpictl.yaml);
    ``where`` names the folder as the user gave it, for messages."""
    where = where or out_setting(config, out)
    target = site_target(config, out)
    if strict and computed.warnings:
        listed = "; ".join(computed.warnings[:3]) + ("; ..." if len(computed.warnings) > 3 else "")
        raise KpictlError(
            f"the site was not built: {len(computed.warnings)} warning(s) with --strict "
            f"({listed}); fix them, or build without --strict; the last good site is left in "
            "place",
            EXIT_INVALID,
        )
    with user_path(where):
        target.parent.mkdir(parents=True, exist_ok=True)
    with scratch_folder(target.parent, ".kpictl-build-", where=where) as work:
        config_file, count, data = write_sources(computed, config, work)
        stamp = computed.history.head_landed_at
        messages = run_mkdocs(config_file, strict=strict, stamp=stamp)
        built = work / "site"
        _compact_html(built)
        _drop_unused_search_languages(built)
        (built / "kpis.json").write_text(data, encoding="utf-8")
        (built / SITE_MARKER).write_text(_MARKER_TEXT, encoding="utf-8")
        _replace(built, target, config.root.resolve(), where)
        return BuildResult(target, count, computed.warnings + messages)


def run_mkdocs(config_file: Path, *, strict: bool, stamp: int) -> list[str]:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort, MkDocsException

    with _mkdocs_logging() as collector, _source_date(stamp):
        try:
            build(load_config(config_file=str(config_file), strict=strict))
        except Abort as exc:
            details = "; ".join(collector.messages) or str(exc)
            raise KpictlError(
                f"the site was not built: MkDocs reported warnings in --strict mode ({details}); "
                "the last good site is left in place",
                EXIT_INVALID,
            ) from None
        except MkDocsException as exc:
            raise KpictlError(f"the site was not built: {exc}") from None
    return [f"mkdocs: {m}" for m in collector.messages]


def _replace(built: Path, target: Path, root: Path, where: str) -> None:
    """Put ``built`` where ``target`` is, in two renames; the old site goes only once the new
    one is in place."""
    with user_path(where):
        if target.is_dir() and not _is_site(target, root) and any(target.iterdir()):
            raise KpictlError(f"{where} now holds files kpictl did not build; nothing was replaced")
    # A short name of its own: the target's name may already be as long as names can be.
    with scratch_folder(target.parent, ".kpictl-old-", where=where) as old, user_path(where):
        moved = target.exists()
        if moved:
            target.rename(old / "site")
        try:
            built.rename(target)
        except OSError:
            if moved:  # the last good site goes back where it was
                (old / "site").rename(target)
            raise
