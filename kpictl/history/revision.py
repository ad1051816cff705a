"""One landed revision of a project file → its data, or the reason it is broken.

A revision is judged by the content rules of the validity policy (``kpictl.project.rules``):
they read neither kpictl.yaml nor the clock, so the verdict is plain data (a tuple, or a
one-item list holding the reason) cached by blob id with marshal.

Most pull requests change one line of one file (``go_decision: done``), so reading a long
history is mostly reading files that differ from their previous revision by one scalar. When
that is provably the case, the previous revision's data is patched instead of parsing the whole
file again, and only the changed top-level key is checked again (schema and content rules);
anything else gets a full parse. A property test checks that the two agree.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from dataclasses import dataclass
from typing import Any

import yaml

from kpictl.dates import DateError, parse_declared
from kpictl.project import rules
from kpictl.project.schema import project_schema
from kpictl.project.validate import ProjectValidator
from kpictl.yamlfile import (
    MAX_BYTES,
    Diagnostic,
    Document,
    LoadError,
    PathKey,
    ScalarError,
    build_document,
    load_bytes,
    resolve_plain,
    too_large,
)

# The line of each declared milestone or environment date: (section, name) → line.
DateLines = dict[tuple[str, str], int]
# A valid revision: its data, where each of its declared dates is (the landing rule's lines),
# and the landing time before which the landing rule refuses it (None: no declared date).
Valid = tuple[dict[str, Any], DateLines, int | None]
# A revision's verdict: valid, or [reason] when it did not validate.
Parsed = Valid | list[str]

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
    dates: DateLines


def reason(line: int, code: str, message: str) -> str:
    """Why a revision is skipped: its line, the rule, and what is wrong."""
    return f"line {line}: [{code}] {message}"


def _reason_of(diagnostic: Diagnostic) -> list[str]:
    return [reason(diagnostic.line, diagnostic.code, diagnostic.message)]


# A date without a time counts from when that day has begun anywhere (the rule's 14 hours).
_EARLIEST_ZONE = 14 * 3600
_ALWAYS_ASK = 1 << 62  # a date the rule cannot read: the rule itself says why, at any landing


def refused_before(data: dict[str, Any], dates: DateLines) -> int | None:
    """The earliest landing time from which ``rules.declared_after_landing`` accepts ``data``
    (it refuses every landing before it), or None when it declares no date: cached with the
    verdict, so the landing rule is one comparison per revision. A test holds it to the rule."""
    if not dates:
        return None
    bound: int | None = None
    for section in ("milestones", "environments"):
        for value in (data.get(section) or {}).values():
            if not isinstance(value, dict) or not isinstance(value.get("date"), str):
                continue
            try:
                moment, has_time = parse_declared(value["date"])
            except DateError:
                return _ALWAYS_ASK
            # With a time: refused while landed < moment; a date: while landed + 14 h < its day.
            start = math.ceil(moment.timestamp()) if has_time else int(moment.timestamp())
            start -= 0 if has_time else _EARLIEST_ZONE
            bound = start if bound is None else max(bound, start)
    return bound


def refused_at_landing(parsed: Valid, landed_at: int) -> str | None:
    """The landing rule's reason to skip a valid revision landed at ``landed_at``, or None."""
    data, dates, before = parsed
    if before is None or landed_at >= before:
        return None  # (most revisions declare no date: nothing can be after the landing)
    found = rules.declared_after_landing(data, landed_at)
    if found is None:
        return None
    line = dates.get((str(found.path[0]), str(found.path[1])), 1)
    return reason(line, found.code, found.message)


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


def _date_lines(doc: Document) -> DateLines:
    return {
        (str(path[0]), str(path[1])): pos.line
        for path, pos in doc.values.items()
        if len(path) == 3 and path[2] == "date" and path[0] in ("milestones", "environments")
    }


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
    """Judges revisions by the content rules, with the catalog open: a milestone later removed
    from kpictl.yaml does not make a revision that landed with it invalid."""

    def __init__(self) -> None:
        self.validator = ProjectValidator(None)
        schema = json.dumps(project_schema(None), sort_keys=True)
        policy = f"{schema}|content rules {rules.CONTENT_RULES_VERSION}"
        self.schema_key = hashlib.sha256(policy.encode()).hexdigest()[:16]

    def too_large(self, size: int) -> Parsed:
        """The verdict on a revision of ``size`` bytes, over the limit, that was never read:
        the one a full parse of it would give."""
        return [reason(1, "too-large", str(too_large(size)))]

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
            return _reason_of(problems[0]), None
        errors = [d for d in self.validator.check(doc) if d.is_error]
        if errors:
            return _reason_of(min(errors)), None  # the first in the file
        dates = _date_lines(doc)
        text = raw.decode("utf-8")
        valid = (doc.data, dates, refused_before(doc.data, dates))
        if any(mark in text for mark in _LINE_BREAKS) or text.startswith("\ufeff"):
            return valid, None  # line numbers would not be plain "\n" counts
        lines = text.split("\n")
        known = Known(lines, doc.data, _scalar_lines(doc), _true_regions(doc, lines), dates)
        return valid, known

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
        try:
            value = resolve_plain(new[3])
        except ScalarError:
            return None  # the full parse says where and why
        data = _replace(previous.data, path, value)
        # The previous revision was valid and only the value under path[0] changed.
        top = str(path[0])
        if not self.validator.part_is_sound(top, data[top]):
            return None  # let the full parse explain it
        known = Known(lines, data, previous.scalar_lines, previous.regions, previous.dates)
        return (data, previous.dates, refused_before(data, previous.dates)), known

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
            doc = build_document(region, "revision")
        except (LoadError, yaml.YAMLError):
            return None  # the full parse says where and why
        region_lines = region.split("\n")
        if list(doc.data) != [key] or _true_regions(doc, region_lines) != [(key, 0)]:
            return None  # a value continuing at the margin: only a full parse can tell
        if not self.validator.part_is_sound(key, doc.data[key]):
            return None
        data = dict(previous.data)
        data[key] = doc.data[key]
        old_start, old_end = bounds_old[key]
        shift = (end - start) - (old_end - old_start)
        scalar_lines = {
            (line if line < old_start else line + shift): path
            for line, path in previous.scalar_lines.items()
            if not old_start <= line < old_end
        }
        scalar_lines.update({line + start: path for line, path in _scalar_lines(doc).items()})
        # Date lines are 1-based: one on line n stands on 0-based line n - 1.
        dates = {
            entry: (line if line - 1 < old_start else line + shift)
            for entry, line in previous.dates.items()
            if entry[0] != key
        }
        dates.update({entry: line + start for entry, line in _date_lines(doc).items()})
        valid = (data, dates, refused_before(data, dates))
        return valid, Known(lines, data, scalar_lines, regions, dates)


def _bounds(regions: list[tuple[str, int]], total: int) -> dict[str, tuple[int, int]]:
    """Each top-level key's lines: from its own to the next key's (the last: to the end)."""
    ends = [start for _, start in regions[1:]] + [total]
    return {key: (start, end) for (key, start), end in zip(regions, ends, strict=True)}
