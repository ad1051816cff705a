"""The JSON Schema of kpictl.yaml, and the patterns and bounds it shares with the project schema."""

from __future__ import annotations

from typing import Any

from kpictl.config.definitions import (
    DIRECTIONS,
    ITEM_LISTS,
    KPI_PHASES,
    MEASURE_TYPES,
    MILESTONE_STATUSES,
    PHASES,
    VALUE_MEASURES,
)

# (?!\n) before $: in Python, $ also matches before a final line break; in JSON Schema
# (ECMAScript) it does not. The look-ahead makes both read the pattern the same way.
SLUG = r"^[a-z0-9]+(-[a-z0-9]+)*(?!\n)$"
MILESTONE_ID = r"^[a-z][a-z0-9_]*(?!\n)$"
# A conversion rate's bounds: any real pair of currencies is well inside them, and an amount
# (at most 1e12) times a rate stays a finite number of the reporting currency, never 0.
MIN_RATE = 1e-9
MAX_RATE = 1e9


def _catalog_entry(extra: dict[str, Any], phases: tuple[str, ...] = PHASES) -> dict[str, Any]:
    """A milestone or KPI entry of kpictl.yaml: an id, and what it changes or adds."""
    return {
        "type": "object",
        "additionalProperties": False,
        "patternProperties": {"^x-": {}},
        "required": ["id"],
        "properties": {
            "id": {"type": "string", "pattern": MILESTONE_ID},
            "title": {"type": "string", "minLength": 1},
            "phase": {"enum": list(phases)},
            "description": {"type": "string"},
            "removed": {"type": "boolean"},
            **extra,
        },
    }


def config_schema() -> dict[str, Any]:
    text = {"type": "string", "minLength": 1}
    return {
        "type": "object",
        "additionalProperties": False,
        "patternProperties": {"^x-": {}},
        "properties": {
            "projects_dir": text,
            "timezone": text,
            "milestones": {"type": "array", "items": _catalog_entry({})},
            "roles": {
                "type": "object",
                "additionalProperties": False,
                "properties": {
                    role: {"type": "string", "pattern": MILESTONE_ID}
                    for role in ("start", "go", "launch")
                },
            },
            "environments": {
                "type": "array",
                "minItems": 1,
                "uniqueItems": True,
                "items": {"type": "string", "pattern": SLUG},
            },
            "repo_url": {"type": ["string", "null"], "pattern": "^https?://[^\\s]+$"},
            "site": {
                "type": "object",
                "additionalProperties": False,
                "properties": {
                    "dir": text,
                    "out": text,
                    # where the site is served (MkDocs' site_url): 404.html and sitemap.xml need it
                    "url": {
                        "type": ["string", "null"],
                        "pattern": "^https?://[^\\s/]+(/[^\\s]*)?$",
                    },
                },
            },
            "currency": {
                "type": "object",
                "additionalProperties": False,
                "properties": {
                    "reporting": {"type": "string", "pattern": "^[A-Z]{3}$"},
                    "rates": {
                        "type": "object",
                        "propertyNames": {"pattern": "^[A-Z]{3}$"},
                        "additionalProperties": {
                            "type": "number",
                            "minimum": MIN_RATE,
                            "maximum": MAX_RATE,
                        },
                    },
                },
            },
            "purgatory": {
                "type": "object",
                "additionalProperties": False,
                "properties": {
                    "poc_days": {"type": "integer", "minimum": 1},
                    "stale_days": {"type": "integer", "minimum": 1},
                },
            },
            "forecast": {
                "type": "object",
                "additionalProperties": False,
                "properties": {
                    "enabled": {"type": "boolean"},
                    "min_basis": {"type": "integer", "minimum": 2},
                    "window_days": {"type": ["integer", "null"], "minimum": 30},
                },
            },
            "current": {
                "type": "object",
                "additionalProperties": False,
                "properties": {"quarters": {"type": "integer", "minimum": 1, "maximum": 40}},
            },
            "publish": {
                "type": "object",
                "additionalProperties": False,
                "properties": {
                    "people": {"enum": ["names", "initials", "none"]},
                    "emails": {"type": "boolean"},
                    "costs": {"enum": [True, "totals", False]},
                    "value": {"enum": [True, "totals", False]},
                },
            },
            "teams": {
                "type": "object",
                "propertyNames": {"pattern": SLUG},
                "additionalProperties": {"type": "string", "minLength": 1},
            },
            "kpis": {
                "type": "array",
                "items": _catalog_entry(
                    {
                        "unit": text,
                        "target": {"type": ["number", "null"]},
                        "direction": {"enum": list(DIRECTIONS)},
                        "learning_curve": {"type": "boolean"},
                        "headline": {"type": "boolean"},
                        "measure": {
                            "type": "object",
                            "additionalProperties": False,
                            "required": ["type"],
                            "properties": {
                                "type": {"enum": list(MEASURE_TYPES)},
                                "from": text,
                                "to": text,
                                "items": {"enum": list(ITEM_LISTS)},
                                "kind": text,
                                "of": {"enum": list(VALUE_MEASURES)},
                                "projection_years": {
                                    "type": "number",
                                    "exclusiveMinimum": 0,
                                    "maximum": 100,  # beyond it, a projection is no number
                                },
                            },
                        },
                    },
                    KPI_PHASES,
                ),
            },
            "gates": {
                "type": "array",
                "items": {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["milestone", "requires"],
                    "properties": {
                        "milestone": {"type": "string"},
                        "status": {"enum": list(MILESTONE_STATUSES)},
                        "requires": {"type": "array", "items": {"type": "string"}},
                        "reason": {"type": "string"},
                    },
                },
            },
        },
    }
