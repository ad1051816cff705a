"""The steps of a demo project's story, each a change its pull request makes to the project's
file: its state at kickoff, the road through proof of concept, and the road to launch and two
updates after it. The small and the large demo tell their projects' stories with them."""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

MILESTONES = [
    "kickoff",
    "team_assembled",
    "problem_statement",
    "demo_ready",
    "go_decision",
    "production_data_connected",
    "evaluation_suite",
    "ui_finalized",
    "security_review",
    "launched",
]


def _status(section: str, name: str, value: str) -> Callable[[dict[str, Any]], None]:
    def apply(state: dict[str, Any]) -> None:
        state[section][name] = value

    return apply


def _append(section: str, entry: dict[str, Any]) -> Callable[[dict[str, Any]], None]:
    def apply(state: dict[str, Any]) -> None:
        state[section].append(dict(entry))

    return apply


def _set_item(section: str, item_id: str, status: str) -> Callable[[dict[str, Any]], None]:
    def apply(state: dict[str, Any]) -> None:
        for entry in state[section]:
            if entry["id"] == item_id:
                entry["status"] = status

    return apply


Step = tuple[float, str, Callable[[dict[str, Any]], None]]  # (days from kickoff, title, change)


def new_state(
    pid: str,
    name: str,
    team: str,
    labels: list[str],
    office: str,
    owner: str,
    roles: list[str],
    rng: random.Random,
    currency: str = "USD",
    scale: float = 1.0,
) -> dict[str, Any]:
    """A project as its kickoff pull request writes it; its costs in ``currency``, ``scale``
    times the dollar amounts."""
    return {
        "id": pid,
        "name": name,
        "team": team,
        "labels": labels,
        "office": office,
        "owner": owner,
        "summary": f"{name}: a generative-AI project of the {team} team.",
        "roles": dict(
            zip(("product_owner", "ux", "developer", "ml_engineer"), [owner, *roles], strict=True)
        ),
        "milestones": dict.fromkeys(MILESTONES, "planned")
        | {"kickoff": "done", "team_assembled": "in_progress"},
        "environments": {"dev": "planned", "uat": "planned", "prod": "planned"},
        "feedback_rounds": [],
        "updates": [],
        "benefits": [],
        "costs": [
            _cost(
                "Proof of concept sprint",
                "people",
                rng.choice([30000, 40000, 50000]),
                currency,
                scale,
                "once",
            ),
            _cost("LLM API", "inference", rng.choice([300, 500, 800]), currency, scale, "month"),
        ],
    }


def _cost(
    item: str, category: str, amount: int, currency: str, scale: float, per: str
) -> dict[str, Any]:
    shown = amount if scale == 1 else int(round(amount * scale, -2 if amount * scale > 1000 else 0))
    return {"item": item, "category": category, "amount": shown, "currency": currency, "per": per}


def poc_steps() -> list[Step]:
    """The first steps of every project: a team, a problem statement, a demo under way and a
    first feedback round."""
    return [
        (14, "Team assembled", _status("milestones", "team_assembled", "done")),
        (
            10,
            "Start the problem statement",
            _status("milestones", "problem_statement", "in_progress"),
        ),
        (30, "Problem statement agreed", _status("milestones", "problem_statement", "done")),
        (36, "Start the demo", _status("milestones", "demo_ready", "in_progress")),
        (
            60,
            "Beta feedback round 1",
            _append("feedback_rounds", {"id": "beta-1", "status": "open", "participants": 12}),
        ),
    ]


def launch_steps(
    rng: random.Random, ui: str, currency: str = "USD", scale: float = 1.0
) -> list[Step]:
    """The steps from the first feedback addressed to a launch and two updates after it;
    ``ui`` is how the UI milestone ends (done or skipped)."""
    return [
        (71, "Beta feedback addressed", _set_item("feedback_rounds", "beta-1", "addressed")),
        (80, "Demo ready", _status("milestones", "demo_ready", "done")),
        (86, "Go decision in review", _status("milestones", "go_decision", "in_progress")),
        (100, "Go decision", _status("milestones", "go_decision", "done")),
        (
            101,
            "Production build budget",
            _append(
                "costs",
                _cost(
                    "Production build",
                    "people",
                    rng.choice([90000, 120000, 150000]),
                    currency,
                    scale,
                    "once",
                ),
            ),
        ),
        (
            104,
            "Connect production data",
            _status("milestones", "production_data_connected", "in_progress"),
        ),
        (108, "Dev environment", _status("environments", "dev", "in_progress")),
        (
            112,
            "Start the evaluation suite",
            _status("milestones", "evaluation_suite", "in_progress"),
        ),
        (116, "Dev environment ready", _status("environments", "dev", "done")),
        (
            122,
            "UI work",
            _status("milestones", "ui_finalized", "in_progress" if ui == "done" else "skipped"),
        ),
        (
            140,
            "Production data connected",
            _status("milestones", "production_data_connected", "done"),
        ),
        (150, "Evaluation suite in CI", _status("milestones", "evaluation_suite", "done")),
        (158, "UAT environment", _status("environments", "uat", "in_progress")),
        (165, "UI finalised", _status("milestones", "ui_finalized", ui)),
        (170, "UAT environment ready", _status("environments", "uat", "done")),
        (176, "Security review", _status("milestones", "security_review", "in_progress")),
        (200, "Security review passed", _status("milestones", "security_review", "done")),
        (212, "Production environment", _status("environments", "prod", "done")),
        (218, "Launch", _status("milestones", "launched", "done")),
        (
            219,
            "Vector index hosting",
            _append(
                "costs",
                _cost(
                    "Vector index",
                    "infrastructure",
                    rng.choice([400, 600, 900]),
                    currency,
                    scale,
                    "month",
                ),
            ),
        ),
        (
            240,
            "Request: tone of voice",
            _append(
                "updates",
                {
                    "id": "tone-of-voice",
                    "kind": "simple",
                    "status": "requested",
                    "title": "Warmer tone of voice",
                },
            ),
        ),
        (246, "Tone of voice live", _set_item("updates", "tone-of-voice", "live")),
        (
            270,
            "Request: version 2",
            _append(
                "updates",
                {"id": "version-2", "kind": "version", "status": "requested", "version": "2.0"},
            ),
        ),
        (300, "Version 2 in progress", _set_item("updates", "version-2", "in_progress")),
        (330, "Version 2 live", _set_item("updates", "version-2", "live")),
    ]
