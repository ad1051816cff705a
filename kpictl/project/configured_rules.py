"""The rules only `validate` applies: the configured tier of the validity policy (kpictl.yaml,
the clock, this kpictl's own lists), and ids unique across the repository's files.

A revision that was valid when it landed stays counted when the configuration changes later,
so history never runs these; see ``kpictl.project.rules`` for the tiers.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from importlib import resources
from pathlib import PurePosixPath
from typing import Any

from kpictl.config import SLUG, Config
from kpictl.dates import DateError, parse_declared, zone
from kpictl.project.rules import Finding
from kpictl.project.schema import CURRENCY, DATE, WINDOWS_RESERVED
from kpictl.project.status import status_of
from kpictl.yamlfile import WARNING, Diagnostic, Document, PathKey
from kpictl.yamlfile.wording import show

_DATE = re.compile(DATE)


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
    for section, what in (("costs", "cost"), ("benefits", "benefit")):
        yield from _section_currencies(view, config, section, what)


def _section_currencies(
    view: Accepted, config: Config, section: str, what: str
) -> Iterator[Finding]:
    entries = view.data.get(section)
    if not isinstance(entries, list):
        return
    known = currencies()
    rated = {config.reporting_currency, *(code for code, _ in config.rates)}
    for index, entry in enumerate(entries):
        code = entry.get("currency") if isinstance(entry, dict) else None
        if not isinstance(code, str) or not re.match(CURRENCY, code):
            continue
        path = (section, index, "currency")
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
                f"<{reporting} per {code}>}}}}, or write the {what} in {reporting}",
            )
        else:
            yield from _converted((section, index, "amount"), entry.get("amount"), code, config)


def _converted(path: PathKey, amount: Any, code: str, config: Config) -> Iterator[Finding]:
    """An amount whose value in the reporting currency is not a finite number, which no total
    or KPI could count (kpictl.yaml's bounds on rates keep it from happening; this keeps it so)."""
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
            path,
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
