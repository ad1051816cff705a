"""The JSON contracts of `kpictl report` (and the site's kpis.json) and `kpictl history`.

Each output carries ``schema_version``; these JSON Schemas describe that version, are written
to docs/reference/ by ``python -m kpictl.scaffold.reference docs/reference``, and the tests
check real output against them. A change that a reader of the JSON would notice bumps the
version and goes in CHANGELOG.md.
"""

from __future__ import annotations

from typing import Any

from kpictl.output.value_contract import PORTFOLIO_VALUE, PROJECT_VALUE

REPORT_SCHEMA_VERSION = 1
HISTORY_SCHEMA_VERSION = 1

_TIME = {"type": ["string", "null"], "format": "date-time", "description": "UTC, ISO 8601"}
_COMMIT = {"type": ["string", "null"], "pattern": "^[0-9a-f]{40}$"}
_NUMBER = {"type": ["number", "null"]}
_ID = {"type": "string"}


def _object(properties: dict[str, Any], required: list[str] | None = None) -> dict[str, Any]:
    return {
        "type": "object",
        "additionalProperties": False,
        "required": list(properties) if required is None else required,
        "properties": properties,
    }


_KPI_VALUE = _object(
    {
        "value": {
            **_NUMBER,
            "description": "days as computed (seconds / 86,400, six decimals), money to the "
            "cent, or a ratio to four decimals (unit: ratio; 0.25 is 25%)",
        },
        "unit": {"type": "string"},
        "status": {
            "enum": [
                "met",
                "missed",
                "measured",
                "running",
                "overdue",
                "not_started",
                "not_applicable",
                "unknown",
            ]
        },
        "target": _NUMBER,
        "from": _TIME,
        "to": _TIME,
        "commit": _COMMIT,
        "n": {"type": "integer"},
        "projected": {"type": "number"},
        "projected_at": {
            **_TIME,
            "description": "payback running: when the current rates would reach cost",
        },
        "note": {"type": "string"},
    },
    required=["value", "unit", "status", "target", "from", "to", "commit"],
)
_SUMMARY = {
    "n": {"type": "integer"},
    "median": _NUMBER,
    "p85": _NUMBER,
    "min": _NUMBER,
    "max": _NUMBER,
}
_CURRENT = _object(
    {
        "quarters": {"type": "array", "items": {"type": "string"}},
        "from": _TIME,
        "to": _TIME,
        **_SUMMARY,
        "status": {"type": "string"},
        "change": _NUMBER,
        "change_pct": _NUMBER,
        "miss": _NUMBER,
        "miss_pct": _NUMBER,
        "note": {"type": "string"},
    },
    required=["quarters", "from", "to", *_SUMMARY, "status", "change", "change_pct"],
)
_PORTFOLIO_KPI = _object(
    {
        **_SUMMARY,
        "status": {"enum": ["met", "missed", "measured", "no_data"]},
        "overdue": {"type": "integer", "description": "projects running past the target"},
        "current": _CURRENT,
    },
    required=[*_SUMMARY, "status"],
)
_MONEY_BY_CATEGORY = {"type": "object", "additionalProperties": {"type": "number"}}
_DAY_RANGE = {"milestone": _ID, "p50": _TIME, "p85": _TIME}
_FORECAST = {
    "oneOf": [
        {"type": "null", "description": "launched or archived"},
        _object(
            {
                **_DAY_RANGE,
                "not_before": {
                    **_TIME,
                    "description": "the launch will not be earlier than this; set when there "
                    "is no p50 (the project is past what the portfolio has seen)",
                },
                "p_launch": {
                    "type": ["number", "null"],
                    "minimum": 0,
                    "maximum": 1,
                    "description": "the chance the project launches at all (not archived "
                    "first); p50 and p85 are dates if it launches",
                },
                "past_p85": {"type": ["boolean", "null"]},
                "next": {"oneOf": [{"type": "null"}, _object(_DAY_RANGE)]},
                "basis": {"type": "integer", "description": "projects sampled"},
                "reason": {"type": ["string", "null"], "description": "why, in plain words"},
            }
        ),
    ]
}
_LAUNCHES = {
    "type": "array",
    "items": _object(
        {
            "quarter": {"type": "string"},
            "from": _TIME,
            "to": _TIME,
            "median": {"type": "integer"},
            "at_least_with_85pct_confidence": {"type": "integer"},
        }
    ),
}

REPORT_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "kpictl report --format json, and the site's kpis.json",
    **_object(
        {
            "schema_version": {"const": REPORT_SCHEMA_VERSION},
            "as_of": _TIME,
            "head": _COMMIT,
            "currency": {"type": "string"},
            "catalog": {
                "type": "array",
                "items": _object(
                    {
                        "id": _ID,
                        "title": {"type": "string"},
                        "phase": {"enum": ["poc", "production", "scale", "value"]},
                        "unit": {"type": "string"},
                        "target": _NUMBER,
                        "direction": {"enum": ["lower", "higher"]},
                        "definition": {"type": "string"},
                        "description": {"type": "string"},
                    }
                ),
            },
            "projects": {
                "type": "array",
                "items": _object(
                    {
                        "id": _ID,
                        "name": {"type": "string"},
                        "team": {"type": "string"},
                        "labels": {"type": "array", "items": {"type": "string"}},
                        "path": {"type": "string"},
                        "phase": {"enum": ["poc", "production", "scale"]},
                        "archived": {"type": "boolean"},
                        "kpis": {"type": "object", "additionalProperties": _KPI_VALUE},
                        "costs_by_category": _MONEY_BY_CATEGORY,
                        "forecast": _FORECAST,
                        "state": {"enum": ["poc", "production", "launched", "archived"]},
                        "state_since": _TIME,
                        "days_in_state": _NUMBER,
                        "stuck": {
                            "type": "array",
                            "items": _object(
                                {
                                    "limit": {"enum": ["poc_days", "stale_days"]},
                                    "days": {"type": "number"},
                                    "allowed": {"type": "integer"},
                                }
                            ),
                        },
                        "next_milestone": {"type": ["string", "null"]},
                        "milestones": _object(
                            {
                                "done": {"type": "integer"},
                                "skipped": {"type": "integer"},
                                "total": {"type": "integer"},
                            }
                        ),
                        "cost_to_date": {
                            **_NUMBER,
                            "description": "every cost accrued by the as-of date, in the "
                            "reporting currency; null (unknown) when some do not convert "
                            "(costs_left_out says which and why), never a total leaving them "
                            "out; absent when the site withholds costs",
                        },
                        "costs_left_out": _object(
                            {
                                "currencies": {"type": "array", "items": {"type": "string"}},
                                "note": {"type": "string"},
                            }
                        ),
                        "value": PROJECT_VALUE,
                    },
                    required=[
                        "id",
                        "name",
                        "team",
                        "labels",
                        "path",
                        "phase",
                        "archived",
                        "kpis",
                        "costs_by_category",
                    ],
                ),
            },
            "portfolio": _object(
                {
                    "kpis": {"type": "object", "additionalProperties": _PORTFOLIO_KPI},
                    "groups": {"type": "object"},
                    "learning_curve": {
                        "type": "object",
                        "additionalProperties": _object(
                            {
                                "n": {"type": "integer"},
                                "rate_per_doubling": _NUMBER,
                                "t1": _NUMBER,
                                "b": _NUMBER,
                                "note": {"type": "string"},
                            }
                        ),
                    },
                    "launch_order": {
                        "type": "object",
                        "additionalProperties": {
                            "type": "array",
                            "items": _object({"id": _ID, "value": {"type": "number"}}),
                        },
                    },
                    "trend": {
                        "type": "object",
                        "additionalProperties": {
                            "type": "array",
                            "items": _object({"quarter": {"type": "string"}, **_SUMMARY}),
                        },
                    },
                    "purgatory": {"type": "array", "items": {"type": "object"}},
                    "stale": {"type": "array", "items": {"type": "object"}},
                    "phases": {
                        "type": "object",
                        "additionalProperties": {"type": "integer"},
                    },
                    "costs_by_category": _MONEY_BY_CATEGORY,
                    "cost_over_time": {"type": "array", "items": {"type": "object"}},
                    "states": {"type": "object", "additionalProperties": {"type": "integer"}},
                    "stuck": {"type": "array", "items": _ID},
                    "spend": {
                        "oneOf": [
                            {"type": "null", "description": "withheld from the site"},
                            _object(
                                {
                                    "to_date": {"type": "number"},
                                    "last_quarter": {"type": ["object", "null"]},
                                    "by_quarter": {"type": "array", "items": {"type": "object"}},
                                    "left_out": _object(
                                        {
                                            "projects": {"type": "array", "items": _ID},
                                            "currencies": {
                                                "type": "array",
                                                "items": {"type": "string"},
                                            },
                                            "note": {"type": "string"},
                                        }
                                    ),
                                },
                                required=["to_date", "last_quarter", "by_quarter"],
                            ),
                        ],
                        "description": "the costs that convert to the reporting currency (as "
                        "costs_by_category and cost_over_time); left_out, when present, names "
                        "the projects and currencies these totals leave out",
                    },
                    "value": PORTFOLIO_VALUE,
                    "launches_expected": _LAUNCHES,
                    "launches_not_counted": {"type": "array", "items": _ID},
                },
                required=[
                    "kpis",
                    "learning_curve",
                    "launch_order",
                    "trend",
                    "purgatory",
                    "stale",
                    "phases",
                    "costs_by_category",
                    "cost_over_time",
                ],
            ),
            "warnings": {"type": "array", "items": {"type": "string"}},
        }
    ),
}

_DATED = _object(
    {
        "status": {"enum": ["planned", "in_progress", "done", "skipped"]},
        "started_at": _TIME,
        "done_at": _TIME,
        "source": {"enum": ["git", "declared", "added", "created", None]},
        "commit": _COMMIT,
        "started_source": {"const": "created"},
        "provisional": {"const": True},
    },
    required=["status", "started_at", "done_at", "source", "commit"],
)


def _item(done_key: str) -> dict[str, Any]:
    return _object(
        {
            "id": _ID,
            "kind": {"type": "string"},
            "status": {"type": "string"},
            "requested_at": _TIME,
            done_key: _TIME,
            "commit": _COMMIT,
            "recorded_done": {"const": True},
            "provisional": {"const": True},
        },
        required=["id", "status", "requested_at", done_key, "commit"],
    )


HISTORY_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "kpictl history --format json",
    **_object(
        {
            "schema_version": {"const": HISTORY_SCHEMA_VERSION},
            "head": _COMMIT,
            "ref": {"type": "string"},
            "projects": {
                "type": "array",
                "items": _object(
                    {
                        "id": _ID,
                        "name": {"type": ["string", "null"]},
                        "team": {"type": ["string", "null"]},
                        "path": {"type": "string"},
                        "created_at": _TIME,
                        "created_commit": _COMMIT,
                        "archived": {"type": "boolean"},
                        "milestones": {"type": "object", "additionalProperties": _DATED},
                        "environments": {"type": "object", "additionalProperties": _DATED},
                        "updates": {"type": "array", "items": _item("live_at")},
                        "feedback_rounds": {"type": "array", "items": _item("addressed_at")},
                        "costs": {"type": "array", "items": {"type": "object"}},
                        "benefits": {
                            "type": "array",
                            "items": {"type": "object"},
                            "description": "each with measured_at and measured_commit: the "
                            "landing that made it a measurement (null while an estimate)",
                        },
                        "events": {"type": "array", "items": {"type": "object"}},
                    }
                ),
            },
            "warnings": {"type": "array", "items": {"type": "string"}},
        }
    ),
}
