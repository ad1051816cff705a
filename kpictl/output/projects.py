"""`kpictl projects`: each project with its phase and its milestones grouped by status."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from typing import Any, Literal

from kpictl.config import Config
from kpictl.output.jsontext import json_text
from kpictl.printable import printable
from kpictl.project.status import milestone_statuses, phase_of
from kpictl.yamlfile import Document

ProjectsFormat = Literal["text", "json"]

_STATUS_ORDER = ("done", "in_progress", "planned", "skipped")
_STATUS_LABEL = {
    "done": "done",
    "in_progress": "in progress",
    "planned": "planned",
    "skipped": "skipped",
}


def _entry(doc: Document, config: Config) -> dict[str, Any]:
    data = doc.data
    written = data.get("milestones") or {}
    statuses = milestone_statuses(data, config)
    declared = {m: v["date"] for m, v in written.items() if isinstance(v, dict) and "date" in v}
    return {
        "id": data["id"],
        "name": data["name"],
        "team": data["team"],
        "path": doc.path,
        "phase": phase_of(written, config.roles),
        "milestones": statuses,
        "declared_dates": declared,
    }


def _entries(docs: list[Document], config: Config) -> list[dict[str, Any]]:
    return sorted((_entry(d, config) for d in docs), key=lambda e: e["id"])


def projects_json(docs: list[Document], config: Config) -> str:
    return json_text({"projects": _entries(docs, config)}) + "\n"


def projects_text(docs: list[Document], config: Config) -> str:
    entries = _entries(docs, config)
    lines = []
    for e in entries:
        lines.append(
            f"{e['id']}  ·  {printable(str(e['name']))}  ·  {printable(str(e['team']))}  ·  "
            f"{e['phase']}"
        )
        for status in _STATUS_ORDER:
            names = [
                f"{m} (declared {e['declared_dates'][m]})" if m in e["declared_dates"] else m
                for m, s in e["milestones"].items()
                if s == status
            ]
            if names:
                lines.extend(
                    textwrap.wrap(
                        ", ".join(names),
                        width=100,
                        initial_indent=f"  {_STATUS_LABEL[status]:<12} ",
                        subsequent_indent=" " * 15,
                        break_on_hyphens=False,
                    )
                )
        lines.append("")
    lines.append(f"{len(entries)} project{'s' if len(entries) != 1 else ''}")
    return "\n".join(lines) + "\n"


PROJECTS_FORMATS: dict[ProjectsFormat, Callable[[list[Document], Config], str]] = {
    "text": projects_text,
    "json": projects_json,
}
