"""The made-up portfolio of `kpictl demo`: fourteen teams' projects and every change to them
over two years. Later teams move faster, two proofs of concept stall, and launched projects ship
updates, so every KPI has something to show.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from kpictl.scaffold.demo_steps import (
    _append,
    launch_steps,
    new_state,
    poc_steps,
)

START = datetime(2024, 11, 4, 9, 0, tzinfo=timezone.utc)
END = datetime(2026, 10, 30, 17, 0, tzinfo=timezone.utc)

# (id, name, team, office, labels, kickoff offset in days, fate)
PROJECTS = [
    (
        "support-assistant",
        "Customer support assistant",
        "customer-experience",
        "+0100",
        ["customer-facing", "rag"],
        0,
        "launch",
    ),
    (
        "contract-review",
        "Contract clause review",
        "legal",
        "+0000",
        ["internal", "documents"],
        40,
        "stall",
    ),
    (
        "invoice-matching",
        "Invoice matching copilot",
        "finance",
        "+0530",
        ["internal", "ocr"],
        75,
        "launch",
    ),
    (
        "sales-email-drafts",
        "Sales email drafts",
        "sales",
        "-0500",
        ["customer-facing"],
        130,
        "launch",
    ),
    ("hr-policy-bot", "HR policy questions", "people", "+0100", ["internal", "rag"], 170, "launch"),
    (
        "code-review-helper",
        "Code review helper",
        "engineering",
        "+0530",
        ["developer-tools"],
        215,
        "launch",
    ),
    ("marketing-copy", "Marketing copy studio", "marketing", "-0500", ["content"], 260, "stall"),
    (
        "field-service-qa",
        "Field service Q&A",
        "operations",
        "+0000",
        ["mobile", "rag"],
        300,
        "launch",
    ),
    ("expense-checker", "Expense policy checker", "finance", "+0530", ["internal"], 350, "launch"),
    (
        "release-notes",
        "Release notes writer",
        "engineering",
        "+0530",
        ["developer-tools"],
        400,
        "launch",
    ),
    (
        "churn-insights",
        "Churn insights",
        "customer-experience",
        "+0100",
        ["analytics"],
        450,
        "launch",
    ),
    (
        "procurement-assist",
        "Procurement assistant",
        "finance",
        "+0000",
        ["internal"],
        520,
        "launch",
    ),
    ("onboarding-buddy", "Onboarding buddy", "people", "-0500", ["internal"], 580, "launch"),
    (
        "translation-hub",
        "Translation hub",
        "marketing",
        "+0100",
        ["content", "multilingual"],
        640,
        "launch",
    ),
]
TEAM_NAMES = {
    "customer-experience": "Customer experience",
    "engineering": "Engineering",
    "finance": "Finance",
    "legal": "Legal",
    "marketing": "Marketing",
    "operations": "Operations",
    "people": "People and HR",
    "sales": "Sales",
}
PEOPLE = [
    "Maria Lopez",
    "Sam Chen",
    "Ana Costa",
    "Ravi Patel",
    "Chloé Martin",
    "Tom O'Brien",
    "Yuki Tanaka",
    "Amara Okafor",
    "Lena Fischer",
    "Diego Alvarez",
    "Priya Nair",
    "Jonas Berg",
    "Fatima Zahra",
    "Noah Williams",
]
# What each project expects to give back (item, kind, amount a month, currency), first as the
# business case's estimate, later measured for most launched ones. The HR bot is the launched
# project that never pays back: it measures far below its case.
BENEFITS = {
    "support-assistant": ("Support tickets deflected", "savings", 39000, "USD"),
    "contract-review": ("Outside counsel hours avoided", "avoided_cost", 18000, "USD"),
    "invoice-matching": ("Manual matching hours saved", "savings", 28000, "USD"),
    "sales-email-drafts": ("Upsell revenue", "revenue", 36000, "USD"),
    "hr-policy-bot": ("HR questions answered", "savings", 14000, "USD"),
    "code-review-helper": ("Review time saved", "savings", 32000, "USD"),
    "marketing-copy": ("Agency copywriting avoided", "avoided_cost", 12000, "USD"),
    "field-service-qa": ("Repeat site visits avoided", "avoided_cost", 26000, "USD"),
    "expense-checker": ("Audit findings avoided", "avoided_cost", 18000, "USD"),
    "release-notes": ("Writer hours saved", "savings", 10000, "USD"),
    "churn-insights": ("Retained revenue", "revenue", 45000, "USD"),
    "procurement-assist": ("Negotiated savings", "savings", 22000, "USD"),
    "onboarding-buddy": ("Onboarding time saved", "savings", 15000, "USD"),
    "translation-hub": ("Translation agency avoided", "avoided_cost", 21000, "EUR"),
}
NEVER_PAID_BACK = "hr-policy-bot"
NOT_MEASURED = ("release-notes",)  # launched, still on its estimate
LAUNCH_DAY = 218  # days from kickoff to launch for the first team


@dataclass
class Change:
    when: datetime
    project: str
    title: str
    apply: Callable[[dict[str, Any]], None]


@dataclass
class Plan:
    states: dict[str, dict[str, Any]] = field(default_factory=dict)
    changes: list[Change] = field(default_factory=list)


def _measure(item: str, amount: int, source: str) -> Callable[[dict[str, Any]], None]:
    def apply(state: dict[str, Any]) -> None:
        for entry in state["benefits"]:
            if entry["item"] == item:
                entry.update(amount=amount, basis="measured", source=source)

    return apply


def _benefit_changes(pid: str, fate: str, kickoff: datetime, pace: float) -> list[Change]:
    """The business case's estimate of a project's benefit, and for most launched projects its
    measurement three months after launch. A random source of its own, so that the rest of the
    story (dates, costs) stays as it was before benefits were told."""
    rng = random.Random(f"benefits:{pid}")
    item, kind, monthly, currency = BENEFITS[pid]
    # A stalled proof of concept's case expects value only once it launches, after the story.
    launch = END + timedelta(days=90)
    if fate == "launch":
        launch = kickoff + timedelta(days=LAUNCH_DAY * pace)
    expected_launch = launch.date().isoformat()
    estimate = {
        "item": item,
        "kind": kind,
        "amount": monthly,
        "currency": currency,
        "per": "month",
        "from": expected_launch,
        "basis": "estimate",
    }
    case_day = 95 if fate == "launch" else 45
    changes = [
        Change(
            working_hours(kickoff + timedelta(days=case_day * pace), rng),
            pid,
            f"Business case: {item.lower()}",
            _append("benefits", estimate),
        )
    ]
    if fate == "launch" and pid not in NOT_MEASURED:
        factor = 0.2 if pid == NEVER_PAID_BACK else rng.uniform(0.7, 1.3)
        amount = int(round(monthly * factor, -2))
        source = f"https://wiki.example.com/{pid}/benefits"
        when = working_hours(kickoff + timedelta(days=LAUNCH_DAY * pace + 90), rng)
        measured = _measure(item, amount, source)
        changes.append(Change(when, pid, f"Measured: {item.lower()}", measured))
    return [c for c in changes if c.when < END]


def working_hours(moment: datetime, rng: random.Random) -> datetime:
    day = moment.replace(hour=0, minute=0, second=0, microsecond=0)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day + timedelta(hours=rng.randint(9, 17), minutes=rng.randint(0, 59))


def plan(rng: random.Random) -> Plan:
    result = Plan()
    for k, (pid, name, team, office, labels, offset, fate) in enumerate(PROJECTS):
        owner = PEOPLE[k % len(PEOPLE)]
        pace = (k + 1) ** -0.32 * rng.uniform(0.9, 1.1)  # each new team moves faster
        kickoff = working_hours(START + timedelta(days=offset), rng)
        roles = [PEOPLE[(k + j) % 14] for j in (3, 5, 7)]
        result.states[pid] = new_state(pid, name, team, labels, office, owner, roles, rng)
        steps = launch_steps(rng, "skipped" if k % 5 == 3 else "done") if fate == "launch" else []
        for days, title, apply in poc_steps() + steps:
            # The road to launch speeds up with each team; work after launch keeps its own pace.
            offset = days * pace if days <= LAUNCH_DAY else LAUNCH_DAY * pace + days - LAUNCH_DAY
            when = working_hours(kickoff + timedelta(days=offset), rng)
            if when < END:
                result.changes.append(Change(when, pid, title, apply))
        result.changes.append(Change(kickoff, pid, "Kick off", lambda state: None))
        result.changes += _benefit_changes(pid, fate, kickoff, pace)
    result.changes.sort(key=lambda c: (c.when, c.project))
    return result
