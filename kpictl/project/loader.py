"""Strict, safe YAML loading that keeps the source position of every key and value.

The loader reads parser events (libyaml when available) and builds plain Python data itself, so
that nothing YAML can express beyond JSON reaches the rest of kpictl: duplicate keys, anchors,
aliases, merge keys, tags and several documents are errors at their line, scalars resolve by the
YAML 1.2 core schema (``no`` stays the string "no", ``2024-03-05`` stays a string), and nesting
depth and file size are bounded so that a hostile file is rejected quickly.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.events import (
    AliasEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
)

from kpictl.project.diagnostics import ERROR, Diagnostic

MAX_BYTES = 1024 * 1024
MAX_DEPTH = 32

_YamlLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

PathKey = tuple[str | int, ...]

# YAML 1.2 core schema: the only plain scalars that are not strings.
_NULL = {"", "~", "null", "Null", "NULL"}
_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_INT = re.compile(r"[-+]?[0-9]+\Z")
_OCT = re.compile(r"0o[0-7]+\Z")
_HEX = re.compile(r"0x[0-9a-fA-F]+\Z")
_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?\Z")
_INF = re.compile(r"[-+]?\.(inf|Inf|INF)\Z")
_NAN = re.compile(r"\.(nan|NaN|NAN)\Z")
# Words that YAML 1.1 tools (and many editors) read as booleans when unquoted.
YAML11_BOOLEANS = frozenset(
    {"y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO"}
    | {"on", "On", "ON", "off", "Off", "OFF"}
)
_STR_TAG = "tag:yaml.org,2002:str"


@dataclass(frozen=True)
class Position:
    line: int  # 1-based
    col: int  # 1-based


@dataclass
class Document:
    """A loaded YAML file: its data and where each key and value stands in the source."""

    path: str
    data: dict[str, Any]
    keys: dict[PathKey, Position] = field(default_factory=dict)
    values: dict[PathKey, Position] = field(default_factory=dict)
    plain: set[PathKey] = field(default_factory=set)  # values written as unquoted scalars
    flow: set[PathKey] = field(default_factory=set)  # collections written in flow style {} []

    def position(self, path: PathKey, *, key: bool = False) -> Position:
        """The position of the key (``key=True``) or value at ``path``, or of its nearest parent."""
        lookup = self.keys if key else self.values
        while path:
            found = lookup.get(path) or self.values.get(path) or self.keys.get(path)
            if found:
                return found
            path = path[:-1]
        return self.values.get((), Position(1, 1))


class LoadError(Exception):
    def __init__(self, message: str, line: int, col: int, code: str) -> None:
        super().__init__(message)
        self.line = line
        self.col = col
        self.code = code


def resolve_plain(text: str) -> Any:
    """Resolve an unquoted scalar by the YAML 1.2 core schema."""
    if text in _NULL:
        return None
    if text in _BOOL:
        return _BOOL[text]
    if _INT.match(text):
        return int(text)
    if _OCT.match(text):
        return int(text[2:], 8)
    if _HEX.match(text):
        return int(text[2:], 16)
    if _FLOAT.match(text):
        return float(text)
    if _INF.match(text):
        return float("-inf") if text.startswith("-") else float("inf")
    if _NAN.match(text):
        return float("nan")
    return text


def _mark(event: Any) -> tuple[int, int]:
    return event.start_mark.line + 1, event.start_mark.column + 1


def _build(text: str, path: str) -> Document:
    doc = Document(path=path, data={})
    root: Any = None
    have_root = False
    documents = 0
    # Each frame: [container, path, pending key or None, {key: line of first occurrence}]
    stack: list[list[Any]] = []
    event: Any
    for event in yaml.parse(text, Loader=_YamlLoader):
        kind = type(event)
        if kind is DocumentStartEvent:
            documents += 1
            if documents > 1:
                line, col = _mark(event)
                raise LoadError(
                    "the file holds more than one YAML document; keep one project per file "
                    "and remove the `---` separator",
                    line,
                    col,
                    "multiple-documents",
                )
            continue
        if kind is AliasEvent or getattr(event, "anchor", None) is not None:
            line, col = _mark(event)
            raise LoadError(
                "anchors (&name) and aliases (*name) are not allowed; write the value out in full",
                line,
                col,
                "anchor",
            )
        if kind is MappingEndEvent or kind is SequenceEndEvent:
            stack.pop()
            continue
        if kind not in (ScalarEvent, MappingStartEvent, SequenceStartEvent):
            continue
        tag = event.tag
        if tag is not None and tag != "!" and not (kind is ScalarEvent and tag == _STR_TAG):
            line, col = _mark(event)
            raise LoadError(
                f"the tag {tag.replace('tag:yaml.org,2002:', '!!')} is not allowed; "
                "remove it (quote the value if it must stay text)",
                line,
                col,
                "tag",
            )
        if stack:
            frame = stack[-1]
            container, parent_path = frame[0], frame[1]
            if isinstance(container, dict) and frame[2] is None:
                line, col = _mark(event)
                if kind is not ScalarEvent:
                    raise LoadError(
                        "a mapping key must be a plain word, not a list or mapping",
                        line,
                        col,
                        "complex-key",
                    )
                key = event.value
                if key == "<<" and not event.style:
                    raise LoadError(
                        "merge keys (<<) are not allowed; write the keys out in full",
                        line,
                        col,
                        "merge-key",
                    )
                seen: dict[str, int] = frame[3]
                if key in seen:
                    raise LoadError(
                        f'the key "{key}" appears twice in this mapping (first at line '
                        f"{seen[key]}); remove one of them",
                        line,
                        col,
                        "duplicate-key",
                    )
                seen[key] = line
                frame[2] = key
                key_path: PathKey = (*parent_path, key)
                doc.keys[key_path] = Position(line, col)
                continue
            child_path: PathKey
            if isinstance(container, dict):
                child_path = (*parent_path, frame[2])
            else:
                child_path = (*parent_path, len(container))
        else:
            child_path = ()
        line, col = _mark(event)
        doc.values[child_path] = Position(line, col)
        value: Any
        if kind is ScalarEvent:
            if not event.style and event.implicit[0] and tag is None:
                value = resolve_plain(event.value)
                doc.plain.add(child_path)
                if isinstance(value, float) and not math.isfinite(value):
                    raise LoadError(
                        f"{event.value} is not a finite number; write a number, or quote it "
                        "if it is text",
                        line,
                        col,
                        "not-finite",
                    )
            else:
                value = event.value
        else:
            value = {} if kind is MappingStartEvent else []
            if event.flow_style:
                doc.flow.add(child_path)
            if len(stack) >= MAX_DEPTH:
                raise LoadError(
                    f"the document is nested more than {MAX_DEPTH} levels deep; "
                    "a project file needs only a few levels",
                    line,
                    col,
                    "too-deep",
                )
        if stack:
            frame = stack[-1]
            if isinstance(frame[0], dict):
                frame[0][frame[2]] = value
                frame[2] = None
            else:
                frame[0].append(value)
        else:
            root, have_root = value, True
        if kind is not ScalarEvent:
            stack.append([value, child_path, None, {}])
    if not have_root:
        raise LoadError(
            "the file is empty; a project file starts with `schema_version: 1` and `id:`",
            1,
            1,
            "empty-file",
        )
    if not isinstance(root, dict):
        line, col = doc.values[()].line, doc.values[()].col
        raise LoadError(
            "the top level must be a mapping of keys such as `id:` and `name:`, "
            f"not {_kind_of(root)}",
            line,
            col,
            "not-a-mapping",
        )
    doc.data = root
    return doc


def _kind_of(value: Any) -> str:
    if value is None:
        return "an empty value"
    if isinstance(value, list):
        return "a list"
    return f"a single value ({value!r})"


def _decode(raw: bytes, path: str) -> str:
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        col = exc.start - (before.rfind(b"\n") + 1) + 1
        raise LoadError(
            f"byte 0x{raw[exc.start]:02x} is not valid UTF-8; save the file as UTF-8",
            line,
            col,
            "not-utf8",
        ) from None


def _syntax_error(exc: yaml.MarkedYAMLError, text: str, path: str) -> Diagnostic:
    mark = exc.problem_mark or exc.context_mark
    line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    problem = exc.problem or "the file is not valid YAML"
    if "nesting depth" in problem:
        return Diagnostic(
            path,
            line,
            col,
            ERROR,
            "too-deep",
            "the document is nested too deeply; a project file needs only a few levels",
        )
    message = f"invalid YAML: {problem}"
    if exc.context and exc.context_mark:
        message += (
            f" {exc.context} that starts at line {exc.context_mark.line + 1}, "
            f"column {exc.context_mark.column + 1}"
        )
    lines = text.splitlines()
    if mark and mark.line < len(lines) and "\t" in lines[mark.line][: mark.column + 1]:
        message += "; indent with spaces, not tabs"
    return Diagnostic(path, line, col, ERROR, "yaml-syntax", message)


def _too_large(size: int) -> LoadError:
    return LoadError(
        f"the file is {size:,} bytes, over the limit of {MAX_BYTES:,} bytes (1 MiB); "
        "a project file is a few kilobytes, so check what was pasted into it",
        1,
        1,
        "too-large",
    )


def load_bytes(
    raw: bytes, path: str, size: int | None = None
) -> tuple[Document | None, list[Diagnostic]]:
    """Load one YAML file's bytes; return the document, or None and the reason as a diagnostic."""
    text = ""
    try:
        if len(raw) > MAX_BYTES:
            raise _too_large(size if size is not None else len(raw))
        text = _decode(raw, path)
        return _build(text, path), []
    except LoadError as exc:
        return None, [Diagnostic(path, exc.line, exc.col, ERROR, exc.code, str(exc))]
    except yaml.MarkedYAMLError as exc:
        return None, [_syntax_error(exc, text, path)]
    except yaml.YAMLError as exc:
        return None, [Diagnostic(path, 1, 1, ERROR, "yaml-syntax", f"invalid YAML: {exc}")]


def load_file(file: Path, display: str) -> tuple[Document | None, list[Diagnostic]]:
    """Load a YAML file from disk, reading at most one byte past the size limit."""
    try:
        with file.open("rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        return None, [
            Diagnostic(display, 1, 1, ERROR, "unreadable", f"cannot read the file: {reason}")
        ]
    size = file.stat().st_size if len(raw) > MAX_BYTES else None
    return load_bytes(raw, display, size)
