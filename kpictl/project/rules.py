"""The rules a JSON Schema cannot say, in the three tiers of the one validity policy; this
module holds the two that history applies too (content, landing).

A landed revision counts in history only if `kpictl validate` would have accepted it, so both
apply the same rules, sorted by what each depends on:

- content: the file alone. The YAML (the loader), the schema's structure (with milestone and
  environment names left open, see ``project_schema(None)``), numbers and dates within bounds,
  unique list entries, declared dates that parse. `validate` and history both run these;
  history caches its verdict by blob id, so they must not read kpictl.yaml or the clock.
- landing: the file and the commit that landed it: a declared date is not after that commit.
  History only; `validate` checks the stricter "not in the future" when the change is made.
- configured: kpictl.yaml, the clock or this kpictl's own lists: catalog membership (the
  closed schema), gates, ISO 4217 currencies and conversion rates, future dates, the file name,
  a date on a milestone that is not done. `validate` only: a revision that was valid when it
  landed stays counted when the configuration changes later (``configured_rules``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from typing import Any

from kpictl.dates import DateError, parse_declared
from kpictl.printable import printable
from kpictl.project.schema import DATE
from kpictl.yamlfile import ERROR, WARNING, Diagnostic, Document, PathKey

# Bump when a content rule changes: history's cached verdicts are keyed by it.
CONTENT_RULES_VERSION = 4

_DATE = re.compile(DATE)


@dataclass(frozen=True)
class Finding:
    """What a rule found, at a path in the data; a Diagnostic once placed in a document."""

    path: PathKey
    code: str
    message: str
    severity: str = ERROR
    key: bool = False  # point at the key rather than the value

    def placed(self, doc: Document) -> Diagnostic:
        pos = doc.position(self.path, key=self.key)
        return Diagnostic(doc.path, pos.line, pos.col, self.severity, self.code, self.message)


# The line a path stands on, for messages that point at another entry.
LineOf = Callable[[PathKey], int]
ContentRule = Callable[[Any, LineOf], Iterator[Finding]]


def _line_of(doc: Document) -> LineOf:
    return lambda path: doc.position(path).line


# --- content: the file alone ---------------------------------------------------------------


def _date_parses(path: PathKey, value: Any) -> Iterator[Finding]:
    if not isinstance(value, str) or not _DATE.match(value):
        return  # the schema reports a value that is not even shaped like a date
    try:
        parse_declared(value)
    except DateError as exc:
        yield Finding(path, "invalid-date", str(exc))


def _declared_dates(section: str) -> ContentRule:
    def rule(entries: Any, line_of: LineOf) -> Iterator[Finding]:
        if not isinstance(entries, dict):
            return
        for name, value in entries.items():
            if isinstance(value, dict) and "date" in value:
                yield from _date_parses((section, name, "date"), value["date"])

    return rule


def _unique(section: str, key: str) -> ContentRule:
    def rule(entries: Any, line_of: LineOf) -> Iterator[Finding]:
        if not isinstance(entries, list):
            return
        first: dict[str, int] = {}
        for index, entry in enumerate(entries):
            if not isinstance(entry, dict) or not isinstance(entry.get(key), str):
                continue
            name = entry[key]
            if name not in first:
                first[name] = index
                continue
            line = line_of((section, first[name], key))
            yield Finding(
                (section, index, key),
                "duplicate-item",
                f'{section} has two entries with {key} "{name}" (the first at line {line}); '
                f"kpictl follows each entry by its {key}, so give each entry its own {key}",
            )

    return rule


def _money_dates(section: str, what: str) -> ContentRule:
    """`from` and `until` of a cost or a benefit parse, in order; a one-off has no `until`."""

    def rule(entries: Any, line_of: LineOf) -> Iterator[Finding]:
        if not isinstance(entries, list):
            return
        for index, entry in enumerate(entries):
            if not isinstance(entry, dict):
                continue
            readable: dict[str, tuple[str, datetime, bool]] = {}
            for key in ("from", "until"):
                value = entry.get(key)
                problems = list(_date_parses((section, index, key), value))
                yield from problems
                if isinstance(value, str) and _DATE.match(value) and not problems:
                    readable[key] = (value, *parse_declared(value))
            if "from" in readable and "until" in readable:
                start, end = readable["from"], readable["until"]
                # By the day written, unless both carry a time: the same verdict in every zone.
                before = end[1] < start[1] if start[2] and end[2] else end[0][:10] < start[0][:10]
                if before:
                    yield Finding(
                        (section, index, "until"),
                        "invalid-date",
                        f"until ({end[0]}) is before from ({start[0]}); swap or correct them",
                    )
            if entry.get("per") == "once" and "until" in entry:
                yield Finding(
                    (section, index, "until"),
                    "once-with-until",
                    f"a one-off {what} (per: once) has no end; until is ignored (from is its "
                    f"day). Use per: month or per: year for a recurring {what}",
                    WARNING,
                    key=True,
                )

    return rule


def _measured_source(entries: Any, line_of: LineOf) -> Iterator[Finding]:
    """A measured benefit says where it was measured (a warning: the figure still counts)."""
    if not isinstance(entries, list):
        return
    for index, entry in enumerate(entries):
        if isinstance(entry, dict) and entry.get("basis") == "measured" and "source" not in entry:
            yield Finding(
                ("benefits", index, "basis"),
                "measured-without-source",
                "a measured benefit has no source; add source: <link to the measurement> so "
                "readers can check the figure",
                WARNING,
            )


# Control characters, which would drive a terminal or break the site's pages; a tab and a line
# break are text in a note or a summary, and a line break is not in a one-line field.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_CONTROL_OR_LINE_BREAK = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029]")
_ONE_LINE_KEYS = frozenset({"name", "title", "item", "version", "id", "team", "owner"})


def _dotted(path: PathKey) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


def _plain_text(top: str) -> ContentRule:
    """Text values hold no control character (a tab, and in a note or a summary a line break,
    aside). Keys need no rule: the schema allows only names of its own shapes, and what is
    under an x- key is the organisation's own."""

    def walk(path: PathKey, value: Any) -> Iterator[Finding]:
        if isinstance(value, str):
            one_line = path[-1] in _ONE_LINE_KEYS or path[0] == "roles"
            found = (_CONTROL_OR_LINE_BREAK if one_line else _CONTROL).search(value)
            if found is None:
                return
            char = found[0]
            if char in "\n\u2028\u2029":
                yield Finding(
                    path,
                    "control-character",
                    f"{_dotted(path)} holds a line break; it is shown on one line, so write "
                    "it on one line",
                )
            else:
                yield Finding(
                    path,
                    "control-character",
                    f"{_dotted(path)} holds the control character {printable(char)} "
                    f"(U+{ord(char):04X}), which would garble a terminal and break the site's "
                    "pages; remove it",
                )
        elif isinstance(value, dict):
            for name, item in value.items():
                if not name.startswith("x-"):
                    yield from walk((*path, name), item)
        elif isinstance(value, list):
            for index, item in enumerate(value):
                yield from walk((*path, index), item)

    def rule(value: Any, line_of: LineOf) -> Iterator[Finding]:
        if not top.startswith("x-"):
            yield from walk((top,), value)

    return rule


# Each top-level key's rules: a change under one key needs only that key's rules again.
_CONTENT: dict[str, tuple[ContentRule, ...]] = {
    "milestones": (_declared_dates("milestones"),),
    "environments": (_declared_dates("environments"),),
    "feedback_rounds": (_unique("feedback_rounds", "id"),),
    "updates": (_unique("updates", "id"),),
    "costs": (_unique("costs", "item"), _money_dates("costs", "cost")),
    "benefits": (
        _unique("benefits", "item"),
        _money_dates("benefits", "benefit"),
        _measured_source,
    ),
}


@lru_cache(maxsize=256)
def _rules_of(key: str) -> tuple[ContentRule, ...]:
    return (_plain_text(key), *_CONTENT.get(key, ()))


def _no_line(path: PathKey) -> int:
    return 0


def content_is_sound(key: str, value: Any) -> bool:
    """Whether the value under the top-level ``key`` passes the content rules (warnings allowed);
    a yes/no for history's incremental parse, which lets a full parse say why not."""
    return not any(
        finding.severity == ERROR for rule in _rules_of(key) for finding in rule(value, _no_line)
    )


def check_content(doc: Document) -> list[Diagnostic]:
    """The content rules beyond the schema, for `validate` and for every revision in history."""
    line_of = _line_of(doc)
    return [
        finding.placed(doc)
        for key, value in doc.data.items()
        for rule in _rules_of(key)
        for finding in rule(value, line_of)
    ]


# --- landing: the file and the commit that landed it ----------------------------------------

# The calendar day is already this far ahead somewhere on earth (UTC+14, Kiritimati).
_LATEST_OFFSET = timedelta(hours=14)


@lru_cache(maxsize=4096)
def _parse_utc(text: str) -> tuple[datetime, bool]:
    # A declared date is read again at every revision that keeps it.
    return parse_declared(text)


def declared_after_landing(data: dict[str, Any], landed_at: int) -> Finding | None:
    """A milestone or environment date declared after the commit that landed it, or None. A
    date without a time counts as soon as that day has begun anywhere, so the verdict does not
    depend on the configured time zone."""
    landed = datetime.fromtimestamp(landed_at, timezone.utc)
    for section in ("milestones", "environments"):
        for name, value in (data.get(section) or {}).items():
            if not isinstance(value, dict) or not isinstance(value.get("date"), str):
                continue
            path = (section, name, "date")
            try:
                moment, has_time = _parse_utc(value["date"])
            except DateError as exc:  # the content rules refuse it before it lands
                return Finding(path, "invalid-date", str(exc))
            late = moment > landed if has_time else moment.date() > (landed + _LATEST_OFFSET).date()
            if late:
                return Finding(
                    path,
                    "date-after-landing",
                    f"{section}.{name}.date {value['date']} is after the commit that landed it "
                    f"({landed:%Y-%m-%d %H:%M} UTC); a declared date records when something "
                    "happened, so correct it or remove it in a new commit",
                )
    return None
