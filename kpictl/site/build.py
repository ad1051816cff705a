"""`kpictl build`: KPI pages and charts into a build folder, then `mkdocs build` on them.

The organisation's ``site/mkdocs.yml`` is inherited (MkDocs' ``INHERIT``), its hand-written pages
and assets are copied beside the generated ones (site/sources.py), and the result replaces the
output folder (site/output_folder.py) only when the build succeeds, so a failed ``--strict``
build leaves the last good site in place.
"""

from __future__ import annotations

import json
import logging
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from kpictl.config import Config
from kpictl.errors import EXIT_INVALID, KpictlError
from kpictl.scratch import scratch_folder, user_path, writing_into
from kpictl.site.links import repo_links
from kpictl.site.mkdocs_settings import read_settings, site_url
from kpictl.site.output_folder import mark_as_site, out_setting, replace_site, site_target
from kpictl.site.sources import write_sources

if TYPE_CHECKING:
    from kpictl.pipeline import Computed


@dataclass(frozen=True)
class BuildResult:
    out: Path
    pages: int
    warnings: list[str]
    notes: tuple[str, ...] = ()  # facts worth a line that are not warnings


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
    # The word splitters Material's search worker loads for Japanese (tinyseg) and for Hindi
    # and Thai (wordcut): 0.7 MB a site that searches in none of them never asks for.
    for splitter, wanted in (("tinyseg.js", {"ja"}), ("wordcut.js", {"hi", "th"})):
        if not languages & wanted and (folder.parent / splitter).is_file():
            (folder.parent / splitter).unlink()


def _drop_source_maps(site: Path) -> None:
    """Material's source maps (1.3 MB): a browser asks for them only when its developer tools
    are open, to show Material's own sources; a published KPI site has no use for them."""
    for source_map in (site / "assets").rglob("*.map"):
        source_map.unlink()


def build_site(
    computed: Computed,
    config: Config,
    *,
    out: Path | None = None,
    strict: bool = False,
    where: str | None = None,
    served_at: str | None = None,
) -> BuildResult:
    """Write the site of ``computed`` into ``out`` (default: site.out in kpictl.yaml);
    ``where`` names the folder as the user gave it, for messages; ``served_at`` is the address
    `kpictl serve` serves it at, which wins over the published one (its 404 page's links)."""
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
    with (
        scratch_folder(target.parent, ".kpictl-build-", where=where) as work,
        writing_into(where, work),  # a full or read-only disk is the output folder's problem
    ):
        config_file, count, data = write_sources(computed, config, work)
        stamp = computed.history.head_landed_at
        url, note = (served_at, None) if served_at else _site_url(computed, config)
        messages = run_mkdocs(config_file, strict=strict, stamp=stamp, site_url=url)
        built = work / "site"
        _compact_html(built)
        _drop_unused_search_languages(built)
        _drop_source_maps(built)
        (built / "kpis.json").write_text(data, encoding="utf-8")
        mark_as_site(built)
        replace_site(built, target, config, where)
        said = repo_links(config.repo_url, None, "main").warning
        notes = [said] if said else []
        return BuildResult(
            target, count, computed.warnings + notes + messages, (note,) if note else ()
        )


def _site_url(computed: Computed, config: Config) -> tuple[str | None, str | None]:
    """The site_url to give MkDocs (None: the organisation's own, or none), and a note when
    the site has none (see mkdocs_settings.site_url)."""
    site_dir = config.root / config.site_dir
    own = site_dir / "mkdocs.yml"
    settings = read_settings(own, site_dir, config.root)[0] if os.path.lexists(own) else {}
    return site_url(settings, config.site_url, site_dir, config.site_dir, computed.remote_url)


def run_mkdocs(
    config_file: Path, *, strict: bool, stamp: int, site_url: str | None = None
) -> list[str]:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort, MkDocsException

    with _mkdocs_logging() as collector, _source_date(stamp):
        try:
            # site_url given here wins over the settings file's (None: the file's own, or none)
            build(load_config(config_file=str(config_file), strict=strict, site_url=site_url))
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
