"""The rules a JSON Schema cannot say: dates, currencies, gates, uniqueness, file names."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from importlib import resources
from pathlib import PurePosixPath
from typing import Any

from kpictl.config import Config
from kpictl.dates import DateError, parse_declared, zone
from kpictl.project.diagnostics import ERROR, WARNING, Diagnostic
from kpictl.project.loader import Document, PathKey
from kpictl.project.schema import CURRENCY, DATE


@lru_cache(maxsize=1)
def currencies() -> frozenset[str]:
    text = resources.files("kpictl.project").joinpath("currencies.txt").read_text("utf-8")
    return frozenset(
        code for line in text.splitlines() if not line.startswith("#") for code in line.split()
    )


def _at(
    doc: Document, path: PathKey, severity: str, code: str, message: str, *, key: bool = False
) -> Diagnostic:
    pos = doc.position(path, key=key)
    return Diagnostic(doc.path, pos.line, pos.col, severity, code, message)


def _status(value: Any) -> Any:
    return value.get("status") if isinstance(value, dict) else value


def check_document(doc: Document, config: Config) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    found.extend(_file_name(doc))
    found.extend(_declared_dates(doc, config))
    found.extend(_costs(doc, config))
    found.extend(_unique_items(doc))
    found.extend(_gates(doc, config))
    return found


def _file_name(doc: Document) -> Iterator[Diagnostic]:
    project_id = doc.data.get("id")
    stem = PurePosixPath(doc.path).stem
    if isinstance(project_id, str) and stem != project_id:
        yield _at(
            doc,
            ("id",),
            WARNING,
            "file-name",
            f'the file is named {stem!r} but the project id is "{project_id}"; rename the file '
            f"to {project_id}.yaml (the id is the identity, so renaming keeps its history)",
        )


def _check_date(
    doc: Document, path: PathKey, value: Any, config: Config, now: datetime
) -> Iterator[Diagnostic]:
    if not isinstance(value, str) or not re.match(DATE, value):
        return  # the schema reports a value that is not even shaped like a date
    try:
        moment, _ = parse_declared(value, zone(config.timezone))
    except DateError as exc:
        yield _at(doc, path, ERROR, "invalid-date", str(exc))
        return
    if moment > now:
        yield _at(
            doc,
            path,
            ERROR,
            "future-date",
            f"{value} is in the future; a declared date records when something happened, "
            "so use the real date, or remove it and let git date the change when it lands",
        )


def _declared_dates(doc: Document, config: Config) -> Iterator[Diagnostic]:
    now = datetime.now(timezone.utc)
    for section in ("milestones", "environments"):
        entries = doc.data.get(section)
        if not isinstance(entries, dict):
            continue
        for name, value in entries.items():
            if isinstance(value, dict) and "date" in value:
                yield from _check_date(doc, (section, name, "date"), value["date"], config, now)
                if value.get("status") not in ("done", "skipped"):
                    yield _at(
                        doc,
                        (section, name, "date"),
                        WARNING,
                        "date-not-done",
                        f"{section}.{name} declares a date but its status is "
                        f"{value.get('status')!r}; a declared date dates a done milestone",
                    )


def _costs(doc: Document, config: Config) -> Iterator[Diagnostic]:
    costs = doc.data.get("costs")
    if not isinstance(costs, list):
        return
    known = currencies()
    tz = zone(config.timezone)
    for index, cost in enumerate(costs):
        if not isinstance(cost, dict):
            continue
        code = cost.get("currency")
        if isinstance(code, str) and re.match(CURRENCY, code) and code not in known:
            close = difflib.get_close_matches(code.upper(), sorted(known), n=1, cutoff=0.6)
            hint = f' (did you mean "{close[0]}"?)' if close else ""
            yield _at(
                doc,
                ("costs", index, "currency"),
                ERROR,
                "unknown-currency",
                f"{code!r} is not an ISO 4217 currency code{hint}; use a code such as USD, "
                "EUR or GBP",
            )
        rated = {config.reporting_currency, *(code for code, _ in config.rates)}
        if isinstance(code, str) and code in known and code not in rated:
            yield _at(
                doc,
                ("costs", index, "currency"),
                ERROR,
                "no-rate",
                f"kpictl.yaml has no conversion rate for {code} to the reporting currency "
                f"{config.reporting_currency}; add one under currency: {{rates: {{{code}: "
                f"<{config.reporting_currency} per {code}>}}}}, or write the cost in "
                f"{config.reporting_currency}",
            )
        bounds = {}
        for key in ("from", "until"):
            value = cost.get(key)
            if isinstance(value, str) and re.match(DATE, value):
                try:
                    bounds[key] = parse_declared(value, tz)[0]
                except DateError as exc:
                    yield _at(doc, ("costs", index, key), ERROR, "invalid-date", str(exc))
        if "from" in bounds and "until" in bounds and bounds["until"] < bounds["from"]:
            yield _at(
                doc,
                ("costs", index, "until"),
                ERROR,
                "invalid-date",
                f"until ({cost['until']}) is before from ({cost['from']}); swap or correct them",
            )
        if cost.get("per") == "once" and "until" in cost:
            yield _at(
                doc,
                ("costs", index, "until"),
                WARNING,
                "once-with-until",
                "a one-off cost (per: once) has no end; until is ignored (from is the day it was "
                "paid). Use per: month or per: year for a recurring cost",
                key=True,
            )


def _unique_items(doc: Document) -> Iterator[Diagnostic]:
    for section, key in (("feedback_rounds", "id"), ("updates", "id"), ("costs", "item")):
        entries = doc.data.get(section)
        if not isinstance(entries, list):
            continue
        first: dict[str, int] = {}
        for index, entry in enumerate(entries):
            if not isinstance(entry, dict) or not isinstance(entry.get(key), str):
                continue
            name = entry[key]
            if name in first:
                line = doc.position((section, first[name], key)).line
                yield _at(
                    doc,
                    (section, index, key),
                    ERROR,
                    "duplicate-item",
                    f'{section} has two entries with {key} "{name}" (the first at line {line}); '
                    f"kpictl follows each entry by its {key}, so give each a {key} of its own",
                )
            else:
                first[name] = index


def _gates(doc: Document, config: Config) -> Iterator[Diagnostic]:
    milestones = doc.data.get("milestones")
    if not isinstance(milestones, dict):
        return
    for gate in config.gates:
        if _status(milestones.get(gate.milestone)) != gate.status:
            continue
        missing = [m for m in gate.requires if _status(milestones.get(m)) != "done"]
        if missing:
            names = ", ".join(missing)
            yield _at(
                doc,
                ("milestones", gate.milestone),
                ERROR,
                "gate",
                f"{gate.milestone} is {gate.status} but {names} "
                f"{'is' if len(missing) == 1 else 'are'} "
                f"not done: {gate.reason}. Mark {names} done first (gates are set in kpictl.yaml)",
            )


def check_unique_id(doc: Document, by_id: dict[str, list[str]]) -> Iterator[Diagnostic]:
    project_id = doc.data.get("id")
    if not isinstance(project_id, str):
        return
    others = sorted(p for p in by_id.get(project_id, []) if p != doc.path)
    if others:
        yield _at(
            doc,
            ("id",),
            ERROR,
            "duplicate-id",
            f'the id "{project_id}" is also used by {", ".join(others)}; ids are unique in the '
            "repository, so give this project an id of its own",
        )


# The calendar day is already this far ahead somewhere on earth (UTC+14, Kiritimati).
_LATEST_OFFSET = timedelta(hours=14)


def declared_after_landing(data: dict[str, Any], landed_at: int) -> str | None:
    """Why a landed revision declares a milestone or environment date after the commit that
    landed it, or None. A date without a time counts as soon as that day has begun anywhere, so
    the verdict does not depend on the configured time zone."""
    landed = datetime.fromtimestamp(landed_at, timezone.utc)
    for section in ("milestones", "environments"):
        for name, value in (data.get(section) or {}).items():
            if not isinstance(value, dict) or not isinstance(value.get("date"), str):
                continue
            try:
                moment, has_time = parse_declared(value["date"])
            except DateError:
                return f"{section}.{name}.date {value['date']!r} is not a date"
            late = moment > landed if has_time else moment.date() > (landed + _LATEST_OFFSET).date()
            if late:
                return (
                    f"{section}.{name}.date {value['date']} is after the commit that landed it "
                    f"({landed:%Y-%m-%d %H:%M} UTC); a declared date records when something "
                    "happened"
                )
    return None
