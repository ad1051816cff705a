"""The rules a JSON Schema cannot say, in the three tiers of the one validity policy.

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
  landed stays counted when the configuration changes later.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from importlib import resources
from pathlib import PurePosixPath
from typing import Any

from kpictl.config import SLUG, Config
from kpictl.dates import DateError, parse_declared, zone
from kpictl.printable import printable
from kpictl.project.schema import CURRENCY, DATE, WINDOWS_RESERVED
from kpictl.project.status import status_of
from kpictl.yamlfile import ERROR, WARNING, Diagnostic, Document, PathKey
from kpictl.yamlfile.wording import show

# Bump when a content rule changes: history's cached verdicts are keyed by it.
CONTENT_RULES_VERSION = 3

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


def _cost_dates(costs: Any, line_of: LineOf) -> Iterator[Finding]:
    if not isinstance(costs, list):
        return
    for index, cost in enumerate(costs):
        if not isinstance(cost, dict):
            continue
        readable: dict[str, tuple[str, datetime, bool]] = {}
        for key in ("from", "until"):
            value = cost.get(key)
            problems = list(_date_parses(("costs", index, key), value))
            yield from problems
            if isinstance(value, str) and _DATE.match(value) and not problems:
                readable[key] = (value, *parse_declared(value))
        if "from" in readable and "until" in readable:
            start, end = readable["from"], readable["until"]
            # By the day written, unless both carry a time: the same verdict in every time zone.
            before = end[1] < start[1] if start[2] and end[2] else end[0][:10] < start[0][:10]
            if before:
                yield Finding(
                    ("costs", index, "until"),
                    "invalid-date",
                    f"until ({end[0]}) is before from ({start[0]}); swap or correct them",
                )
        if cost.get("per") == "once" and "until" in cost:
            yield Finding(
                ("costs", index, "until"),
                "once-with-until",
                "a one-off cost (per: once) has no end; until is ignored (from is the day it "
                "was paid). Use per: month or per: year for a recurring cost",
                WARNING,
                key=True,
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
    "costs": (_unique("costs", "item"), _cost_dates),
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


# --- configured: kpictl.yaml, the clock, this kpictl's own lists -----------------------------


@lru_cache(maxsize=1)
def currencies() -> frozenset[str]:
    text = resources.files("kpictl.project").joinpath("currencies.txt").read_text("utf-8")
    return frozenset(
        code for line in text.splitlines() if not line.startswith("#") for code in line.split()
    )


@dataclass(frozen=True)
class Accepted:
    """What the configured rules read: the document's data without what the structure rules
    (the schema) refused, each top-level value and each entry of a section (a milestone, a
    cost) whole or not at all, so that no configured rule meets a value of a shape it does not
    expect (`launched: Done` is an invalid value, not a crash in the gate)."""

    data: dict[str, Any]
    refused: frozenset[PathKey]  # the top-level keys and section entries left out

    def left_out(self, path: PathKey) -> bool:
        """Whether the value at ``path`` (or what holds it) was refused and left out."""
        return any(path[: len(unit)] == unit for unit in self.refused)


def accepted(data: dict[str, Any], refused: Collection[PathKey]) -> Accepted:
    """``data`` without the top-level values and section entries that hold a refused path."""
    units = frozenset(tuple(path[:2]) for path in refused)
    if () in units:
        return Accepted({}, units)
    kept: dict[str, Any] = {}
    for key, value in data.items():
        if (key,) in units:
            continue
        inner = {unit[1] for unit in units if len(unit) == 2 and unit[0] == key}
        if inner and isinstance(value, dict):
            value = {name: entry for name, entry in value.items() if name not in inner}
        elif inner and isinstance(value, list):
            value = [None if index in inner else entry for index, entry in enumerate(value)]
        kept[key] = value
    return Accepted(kept, units)


def check_configured(
    doc: Document, config: Config, now: datetime, refused: Collection[PathKey] = ()
) -> list[Diagnostic]:
    """The rules that read kpictl.yaml, the clock or the currency list: `validate` only. They
    read only what the schema accepted: ``refused`` are the paths it found wrong (each has its
    own finding already)."""
    view = accepted(doc.data, refused)
    found = [
        *_file_name(doc.path, view),
        *_dates_now(view, config, now),
        *_currencies(view, config),
        *_gates(view, config),
    ]
    return [finding.placed(doc) for finding in found]


def valid_id(value: Any) -> bool:
    """Whether ``value`` is an id to suggest as a file name; an invalid one has its own error."""
    return (
        isinstance(value, str)
        and re.match(SLUG, value) is not None
        and len(value) <= 64
        and value not in WINDOWS_RESERVED
    )


def _file_name(path: str, view: Accepted) -> Iterator[Finding]:
    project_id = view.data.get("id")
    stem = PurePosixPath(path).stem
    if valid_id(project_id) and stem != project_id:
        yield Finding(
            ("id",),
            "file-name",
            f'the file is named "{stem}" but the project id is "{project_id}"; rename the file '
            f"to {project_id}.yaml (the id is the identity, so renaming keeps its history)",
            WARNING,
        )


def _dates_now(view: Accepted, config: Config, now: datetime) -> Iterator[Finding]:
    tz = zone(config.timezone)
    for section in ("milestones", "environments"):
        entries = view.data.get(section)
        if not isinstance(entries, dict):
            continue
        for name, value in entries.items():
            if not isinstance(value, dict) or "date" not in value:
                continue
            path = (section, name, "date")
            text = value["date"]
            if isinstance(text, str) and _DATE.match(text):
                try:
                    moment, _ = parse_declared(text, tz)
                except DateError:
                    moment = None  # a content rule reports it
                if moment is not None and moment > now:
                    yield Finding(
                        path,
                        "future-date",
                        f"{text} is in the future; a declared date records when something "
                        "happened, so use the real date, or remove it and let git date the "
                        "change when it lands",
                    )
            if value.get("status") not in ("done", "skipped"):
                yield Finding(
                    path,
                    "date-not-done",
                    f"{section}.{name} declares a date but its status is "
                    f"{value.get('status')!r}; a declared date dates a done milestone",
                    WARNING,
                )


def _currencies(view: Accepted, config: Config) -> Iterator[Finding]:
    costs = view.data.get("costs")
    if not isinstance(costs, list):
        return
    known = currencies()
    rated = {config.reporting_currency, *(code for code, _ in config.rates)}
    for index, cost in enumerate(costs):
        code = cost.get("currency") if isinstance(cost, dict) else None
        if not isinstance(code, str) or not re.match(CURRENCY, code):
            continue
        path = ("costs", index, "currency")
        if code not in known:
            close = difflib.get_close_matches(code.upper(), sorted(known), n=1, cutoff=0.6)
            hint = f' (did you mean "{close[0]}"?)' if close else ""
            yield Finding(
                path,
                "unknown-currency",
                f"{code!r} is not an ISO 4217 currency code{hint}; use a code such as USD, "
                "EUR or GBP",
            )
        elif code not in rated:
            reporting = config.reporting_currency
            yield Finding(
                path,
                "no-rate",
                f"kpictl.yaml has no conversion rate for {code} to the reporting currency "
                f"{reporting}; add one under currency: {{rates: {{{code}: "
                f"<{reporting} per {code}>}}}}, or write the cost in {reporting}",
            )
        else:
            yield from _converted(index, cost.get("amount"), code, config)


def _converted(index: int, amount: Any, code: str, config: Config) -> Iterator[Finding]:
    """A cost whose amount in the reporting currency is not a finite number, which no total or
    KPI could count (kpictl.yaml's bounds on rates keep it from happening; this keeps it so)."""
    if not isinstance(amount, (int, float)) or isinstance(amount, bool):
        return
    reporting = config.reporting_currency
    rate = 1.0 if code == reporting else dict(config.rates).get(code, 1.0)
    try:
        converted = float(amount) * rate
    except OverflowError:  # a whole number beyond what a float holds
        converted = math.inf
    if not math.isfinite(converted):
        yield Finding(
            ("costs", index, "amount"),
            "amount-too-large",
            f"{show(amount)} {code} at the rate in kpictl.yaml ({rate:g} {reporting} per "
            f"{code}) is too large to count; correct the amount, or the rate under "
            "currency: rates: in kpictl.yaml",
        )


def _gates(view: Accepted, config: Config) -> Iterator[Finding]:
    milestones = view.data.get("milestones")
    if not isinstance(milestones, dict):
        return
    for gate in config.gates:
        if any(view.left_out(("milestones", m)) for m in (gate.milestone, *gate.requires)):
            continue  # a status the schema refused: its own finding says so, the gate cannot tell
        if status_of(milestones.get(gate.milestone)) != gate.status:
            continue
        missing = [m for m in gate.requires if status_of(milestones.get(m)) != "done"]
        if missing:
            names = ", ".join(missing)
            yield Finding(
                ("milestones", gate.milestone),
                "gate",
                f"{gate.milestone} is {gate.status} but {names} "
                f"{'is' if len(missing) == 1 else 'are'} "
                f"not done: {gate.reason}. Mark {names} done first (gates are set in kpictl.yaml)",
            )


def check_unique_id(doc: Document, by_id: dict[str, list[str]]) -> Iterator[Diagnostic]:
    """Ids are unique across the repository's files (history follows one file per id)."""
    project_id = doc.data.get("id")
    if not isinstance(project_id, str):
        return
    others = sorted(p for p in by_id.get(project_id, []) if p != doc.path)
    if others:
        yield Finding(
            ("id",),
            "duplicate-id",
            f'the id "{project_id}" is also used by {", ".join(others)}; ids are unique in the '
            "repository, so give this project an id of its own",
        ).placed(doc)
