"""One landed revision of a project file → its data, or the reason it is broken.

The result is plain data (a dict, or a one-item list holding the reason) so that it can be cached
by blob id with marshal.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from kpictl.config import Config
from kpictl.dates import DateError, parse_declared
from kpictl.loader import load_bytes
from kpictl.schema import project_schema
from kpictl.validate import ProjectValidator

# A revision's data, or [reason] when it did not validate.
Parsed = dict[str, Any] | list[str]


def _declared_dates(data: dict[str, Any]) -> list[str]:
    found = []
    for section in ("milestones", "environments"):
        for value in (data.get(section) or {}).values():
            if isinstance(value, dict) and "date" in value:
                found.append(value["date"])
    for cost in data.get("costs") or []:
        found.extend(cost[k] for k in ("from", "until") if k in cost)
    return found


class RevisionParser:
    def __init__(self, config: Config) -> None:
        self.validator = ProjectValidator(config)
        schema = json.dumps(project_schema(config), sort_keys=True)
        self.schema_key = hashlib.sha256(schema.encode()).hexdigest()[:16]

    def parse(self, raw: bytes) -> Parsed:
        doc, problems = load_bytes(raw, "revision")
        if doc is None:
            return [f"line {problems[0].line}: {problems[0].message}"]
        if not self.validator.is_valid(doc.data):
            errors = [d for d in self.validator.check(doc) if d.is_error]
            first = errors[0] if errors else None
            return [f"line {first.line}: {first.message}" if first else "schema error"]
        for text in _declared_dates(doc.data):
            try:
                parse_declared(text)
            except DateError as exc:
                return [str(exc)]
        return doc.data
