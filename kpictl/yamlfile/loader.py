"""Strict, safe YAML loading that keeps the source position of every key and value.

The loader reads parser events (libyaml when available) and builds plain Python data itself, so
that nothing YAML can express beyond JSON reaches the rest of kpictl: duplicate keys, anchors,
aliases, merge keys, tags and several documents are errors at their line, scalars resolve by the
YAML 1.2 core schema (``no`` stays the string "no", ``2024-03-05`` stays a string), and nesting
depth and file size are bounded so that a hostile file is rejected quickly.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from kpictl.yamlfile.decoding import decode
from kpictl.yamlfile.diagnostics import ERROR, Diagnostic
from kpictl.yamlfile.document import Document, LoadError
from kpictl.yamlfile.event_builder import build_document
from kpictl.yamlfile.reading import MAX_BYTES, read_regular_file, too_large
from kpictl.yamlfile.syntax_errors import syntax_error


def load_bytes(
    raw: bytes, path: str, size: int | None = None
) -> tuple[Document | None, list[Diagnostic]]:
    """Load one YAML file's bytes; return the document, or None and the reason as a diagnostic."""
    text = ""
    try:
        if len(raw) > MAX_BYTES:
            raise too_large(size if size is not None else len(raw))
        text = decode(raw)
        return build_document(text, path), []
    except LoadError as exc:
        return None, [Diagnostic(path, exc.line, exc.col, ERROR, exc.code, str(exc))]
    except yaml.MarkedYAMLError as exc:
        return None, [syntax_error(exc, text, path)]
    except yaml.YAMLError as exc:  # no mark: its first line says what
        problem = str(exc).split("\n", 1)[0]
        return None, [Diagnostic(path, 1, 1, ERROR, "yaml-syntax", f"invalid YAML: {problem}")]


def load_file(file: Path, display: str) -> tuple[Document | None, list[Diagnostic]]:
    """Load a YAML file from disk (read by ``read_regular_file``)."""
    try:
        raw = read_regular_file(file)
    except LoadError as exc:
        return None, [Diagnostic(display, exc.line, exc.col, ERROR, exc.code, str(exc))]
    return load_bytes(raw, display)
