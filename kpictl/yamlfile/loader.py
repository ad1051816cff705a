"""Strict, safe YAML loading that keeps the source position of every key and value.

The loader reads parser events (libyaml when available) and builds plain Python data itself, so
that nothing YAML can express beyond JSON reaches the rest of kpictl: duplicate keys, anchors,
aliases, merge keys, tags and several documents are errors at their line, scalars resolve by the
YAML 1.2 core schema (``no`` stays the string "no", ``2024-03-05`` stays a string), and nesting
depth and file size are bounded so that a hostile file is rejected quickly.
"""

from __future__ import annotations

import bisect
import errno
import math
import os
import re
import stat
from collections.abc import Callable
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

from kpictl.printable import printable
from kpictl.yamlfile.diagnostics import ERROR, Diagnostic

MAX_BYTES = 1024 * 1024
MAX_DEPTH = 32
MAX_INTEGER = 10**15  # exact as a JSON number in every reader (JavaScript's are 2**53)

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


class ScalarError(ValueError):
    """An unquoted scalar that resolves to a number kpictl cannot hold; the loader places it."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.code = code


def _shown(text: str) -> str:
    return text if len(text) <= 40 else f"{text[:20]}…{text[-8:]} ({len(text):,} characters)"


def _whole_number(text: str, base: int) -> int:
    digits = text.lstrip("+-") if base == 10 else text[2:]
    # Count before converting: Python refuses to convert over 4,300 decimal digits.
    if len(digits.lstrip("0")) <= len(str(MAX_INTEGER)):
        value = int(text, base) if base == 10 else int(digits, base)
        if abs(value) <= MAX_INTEGER:
            return value
    raise ScalarError(
        f"{_shown(text)} is too large; a whole number in a project file is at most "
        f"{MAX_INTEGER:,} (and at least -{MAX_INTEGER:,}), so write a smaller one, or quote it "
        "if it is text (an identifier, a phone number)",
        "number-too-large",
    )


def resolve_plain(text: str) -> Any:
    """Resolve an unquoted scalar by the YAML 1.2 core schema; a whole number beyond
    MAX_INTEGER or a number that is not finite is a ScalarError."""
    if text in _NULL:
        return None
    if text in _BOOL:
        return _BOOL[text]
    if _INT.match(text):
        return _whole_number(text, 10)
    if _OCT.match(text):
        return _whole_number(text, 8)
    if _HEX.match(text):
        return _whole_number(text, 16)
    if _FLOAT.match(text):
        value = float(text)  # 1e999 is inf
        if math.isfinite(value):
            return value
    elif not (_INF.match(text) or _NAN.match(text)):
        return text
    raise ScalarError(
        f"{_shown(text)} is not a finite number; write a number, or quote it if it is text",
        "not-finite",
    )


# Lines as YAML 1.2 and editors count them; libyaml (YAML 1.1) also breaks at NEL, LS and PS.
_LINE_BREAK = re.compile("\r\n|\r|\n")
_OLD_LINE_BREAKS = re.compile("[\x85\u2028\u2029]")


class _Places:
    """The 1-based line and column of a parser mark, counted as editors count them."""

    def __init__(self, text: str) -> None:
        self.starts: list[int] | None = None
        if _OLD_LINE_BREAKS.search(text):  # rare: only then is libyaml's count wrong
            self.starts = [0] + [m.end() for m in _LINE_BREAK.finditer(text)]

    def __call__(self, mark: Any) -> tuple[int, int]:
        if self.starts is None:
            return mark.line + 1, mark.column + 1
        return place(self.starts, mark.index)


def place(starts: list[int], index: int) -> tuple[int, int]:
    """The 1-based line and column of the character at ``index``, given where lines start."""
    line = bisect.bisect_right(starts, index) - 1
    return line + 1, index - starts[line] + 1


def line_starts(text: str) -> list[int]:
    return [0] + [m.end() for m in _LINE_BREAK.finditer(text)]


@dataclass(slots=True)
class _Frame:
    """An open mapping or list: where it is, and for a mapping the key waiting for its value
    and the line each of its keys was first written on."""

    container: dict[str, Any] | list[Any]
    path: PathKey
    key: str | None = None
    seen: dict[str, int] = field(default_factory=dict)

    @property
    def wants_key(self) -> bool:
        return self.key is None and isinstance(self.container, dict)


class _Builder:
    """Builds plain data and source positions from parser events, one method per event kind."""

    def __init__(self, path: str, text: str) -> None:
        self.text = text
        self.mark = _Places(text)
        self.doc = Document(path=path, data={})
        self.stack: list[_Frame] = []
        self.root: Any = None
        self.have_root = False
        self.documents = 0

    def _steps(self) -> dict[type, Callable[[Any], None]]:
        return {
            DocumentStartEvent: self._document_start,
            AliasEvent: self._alias,
            ScalarEvent: self._scalar,
            MappingStartEvent: self._collection_start,
            SequenceStartEvent: self._collection_start,
            MappingEndEvent: self._collection_end,
            SequenceEndEvent: self._collection_end,
        }

    def build(self) -> Document:
        steps = self._steps()
        for event in yaml.parse(self.text, Loader=_YamlLoader):
            step = steps.get(type(event))
            if step is not None:
                step(event)
        return self._finish()

    def top_level_value(self, key: str) -> Any:
        """The value of ``key`` in the top-level mapping, read by the same parse as ``build``
        but stopping once it is known: what a full load gives whenever the whole file loads.
        None when the file has no such key; a LoadError or YAMLError when the file breaks
        before it."""
        steps = self._steps()
        for event in yaml.parse(self.text, Loader=_YamlLoader):
            step = steps.get(type(event))
            if step is None:
                continue
            step(event)
            if len(self.stack) == 1:
                root = self.stack[0].container
                if isinstance(root, dict) and key in root:
                    return root[key]
        return None

    def _document_start(self, event: Any) -> None:
        self.documents += 1
        if self.documents > 1:
            raise LoadError(
                "the file holds more than one YAML document; keep one project per file "
                "and remove the `---` separator",
                *self.mark(event.start_mark),
                "multiple-documents",
            )

    def _alias(self, event: Any) -> None:
        raise LoadError(
            "anchors (&name) and aliases (*name) are not allowed; write the value out in full",
            *self.mark(event.start_mark),
            "anchor",
        )

    def _collection_end(self, event: Any) -> None:
        self.stack.pop()

    def _scalar(self, event: Any) -> None:
        self._refuse_anchor_and_tag(event, scalar=True)
        if self.stack and self.stack[-1].wants_key:
            self._key(self.stack[-1], event)
            return
        line, col = self.mark(event.start_mark)
        path = self._child_path()
        self.doc.values[path] = Position(line, col)
        value: Any = event.value
        if not event.style and event.implicit[0] and event.tag is None:
            self.doc.plain.add(path)
            try:
                value = resolve_plain(event.value)
            except ScalarError as exc:
                raise LoadError(str(exc), line, col, exc.code) from None
        self._attach(value)

    def _collection_start(self, event: Any) -> None:
        self._refuse_anchor_and_tag(event, scalar=False)
        line, col = self.mark(event.start_mark)
        if self.stack and self.stack[-1].wants_key:
            raise LoadError(
                "a mapping key must be a plain word, not a list or mapping",
                line,
                col,
                "complex-key",
            )
        path = self._child_path()
        self.doc.values[path] = Position(line, col)
        value: dict[str, Any] | list[Any] = {} if type(event) is MappingStartEvent else []
        if event.flow_style:
            self.doc.flow.add(path)
        if len(self.stack) >= MAX_DEPTH:
            raise LoadError(
                f"the document is nested more than {MAX_DEPTH} levels deep; "
                "a project file needs only a few levels",
                line,
                col,
                "too-deep",
            )
        self._attach(value)
        self.stack.append(_Frame(value, path))

    def _refuse_anchor_and_tag(self, event: Any, *, scalar: bool) -> None:
        if event.anchor is not None:
            self._alias(event)
        tag = event.tag
        if tag is not None and tag != "!" and not (scalar and tag == _STR_TAG):
            raise LoadError(
                f"the tag {tag.replace('tag:yaml.org,2002:', '!!')} is not allowed; "
                "remove it (quote the value if it must stay text)",
                *self.mark(event.start_mark),
                "tag",
            )

    def _key(self, frame: _Frame, event: Any) -> None:
        line, col = self.mark(event.start_mark)
        key = event.value
        if key.startswith("\xa0") and not event.style:
            raise LoadError(
                "this line is indented with a non-breaking space (U+00A0), often pasted from a "
                "web page or a chat, so it is read as part of the key; indent with plain spaces",
                line,
                col,
                "yaml-syntax",
            )
        if key == "<<" and not event.style:
            raise LoadError(
                "merge keys (<<) are not allowed; write the keys out in full",
                line,
                col,
                "merge-key",
            )
        if key in frame.seen:
            raise LoadError(
                f'the key "{key}" appears twice in this mapping (first at line '
                f"{frame.seen[key]}); remove one of them",
                line,
                col,
                "duplicate-key",
            )
        frame.seen[key] = line
        frame.key = key
        key_path: PathKey = (*frame.path, key)
        self.doc.keys[key_path] = Position(line, col)

    def _child_path(self) -> PathKey:
        """The path of the value the next event starts."""
        if not self.stack:
            return ()
        frame = self.stack[-1]
        if isinstance(frame.container, dict):
            assert frame.key is not None  # a mapping's value follows its key
            return (*frame.path, frame.key)
        return (*frame.path, len(frame.container))

    def _attach(self, value: Any) -> None:
        """Put a value into the open collection, or make it the root."""
        if not self.stack:
            self.root, self.have_root = value, True
            return
        frame = self.stack[-1]
        if isinstance(frame.container, dict):
            assert frame.key is not None
            frame.container[frame.key] = value
            frame.key = None
        else:
            frame.container.append(value)

    def _finish(self) -> Document:
        if not self.have_root:
            raise LoadError(
                "the file is empty; a project file starts with `schema_version: 1` and `id:`",
                1,
                1,
                "empty-file",
            )
        if not isinstance(self.root, dict):
            where = self.doc.values[()]
            raise LoadError(
                "the top level must be a mapping of keys such as `id:` and `name:`, "
                f"not {_kind_of(self.root)}",
                where.line,
                where.col,
                "not-a-mapping",
            )
        self.doc.data = self.root
        return self.doc


def _build(text: str, path: str) -> Document:
    return _Builder(path, text).build()


def _kind_of(value: Any) -> str:
    if value is None:
        return "an empty value"
    if isinstance(value, list):
        return "a list"
    return f"a single value ({value!r})"


# What YAML refuses to read raw: control characters other than tab and line breaks, DEL, the
# C1 controls but NEL, and the two non-characters.
_RAW_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ufffe\uffff]")


def _decode(raw: bytes, path: str) -> str:
    """The file's text, without a byte-order mark; a LoadError at the first byte that is not
    UTF-8 or character that YAML does not allow, at its line and column."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start].decode("utf-8")
        line, col = place(line_starts(before), len(before))
        raise LoadError(
            f"byte 0x{raw[exc.start]:02x} is not valid UTF-8; save the file as UTF-8",
            line,
            col,
            "not-utf8",
        ) from None
    found = _RAW_CONTROL.search(text)
    if found is not None:
        line, col = place(line_starts(text[: found.start()]), found.start())
        char = found[0]
        raise LoadError(
            f"the file holds the control character {printable(char)} (U+{ord(char):04X}), "
            "which YAML does not allow in a file; remove it (inside double quotes, "
            f"write it as {printable(char)} if it is meant)",
            line,
            col,
            "control-character",
        )
    return text


def _syntax_error(exc: yaml.MarkedYAMLError, text: str, path: str) -> Diagnostic:
    places = _Places(text)
    lines = _LINE_BREAK.split(text)

    def where(mark: Any) -> tuple[int, int]:
        line, col = places(mark)
        if line > len(lines):  # libyaml's end of the stream, after a last line with no break
            return len(lines), len(lines[-1]) + 1
        return line, col

    mark = exc.problem_mark or exc.context_mark
    line, col = where(mark) if mark else (1, 1)
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
        context_line, context_col = where(exc.context_mark)
        message += f" {exc.context} that starts at line {context_line}, column {context_col}"
    if mark is not None:
        message += _hint(lines, line, col, problem)
    return Diagnostic(path, line, col, ERROR, "yaml-syntax", message)


_KEY_AND_VALUE = re.compile(r"(\s*(?:-\s+)?)([^\s:#'\"][^:#]*?):\s+([^\s'\"\[{].*?)\s*")


def _hint(lines: list[str], line: int, col: int, problem: str) -> str:
    """What usually causes a syntax error on this line: a tab or a non-breaking space in the
    indentation, or a colon in a value that is not quoted."""
    here = lines[line - 1]
    before = lines[line - 2] if line >= 2 else ""
    for number, text in ((line, here), (line - 1, before)):
        indent = text[: len(text) - len(text.lstrip(" \t\xa0"))]
        if "\t" in indent or (number == line and "\t" in text[:col]):
            return "; indent with spaces, not tabs"
        if "\xa0" in indent:
            return (
                f"; line {number} is indented with a non-breaking space (U+00A0), often pasted "
                "from a web page or a chat; indent with plain spaces"
            )
    if "mapping values are not allowed" in problem:
        match = _KEY_AND_VALUE.fullmatch(here)
        if match and ": " in match[3]:
            value = match[3]
            quoted = '"' + value + '"' if '"' not in value else "'" + value.replace("'", "''") + "'"
            return (
                "; a value holding a colon and a space must be quoted: write "
                f"{match[1].lstrip()}{match[2]}: {quoted}"
            )
        return "; a value holding a colon and a space must be quoted"
    return ""


def too_large(size: int) -> LoadError:
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
            raise too_large(size if size is not None else len(raw))
        text = _decode(raw, path)
        return _build(text, path), []
    except LoadError as exc:
        return None, [Diagnostic(path, exc.line, exc.col, ERROR, exc.code, str(exc))]
    except yaml.MarkedYAMLError as exc:
        return None, [_syntax_error(exc, text, path)]
    except yaml.YAMLError as exc:  # no mark: its first line says what
        problem = str(exc).split("\n", 1)[0]
        return None, [Diagnostic(path, 1, 1, ERROR, "yaml-syntax", f"invalid YAML: {problem}")]


_NOT_A_FILE = {
    stat.S_IFIFO: "a named pipe (FIFO)",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFSOCK: "a socket",
    stat.S_IFDIR: "a folder",
}
_NO_FOLLOW = getattr(os, "O_NOFOLLOW", 0)
_OPEN_FLAGS = (
    os.O_RDONLY | _NO_FOLLOW | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
) | getattr(os, "O_BINARY", 0)


def _symlink() -> LoadError:
    return LoadError(
        "this is a symbolic link, and git keeps the link, not the file it points to, so its "
        "history would be lost; move the file itself here",
        1,
        1,
        "symlink",
    )


def file_kind(mode: int) -> str:
    """What a file of ``mode`` that is not a regular file is, in words: "a folder"."""
    return _NOT_A_FILE.get(stat.S_IFMT(mode), "a special file")


def _refuse_kind(mode: int) -> None:
    if stat.S_ISLNK(mode):
        raise _symlink()
    if not stat.S_ISREG(mode):
        kind = file_kind(mode)
        raise LoadError(
            f"this is {kind}, not a regular file; git cannot keep it and kpictl does not read "
            "it, so put the file itself here",
            1,
            1,
            "not-a-file",
        )


def read_project_file(file: Path) -> bytes:
    """The bytes of a project file on disk: the one way kpictl reads one. Only a regular file,
    never through a symbolic link, never blocking (a FIFO or device is refused before it is
    read), and at most MAX_BYTES (a larger file is refused after reading one byte past it).
    A LoadError says why not."""
    try:
        _refuse_kind(os.lstat(file).st_mode)  # a FIFO or device is never even opened
        handle = os.open(file, _OPEN_FLAGS)
    except OSError as exc:
        if exc.errno == errno.ELOOP and _NO_FOLLOW:
            raise _symlink() from None  # it became a link after the check
        raise LoadError(
            f"cannot read the file: {exc.strerror or exc}", 1, 1, "unreadable"
        ) from None
    try:
        status = os.fstat(handle)
        _refuse_kind(status.st_mode)  # it was swapped after the check
        if status.st_size > MAX_BYTES:
            raise too_large(status.st_size)
        chunks: list[bytes] = []
        left = MAX_BYTES + 1
        while left > 0:
            chunk = os.read(handle, left)
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
    except OSError as exc:
        raise LoadError(
            f"cannot read the file: {exc.strerror or exc}", 1, 1, "unreadable"
        ) from None
    finally:
        os.close(handle)
    raw = b"".join(chunks)
    if len(raw) > MAX_BYTES:  # it grew while being read
        raise too_large(max(status.st_size, len(raw)))
    return raw


def top_level_id(raw: bytes) -> str | None:
    """The top-level ``id`` of a project file's bytes, as a full load would give it (None when
    it is not text, or the file does not load up to it), read only as far as the id: the cheap
    way to know the ids of files that are not being validated."""
    try:
        if len(raw) > MAX_BYTES:
            return None
        value = _Builder("", _decode(raw, "")).top_level_value("id")
    except (LoadError, yaml.YAMLError):
        return None
    return value if isinstance(value, str) else None


def load_file(file: Path, display: str) -> tuple[Document | None, list[Diagnostic]]:
    """Load a project file from disk (read by ``read_project_file``)."""
    try:
        raw = read_project_file(file)
    except LoadError as exc:
        return None, [Diagnostic(display, exc.line, exc.col, ERROR, exc.code, str(exc))]
    return load_bytes(raw, display)
