"""One landed revision of a project file → its data, or the reason it is broken.

The result is plain data (a dict, or a one-item list holding the reason) so that it can be cached
by blob id with marshal.

Most pull requests change one line of one file (``go_decision: done``), so reading a long
history is mostly reading files that differ from their previous revision by one scalar. When
that is provably the case, the previous revision's data is patched instead of parsing the whole
file again; anything else gets a full parse. A property test checks that the two agree.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from typing import Any

import yaml

from kpictl.config import Config
from kpictl.dates import DateError, parse_declared
from kpictl.project.loader import (
    MAX_BYTES,
    Document,
    LoadError,
    PathKey,
    _build,
    load_bytes,
    resolve_plain,
)
from kpictl.project.schema import project_schema
from kpictl.project.validate import ProjectValidator

# A revision's data, or [reason] when it did not validate.
Parsed = dict[str, Any] | list[str]

# `  key: value` where value is one plain word that cannot start or continue anything else.
_SIMPLE_LINE = re.compile(
    r"( *)([A-Za-z0-9_][A-Za-z0-9_-]*): +([A-Za-z0-9_][A-Za-z0-9_.@+/-]*)( +#.*)?"
)
_LINE_BREAKS = ("\r", "\x85", "\u2028", "\u2029", "\t")


_TOP_KEY = re.compile(r"([A-Za-z_][A-Za-z0-9_-]*):(?: |$)")


@dataclass
class Known:
    """What a parsed revision leaves for patching the next revision of the same file."""

    lines: list[str]
    data: dict[str, Any]
    scalar_lines: dict[int, PathKey]  # 0-based line → path of the scalar whose key is on it
    regions: list[tuple[str, int]] | None  # top-level keys and the line each starts on


def _regions(lines: list[str]) -> list[tuple[str, int]] | None:
    """The top-level keys of a plain block-style file with their first lines, or None when the
    file has anything else at the margin (a document marker, a flow mapping, a quoted key)."""
    found: list[tuple[str, int]] = []
    for index, line in enumerate(lines):
        if not line.strip() or line.startswith("#"):
            continue
        if line[0] == " ":
            if not found:
                return None  # content before the first key
            continue
        match = _TOP_KEY.match(line)
        if match is None:
            return None
        found.append((match[1], index))
    return found


def _declared_dates(data: dict[str, Any]) -> list[str]:
    found = []
    for section in ("milestones", "environments"):
        for value in (data.get(section) or {}).values():
            if isinstance(value, dict) and "date" in value:
                found.append(value["date"])
    for cost in data.get("costs") or []:
        found.extend(cost[k] for k in ("from", "until") if k in cost)
    return found


def _scalar_lines(doc: Document) -> dict[int, PathKey]:
    """Lines holding `key: value` in block style: the only lines a one-line patch may touch
    (inside a flow collection a value may continue on a less indented line)."""
    lines: dict[int, PathKey] = {}
    for path, key_pos in doc.keys.items():
        value_pos = doc.values.get(path)
        if value_pos is None or value_pos.line != key_pos.line:
            continue
        if any(path[:depth] in doc.flow for depth in range(len(path))):
            continue
        lines[key_pos.line - 1] = path
    return lines


def _true_regions(doc: Document, lines: list[str]) -> list[tuple[str, int]] | None:
    """The regions read from the margin, if they are exactly the document's top-level keys
    (not a quoted or flow value continuing at the margin); None otherwise."""
    regions = _regions(lines)
    if regions is None or () in doc.flow:
        return None
    keys = sorted((pos.line - 1, path[0]) for path, pos in doc.keys.items() if len(path) == 1)
    return regions if [(i, k) for k, i in regions] == keys else None


def _replace(data: dict[str, Any], path: PathKey, value: Any) -> dict[str, Any]:
    """A copy of ``data`` with ``path`` set to ``value``, sharing every untouched branch."""
    root = dict(data)
    node: Any = root
    for part in path[:-1]:
        child = node[part]
        child = dict(child) if isinstance(child, dict) else list(child)
        node[part] = child
        node = child
    node[path[-1]] = value
    return root


class RevisionParser:
    def __init__(self, config: Config) -> None:
        self.validator = ProjectValidator(config)
        schema = json.dumps(project_schema(config), sort_keys=True)
        self.schema_key = hashlib.sha256(schema.encode()).hexdigest()[:16]

    def _finish(self, data: dict[str, Any]) -> Parsed | None:
        """None when ``data`` is valid; otherwise the reason (only dates here: schema first)."""
        for text in _declared_dates(data):
            try:
                parse_declared(text)
            except DateError as exc:
                return [str(exc)]
        return None

    def parse(self, raw: bytes) -> Parsed:
        return self.parse_next(raw, None)[0]

    def parse_next(self, raw: bytes, previous: Known | None) -> tuple[Parsed, Known | None]:
        """Parse ``raw``, patching ``previous`` (the file's last revision) when that is exact."""
        if previous is not None and len(raw) <= MAX_BYTES:
            patched = self._patch(raw, previous)
            if patched is not None:
                return patched
            patched = self._patch_region(raw, previous)
            if patched is not None:
                return patched
        doc, problems = load_bytes(raw, "revision")
        if doc is None:
            return [f"line {problems[0].line}: {problems[0].message}"], None
        if not self.validator.is_valid(doc.data):
            errors = [d for d in self.validator.check(doc) if d.is_error]
            first = errors[0] if errors else None
            return [f"line {first.line}: {first.message}" if first else "schema error"], None
        broken = self._finish(doc.data)
        if broken is not None:
            return broken, None
        text = raw.decode("utf-8")
        if any(mark in text for mark in _LINE_BREAKS) or text.startswith("\ufeff"):
            return doc.data, None  # line numbers would not be plain "\n" counts
        lines = text.split("\n")
        return doc.data, Known(lines, doc.data, _scalar_lines(doc), _true_regions(doc, lines))

    def _patch(self, raw: bytes, previous: Known) -> tuple[Parsed, Known | None] | None:
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            return None
        if any(mark in text for mark in _LINE_BREAKS):
            return None
        lines = text.split("\n")
        old_lines = previous.lines
        if len(lines) != len(old_lines):
            return None
        changed = [i for i, (a, b) in enumerate(zip(lines, old_lines, strict=True)) if a != b]
        if len(changed) != 1:
            return None
        index = changed[0]
        path = previous.scalar_lines.get(index)
        new = _SIMPLE_LINE.fullmatch(lines[index])
        old = _SIMPLE_LINE.fullmatch(old_lines[index])
        if path is None or new is None or old is None or new[1] != old[1] or new[2] != old[2]:
            return None
        if new[2] != path[-1] or new[2] == "<<":
            return None
        indent = len(new[1])
        following = next((line for line in lines[index + 1 :] if line.strip()), None)
        if following is not None and len(following) - len(following.lstrip(" ")) > indent:
            return None  # the value might continue on the next line
        data = _replace(previous.data, path, resolve_plain(new[3]))
        # The previous revision was valid and only the value under path[0] changed.
        top = str(path[0])
        part = self.validator.part_is_valid.get(top)
        if part is None or not part(data[top]):
            return None  # let the full parse explain it
        broken = self._finish(data)
        if broken is not None:
            return broken, None
        return data, Known(lines, data, previous.scalar_lines, previous.regions)

    def _patch_region(self, raw: bytes, previous: Known) -> tuple[Parsed, Known | None] | None:
        """Re-parse only the one top-level key whose lines changed (a flow mapping edited, an
        entry added to a list), when every other top-level key's lines are unchanged."""
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            return None
        if previous.regions is None or any(mark in text for mark in _LINE_BREAKS):
            return None
        lines = text.split("\n")
        regions = _regions(lines)
        if not regions or [k for k, _ in regions] != [k for k, _ in previous.regions]:
            return None
        if lines[: regions[0][1]] != previous.lines[: previous.regions[0][1]]:
            return None  # what comes before the first key changed
        bounds_old = _bounds(previous.regions, len(previous.lines))
        bounds_new = _bounds(regions, len(lines))
        changed = [
            key
            for key in bounds_new
            if lines[slice(*bounds_new[key])] != previous.lines[slice(*bounds_old[key])]
        ]
        if len(changed) != 1:
            return None
        key = changed[0]
        start, end = bounds_new[key]
        region = "\n".join(lines[start:end]) + ("\n" if end < len(lines) else "")
        try:
            doc = _build(region, "revision")
        except (LoadError, yaml.YAMLError):
            return None  # the full parse says where and why
        region_lines = region.split("\n")
        if list(doc.data) != [key] or _true_regions(doc, region_lines) != [(key, 0)]:
            return None  # a value continuing at the margin: only a full parse can tell
        part = self.validator.part_is_valid.get(key)
        if part is None or not part(doc.data[key]):
            return None
        data = dict(previous.data)
        data[key] = doc.data[key]
        broken = self._finish(data)
        if broken is not None:
            return broken, None
        old_start, old_end = bounds_old[key]
        shift = (end - start) - (old_end - old_start)
        scalar_lines = {
            (line if line < old_start else line + shift): path
            for line, path in previous.scalar_lines.items()
            if not old_start <= line < old_end
        }
        scalar_lines.update({line + start: path for line, path in _scalar_lines(doc).items()})
        return data, Known(lines, data, scalar_lines, regions)


def _bounds(regions: list[tuple[str, int]], total: int) -> dict[str, tuple[int, int]]:
    """Each top-level key's lines: from its own to the next key's (the last: to the end)."""
    ends = [start for _, start in regions[1:]] + [total]
    return {key: (start, end) for (key, start), end in zip(regions, ends, strict=True)}
