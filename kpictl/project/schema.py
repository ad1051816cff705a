"""The JSON Schema of a project file, generated from the configuration (one source for both).

``schema/project.schema.json`` in the repository is this module's output for the default
configuration (a test keeps them equal); ``kpictl schema`` prints it for the organisation's own
kpictl.yaml, with its extra milestones and environments.
"""

from __future__ import annotations

import json
from typing import Any

from kpictl.config import MILESTONE_ID, SLUG, Config
from kpictl.config.definitions import MILESTONE_STATUSES
from kpictl.yamlfile import ERROR, WARNING, Diagnostic

SCHEMA_VERSION = 1
FEEDBACK_STATUSES = ("open", "addressed")
UPDATE_STATUSES = ("requested", "in_progress", "live")
UPDATE_KINDS = ("simple", "version")
COST_PERIODS = ("once", "month", "year")
COST_CATEGORIES = ("people", "infrastructure", "inference", "licences", "services", "other")
BENEFIT_KINDS = ("savings", "revenue", "avoided_cost", "other")
BENEFIT_BASES = ("estimate", "measured")
DATE = r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?(?!\n)$"
CURRENCY = r"^[A-Z]{3}(?!\n)$"
LINK_URL = r"^(https?://|mailto:)[^\s]+(?!\n)$"
EMAIL = r"^[^@\s]+@[^@\s]+\.[^@\s]+(?!\n)$"
EXTENSION = {"^x-": {"description": "Your own data; kpictl ignores keys starting with x-."}}
# Names Windows keeps for devices, with any extension: projects/con.yaml cannot be checked out.
WINDOWS_RESERVED = (
    "con",
    "prn",
    "aux",
    "nul",
    *(f"com{n}" for n in range(10)),
    *(f"lpt{n}" for n in range(10)),
)


def reserved_id_problem(project_id: str) -> str:
    return (
        f'"{project_id}" is a name Windows keeps for a device (con, prn, aux, nul, com0 to com9, '
        f"lpt0 to lpt9), so {project_id}.yaml cannot be checked out on Windows; choose another "
        f"id, such as {project_id}-project"
    )


def _closed(properties: dict[str, Any], required: list[str], description: str) -> dict[str, Any]:
    return {
        "type": "object",
        "description": description,
        "properties": properties,
        "patternProperties": EXTENSION,
        "additionalProperties": False,
        "required": required,
    }


def _text(description: str, max_length: int = 500) -> dict[str, Any]:
    return {"type": "string", "minLength": 1, "maxLength": max_length, "description": description}


def _date(description: str) -> dict[str, Any]:
    return {"type": "string", "pattern": DATE, "description": description}


def _status_or_detail(statuses_ref: str, what: str) -> dict[str, Any]:
    detail = _closed(
        {
            "status": {"$ref": statuses_ref},
            "date": _date(
                f"When the {what} reached its status, for work done before the repository "
                "existed: an ISO 8601 date (2024-03-05) or date and time with an offset "
                "(2024-03-05T14:30:00+01:00). Overrides the date read from git."
            ),
            "note": _text("A short note, shown beside the date.", 1000),
        },
        ["status"],
        f"The {what}'s status with an optional declared date and note.",
    )
    # anyOf, not if/then/else: editors complete the status words only from anyOf. Each branch
    # names its type, so a finding explains the branch the value's type picks.
    return {"anyOf": [{"type": "string", "$ref": statuses_ref}, detail]}


def _catalog(config: Config | None) -> tuple[dict[str, Any], dict[str, Any]]:
    """The milestones and environments a file may name: the configured catalog's, or (open)
    any name of the shape kpictl.yaml allows, each with the structure of a milestone."""
    if config is None:
        any_name = {"$ref": "#/$defs/milestone"}
        return (
            {"propertyNames": {"pattern": MILESTONE_ID}, "additionalProperties": any_name},
            {"propertyNames": {"pattern": SLUG}, "additionalProperties": any_name},
        )
    milestones = {
        m.id: {"$ref": "#/$defs/milestone", "title": m.title, "description": m.description}
        for m in config.milestones
    }
    return (
        {"properties": milestones, "propertyNames": {"enum": list(config.milestone_ids)}},
        {
            "properties": {name: {"$ref": "#/$defs/milestone"} for name in config.environments},
            "propertyNames": {"enum": list(config.environments)},
        },
    )


def project_schema(config: Config | None) -> dict[str, Any]:
    """The project file's schema for ``config``'s catalog; with None, the catalog is open (any
    milestone or environment name of the right shape), which is what history checks every
    landed revision against: the catalog is configuration, and may change after it landed."""
    milestones, environments = _catalog(config)
    slug = {"type": "string", "pattern": SLUG, "maxLength": 64}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "kpictl project",
        "description": "One generative-AI project, tracked by kpictl.",
        "$defs": {
            "slug": slug,
            "status": {
                "enum": list(MILESTONE_STATUSES),
                "description": "planned, in_progress, done or skipped.",
            },
            "milestone": _status_or_detail("#/$defs/status", "milestone"),
        },
        **_closed(
            {
                "schema_version": {"const": SCHEMA_VERSION, "description": "Always 1."},
                "id": {
                    "$ref": "#/$defs/slug",
                    "description": "The project's identity: lowercase letters, digits and "
                    "hyphens; unique in the repository. Renaming the file keeps its history.",
                    # A configured rule (kpictl's own list): history keeps a landed `con`.
                    **({"not": {"enum": list(WINDOWS_RESERVED)}} if config is not None else {}),
                },
                "name": _text("The project's name, as leadership knows it.", 200),
                "team": {"$ref": "#/$defs/slug", "description": "The team that owns it."},
                "owner": {
                    "type": "string",
                    "pattern": EMAIL,
                    "description": "The accountable person's email address.",
                },
                "summary": _text("One or two sentences on what it does.", 2000),
                "labels": {
                    "type": "array",
                    "items": {"$ref": "#/$defs/slug"},
                    "uniqueItems": True,
                    "description": "Labels to group projects by, such as customer-facing.",
                },
                "roles": {
                    "type": "object",
                    "description": "The cross-functional team: role → person.",
                    "propertyNames": {"pattern": MILESTONE_ID},
                    "additionalProperties": _text("The person in this role.", 200),
                },
                "milestones": {
                    "type": "object",
                    "description": "Each milestone's status; a missing milestone is planned.",
                    **milestones,
                },
                "environments": {
                    "type": "object",
                    "description": "Each deployment environment's status.",
                    **environments,
                },
                "feedback_rounds": {
                    "type": "array",
                    "description": "Rounds of feedback with the beta group.",
                    "items": _closed(
                        {
                            "id": {"$ref": "#/$defs/slug"},
                            "status": {"enum": list(FEEDBACK_STATUSES)},
                            "participants": {"type": "integer", "minimum": 0},
                            "note": _text("A short note.", 1000),
                        },
                        ["id", "status"],
                        "A feedback round: requested when it first lands, addressed later.",
                    ),
                },
                "updates": {
                    "type": "array",
                    "description": "Changes after launch: simple updates and new versions.",
                    "items": _closed(
                        {
                            "id": {"$ref": "#/$defs/slug"},
                            "kind": {"enum": list(UPDATE_KINDS)},
                            "status": {"enum": list(UPDATE_STATUSES)},
                            "title": _text("What changes.", 200),
                            "version": {"type": "string", "minLength": 1, "maxLength": 50},
                            "note": _text("A short note.", 1000),
                        },
                        ["id", "kind", "status"],
                        "An update: requested when it first lands, live later.",
                    ),
                },
                "costs": {
                    "type": "array",
                    "description": "What the project costs: one-off and recurring.",
                    "items": _closed(
                        {
                            "item": _text("What is paid for; unique within the project.", 200),
                            "category": {"enum": list(COST_CATEGORIES)},
                            "amount": {"type": "number", "minimum": 0, "maximum": 1e12},
                            "currency": {
                                "type": "string",
                                "pattern": CURRENCY,
                                "description": "An ISO 4217 code such as USD or EUR.",
                            },
                            "per": {"enum": list(COST_PERIODS)},
                            "from": _date("When a recurring cost starts."),
                            "until": _date("When a recurring cost ends."),
                            "note": _text("A short note.", 1000),
                        },
                        ["item", "category", "amount", "currency", "per"],
                        "A cost: once, or recurring per month or year.",
                    ),
                },
                "benefits": {
                    "type": "array",
                    "description": "What the project gives back: one-off and recurring, "
                    "estimated or measured.",
                    "items": _closed(
                        {
                            "item": _text(
                                "What is gained; unique within the project. Keep it when the "
                                "benefit moves from estimate to measured.",
                                200,
                            ),
                            "kind": {"enum": list(BENEFIT_KINDS)},
                            "amount": {"type": "number", "minimum": 0, "maximum": 1e12},
                            "currency": {
                                "type": "string",
                                "pattern": CURRENCY,
                                "description": "An ISO 4217 code such as USD or EUR.",
                            },
                            "per": {"enum": list(COST_PERIODS)},
                            "from": _date("When a recurring benefit starts (once: the day)."),
                            "until": _date("When a recurring benefit ends."),
                            "basis": {
                                "enum": list(BENEFIT_BASES),
                                "description": "estimate (a business case) or measured "
                                "(observed; give its source).",
                            },
                            "source": {
                                "type": "string",
                                "pattern": LINK_URL,
                                "maxLength": 2000,
                                "description": "Where the measurement is (http, https or mailto).",
                            },
                            "note": _text("A short note.", 1000),
                        },
                        ["item", "kind", "amount", "currency", "per", "basis"],
                        "A benefit: once, or recurring per month or year; an estimate or a "
                        "measurement.",
                    ),
                },
                "links": {
                    "type": "array",
                    "description": "Links shown on the project's page (http, https or mailto).",
                    "items": _closed(
                        {
                            "title": _text("The link's text.", 200),
                            "url": {"type": "string", "pattern": LINK_URL, "maxLength": 2000},
                        },
                        ["title", "url"],
                        "A link.",
                    ),
                },
            },
            ["schema_version", "id", "name", "team", "owner", "milestones"],
            "One generative-AI project.",
        ),
    }


def schema_text(config: Config) -> str:
    return json.dumps(project_schema(config), indent=2, ensure_ascii=False) + "\n"


SCHEMA_FILE = "schema/project.schema.json"  # where `kpictl init` writes it, for editors


def stale_schema(config: Config, *, error: bool) -> Diagnostic | None:
    """A finding when the committed schema file no longer matches the configuration or this
    kpictl's schema (editors and check-jsonschema would then judge files by another schema);
    None when it matches or does not exist."""
    path = config.root / SCHEMA_FILE
    try:
        committed = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    if committed == schema_text(config):
        return None
    return Diagnostic(
        SCHEMA_FILE,
        1,
        1,
        ERROR if error else WARNING,
        "stale-schema",
        f"{SCHEMA_FILE} does not match kpictl.yaml and this kpictl (a milestone or environment "
        "changed, or kpictl was upgraded), so editors would flag valid files or miss mistakes; "
        f"regenerate it: kpictl schema > {SCHEMA_FILE}",
    )
