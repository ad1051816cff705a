"""Finding and loading kpictl.yaml: read strictly, checked against its schema, merged over
the packaged defaults, built into a Config. Every error exits 2."""

from __future__ import annotations

import copy
import os
from importlib import resources
from pathlib import Path
from typing import Any

from kpictl.config.builder import build_config
from kpictl.config.merge import merge_over_defaults
from kpictl.config.schema import config_schema
from kpictl.config.settings import Config
from kpictl.yamlfile import Document, load_bytes, load_file
from kpictl.yamlfile.fastschema import compile_schema

CONFIG_FILE = "kpictl.yaml"


def _defaults() -> dict[str, Any]:
    raw = resources.files("kpictl.config").joinpath("defaults.yaml").read_bytes()
    doc, problems = load_bytes(raw, "kpictl/config/defaults.yaml")
    if doc is None:  # a packaging defect, not a user's problem
        raise RuntimeError(f"the packaged defaults are broken: {problems[0]}")
    return doc.data


def find_root(start: Path) -> Path:
    """The nearest folder holding kpictl.yaml, else the nearest git work tree, else ``start``."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if os.path.lexists(folder / CONFIG_FILE):  # whatever it is: load_config says if unusable
            return folder
    for folder in (start, *start.parents):
        if (folder / ".git").exists():
            return folder
    return start


def _check(doc: Document) -> None:
    schema = config_schema()
    if not compile_schema(schema)(doc.data):
        from kpictl.config.explain import explain  # jsonschema only to say what is wrong

        raise explain(doc, schema)


def default_config(root: Path) -> Config:
    """The packaged defaults alone, whatever kpictl.yaml ``root`` holds."""
    return load_config(root, use_file=False)


def load_config(
    root: Path,
    *,
    use_file: bool = True,
    committed: bytes | None = None,
    committed_mode: str | None = None,
) -> Config:
    """Read ``kpictl.yaml`` under ``root`` (if present) over the defaults; errors exit 2.
    ``committed`` is a kpictl.yaml read from git instead of the working tree (with
    ``use_file=False`` and no ``committed``: the revision has none, so the defaults), and
    ``committed_mode`` the mode of git's tree entry there, when known: anything but a file
    (a link, a folder, a submodule) is an error, not the defaults."""
    if committed_mode is not None:
        from kpictl.config.explain import not_a_committed_file

        problem = not_a_committed_file(committed_mode)
        if problem is not None:
            raise problem
    path = root / CONFIG_FILE
    # Anything at that name is read, or refused: a FIFO, a folder or a link is never taken for
    # "no kpictl.yaml", which would put the defaults (and their publish: settings) in its place.
    if committed is None and not (use_file and os.path.lexists(path)):
        return build_config(root, None, copy.deepcopy(_defaults()), [])
    written = _read(path, committed)
    data, removed = merge_over_defaults(copy.deepcopy(_defaults()), written, CONFIG_FILE)
    return build_config(root, CONFIG_FILE, data, removed)


def _read(path: Path, committed: bytes | None) -> dict[str, Any]:
    """kpictl.yaml's data, checked against its schema: from git when ``committed``, else from
    ``path``; empty when the file holds only comments (the defaults then)."""
    if committed is not None:
        doc, problems = load_bytes(committed, CONFIG_FILE)
    else:
        doc, problems = load_file(path, CONFIG_FILE)
    if doc is None and problems[0].code != "empty-file":
        from kpictl.config.explain import unusable

        raise unusable(problems[0], CONFIG_FILE if committed is not None else str(path))
    if doc is None:
        return {}
    _check(doc)
    return doc.data
