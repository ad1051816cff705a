"""The JSON Schema of value and return in the report (``contracts`` uses it): a project's
``value`` and the portfolio's."""

from __future__ import annotations

from typing import Any

_TIME = {"type": ["string", "null"], "format": "date-time", "description": "UTC, ISO 8601"}
_COMMIT = {"type": ["string", "null"], "pattern": "^[0-9a-f]{40}$"}
_NUMBER = {"type": ["number", "null"]}
_MONEY = {**_NUMBER, "description": "in the reporting currency, to the cent; null: unknown"}
_RATIO = {**_NUMBER, "description": "a ratio to four decimals (0.25 is 25%); null: unknown"}


def _object(properties: dict[str, Any], required: list[str] | None = None) -> dict[str, Any]:
    return {
        "type": "object",
        "additionalProperties": False,
        "required": list(properties) if required is None else required,
        "properties": properties,
    }


PROJECT_VALUE = _object(
    {
        "to_date": {
            **_MONEY,
            "description": "every benefit accrued by the as-of date; null (note says why) "
            "when there are none or some do not convert, never 0 for none",
        },
        "measured": _MONEY,
        "estimated": _MONEY,
        "measured_share": _RATIO,
        "cost_to_date": {**_MONEY, "description": "the costs accrued by the as-of date"},
        "net": _MONEY,
        "roi": {**_RATIO, "description": "net / cost to date; null when that cost is 0"},
        "paid_back_at": {**_TIME, "description": "when accrued value first reached cost"},
        "projected_payback_at": {
            **_TIME,
            "description": "not paid back: when the current rates would reach cost",
        },
        "measurements": {
            "type": "array",
            "description": "when each benefit measured now became a measurement, and the "
            "commit that landed it",
            "items": _object({"item": {"type": "string"}, "at": _TIME, "commit": _COMMIT}),
        },
        "note": {"type": "string"},
        "roi_note": {"type": "string"},
        "payback_note": {"type": "string"},
        "left_out": {"type": "array", "items": {"type": "string"}},
    },
    required=["to_date", "measured", "estimated", "net", "roi", "paid_back_at"],
)

_GROUP = _object(
    {"to_date": _MONEY, "measured_to_date": _MONEY, "cost_to_date": _MONEY, "roi": _RATIO}
)

PORTFOLIO_VALUE = {
    "oneOf": [
        {"type": "null", "description": "no project records a benefit"},
        _object(
            {
                "to_date": _MONEY,
                "measured_to_date": _MONEY,
                "measured_share": _RATIO,
                "cost_to_date": _MONEY,
                "roi": {**_RATIO, "description": "pooled: total net value over total cost"},
                "last_quarter": {"type": ["object", "null"]},
                "by_quarter": {
                    "type": "array",
                    "items": _object(
                        {
                            "quarter": {"type": "string"},
                            "partial": {"type": "boolean"},
                            "total": {"type": "number"},
                            "measured": {"type": "number"},
                        }
                    ),
                },
                "paid_back": {"type": "array", "items": {"type": "string"}},
                "left_out": {"type": "object"},
                "groups": {
                    "type": "object",
                    "additionalProperties": {
                        "type": "object",
                        "additionalProperties": _GROUP,
                    },
                },
            },
            required=["to_date", "measured_to_date", "roi", "last_quarter", "by_quarter"],
        ),
    ],
    "description": "what the portfolio gives back (benefits that convert), quarter by quarter "
    "as spend; absent when the site withholds value",
}
