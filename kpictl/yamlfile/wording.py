"""How findings name a place and a value, for project files and kpictl.yaml alike."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from typing import Any

from kpictl.yamlfile.document import PathKey

TYPE_NAMES = {
    "string": "text",
    "object": "a mapping (key: value lines)",
    "array": "a list",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "null": "empty",
}


def field_name(where: PathKey) -> str:
    """``costs[0].per``, or "the top level"."""
    if not where:
        return "the top level"
    text = ""
    for part in where:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def show(value: Any) -> str:
    """A value as a finding quotes it: short, and never a whole mapping."""
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return "a mapping" if isinstance(value, dict) else "a list"
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 60 else text[:57] + "..."


def did_you_mean(value: Any, choices: Iterable[Any]) -> str:
    """`` (did you mean "timezone"?)`` when a choice is close to ``value``, else ""."""
    if not isinstance(value, str):
        return ""
    options = [str(c) for c in choices]
    match = difflib.get_close_matches(value.lower(), options, n=1, cutoff=0.6)
    return f' (did you mean "{match[0]}"?)' if match else ""
