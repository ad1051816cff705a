"""The large portfolio of `kpictl demo --size large`: 150 projects of eight teams over two years,
as an organisation of real size has them. Costs in four currencies and one without a rate;
proofs of concept that stall, projects abandoned on the way to production, projects running
late, fourteen archived (their files deleted), and one revision that does not validate.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from kpictl.scaffold.demo_steps import Step, _append, launch_steps, new_state, poc_steps
from kpictl.scaffold.demo_story import (
    END,
    LAUNCH_DAY,
    START,
    Change,
    Plan,
    _measure,
    working_hours,
)

REPO_URL = "https://github.com/example-org/ai-portfolio-kpis"
SIZE = 150
# team id: (display name, office, currency, units of the currency per US dollar, projects)
TEAMS = {
    "customer-operations": ("Customer operations and service excellence", "+0100", "EUR", 0.93, 30),
    "finance": ("Finance, procurement and controlling", "+0000", "GBP", 0.79, 24),
    "people": ("People, HR and workplace", "-0500", "USD", 1.0, 14),
    "engineering": ("Engineering productivity and developer platform", "+0530", "INR", 83.0, 26),
    "legal": ("Legal, risk and compliance", "+0100", "EUR", 0.93, 12),
    "marketing": ("Marketing and brand communications", "-0500", "USD", 1.0, 16),
    "sales": ("Sales and partner channels", "-0500", "USD", 1.0, 18),
    "supply-chain": ("Supply chain and field service operations", "+0000", "GBP", 0.79, 10),
}
# The rates kpictl.yaml declares; CHF (the Zurich office's projects) has none.
RATES = {"EUR": 1.08, "GBP": 1.27, "INR": 0.012}
ZURICH = ("+0100", "CHF", 0.9)
TOPICS = {
    "customer-operations": ["support ticket", "complaint", "call summary", "refund", "chat"],
    "finance": ["invoice", "expense", "supplier contract", "forecast commentary", "audit"],
    "people": ["HR policy", "onboarding", "job description", "benefits", "learning path"],
    "engineering": ["code review", "incident", "release notes", "test generation", "API docs"],
    "legal": ["contract clause", "regulatory change", "NDA", "privacy request", "policy"],
    "marketing": ["campaign copy", "product description", "brand voice", "SEO", "translation"],
    "sales": ["proposal", "account research", "sales email", "RFP answer", "pricing quote"],
    "supply-chain": ["field service", "demand signal", "shipment exception", "maintenance"],
}
KINDS = ["assistant", "copilot", "summariser", "triage", "search", "drafting", "extraction"]
PREFIXES = ["", "", "", "Agentic ", "Multilingual ", "Voice ", "Self-service "]
LABELS = [["internal"], ["customer-facing"], ["internal", "rag"], ["documents"], ["analytics"]]
FIRST = ["Maria", "Sam", "Ana", "Ravi", "Chloé", "Tom", "Yuki", "Amara", "Lena", "Diego", "Priya"]
FIRST += ["Jonas", "Fatima", "Noah", "Olga", "Kwame", "Ines", "Hiro", "Sofia", "Mateo", "Aisha"]
LAST = ["Lopez", "Chen", "Costa", "Patel", "Martin", "O'Brien", "Tanaka", "Okafor", "Fischer"]
LAST += ["Alvarez", "Nair", "Berg", "Zahra", "Williams", "Novak", "Mensah", "Moreau", "Sato"]
# A project's fate by its place in the kickoff order (k % 10); archived ones stop before the end.
FATES = ["launch", "stall", "launch", "archive", "abandon", "stall", "late", "launch", "stall"]
FATES += ["launch"]
BROKEN = 20  # the project whose pull request adds a field the schema does not know


def _set(key: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def apply(state: dict[str, Any]) -> None:
        state[key] = value

    return apply


def _names(rng: random.Random) -> list[tuple[str, str, str]]:
    """(id, name, team) of every project, in kickoff order, each name used once; teams of
    different sizes take turns at random."""
    found: list[tuple[str, str, str]] = []
    seen: set[str] = set()
    teams = [team for team, spec in TEAMS.items() for _ in range(spec[4])]
    rng.shuffle(teams)
    while len(found) < SIZE:
        team = teams[len(found)]
        name = f"{rng.choice(PREFIXES)}{rng.choice(TOPICS[team])} {rng.choice(KINDS)}"
        name = name[:1].upper() + name[1:]
        pid = "".join(c if c.isalnum() else "-" for c in name.lower()).strip("-")
        if pid in seen:
            continue
        seen.add(pid)
        if len(found) % 37 == 11:  # a few names as long as real ones get
            name += " for regional depots and partner sites"
        found.append((pid, name, team))
    return found


def large_plan(rng: random.Random) -> Plan:
    result = Plan()
    people = [f"{f} {last}" for last in LAST for f in FIRST][::7]
    for k, (pid, name, team) in enumerate(_names(rng)):
        fate = FATES[k % len(FATES)]
        if fate == "archive" and k >= 140:
            fate = "launch"
        _, office, currency, scale, _ = TEAMS[team]
        if k % 29 == 7:
            office, currency, scale = ZURICH
        owner = people[k % len(people)]
        roles = [people[(k * 3 + j) % len(people)] for j in (1, 2, 3)]
        pace = (k + 1) ** -0.15 * rng.uniform(0.8, 1.25)  # each new team moves a little faster
        kickoff = working_hours(START + timedelta(days=k * 4.5 + rng.uniform(0, 4)), rng)
        labels = LABELS[k % len(LABELS)]
        result.states[pid] = new_state(
            pid, name, team, labels, office, owner, roles, rng, currency, scale
        )
        ui = "skipped" if k % 5 == 3 else "done"
        steps: list[Step] = poc_steps()
        if fate in ("launch", "late"):
            steps += launch_steps(rng, ui, currency, scale)
        elif fate in ("abandon", "archive"):
            steps += launch_steps(rng, ui, currency, scale)[: rng.randint(5, 15)]
        elif k % 2:  # a stalled proof of concept that still gathers feedback
            steps.append((150, "Beta feedback round 2", _feedback("beta-2")))
        if fate == "archive":
            last = max(days for days, _, _ in steps)
            steps.append((last + rng.randint(30, 90), "Archive the project", _set("deleted", True)))
        if k == BROKEN:
            steps.append((45, "Add the sponsor", _set("broken", True)))
            steps.append((52, "Sponsor as a role, not a field", _set("broken", False)))
        for days, title, apply in steps:
            offset = _offset(days, pace, slow=fate == "late")
            when = working_hours(kickoff + timedelta(days=offset), rng)
            if when < END:
                result.changes.append(Change(when, pid, title, apply))
        result.changes.append(Change(kickoff, pid, "Kick off", lambda state: None))
        launch = kickoff + timedelta(days=_offset(LAUNCH_DAY, pace, slow=fate == "late"))
        result.changes += _benefits(pid, team, fate, kickoff, launch, currency, scale, k)
    result.changes.sort(key=lambda c: (c.when, c.project))
    return result


# What each team's business cases promise: (item, kind, US dollars a month, low and high)
CASES = {
    "customer-operations": ("Support hours saved", "savings", 8_000, 40_000),
    "finance": ("Processing cost avoided", "avoided_cost", 5_000, 30_000),
    "people": ("HR questions answered", "savings", 3_000, 12_000),
    "engineering": ("Engineering hours saved", "savings", 6_000, 35_000),
    "legal": ("Outside counsel avoided", "avoided_cost", 4_000, 25_000),
    "marketing": ("Agency spend saved", "savings", 3_000, 20_000),
    "sales": ("Added pipeline revenue", "revenue", 10_000, 60_000),
    "supply-chain": ("Field visits avoided", "avoided_cost", 5_000, 30_000),
}
NEVER_PAYS_BACK = 12  # the launched project whose measurement falls far short of its case


def _benefits(
    pid: str,
    team: str,
    fate: str,
    kickoff: datetime,
    launch: datetime,
    currency: str,
    scale: float,
    k: int,
) -> list[Change]:
    """A project's business case (an estimate from its expected launch), and for most of those
    that launch its measurement three months after: near the case, above it or well below,
    and for one project far below. Its own random source, so the rest of the story is as
    before benefits were told. Abandoned and stalled projects keep their estimate."""
    rng = random.Random(f"benefits:{pid}")
    item, kind, low, high = CASES[team]
    monthly = int(round(rng.randint(low, high) * scale, -2))
    launches = fate in ("launch", "late")
    starts = launch if launches else END + timedelta(days=120)
    estimate = {
        "item": item,
        "kind": kind,
        "amount": monthly,
        "currency": currency,
        "per": "month",
        "from": starts.date().isoformat(),
        "basis": "estimate",
    }
    case = working_hours(kickoff + timedelta(days=rng.randint(40, 100)), rng)
    changes = [Change(case, pid, f"Business case: {item.lower()}", _append("benefits", estimate))]
    if launches and k % 6 != 5:
        factor = 0.08 if k == NEVER_PAYS_BACK else rng.uniform(0.5, 1.4)
        source = f"https://wiki.example.com/{pid}/benefits"
        when = working_hours(launch + timedelta(days=90), rng)
        measured = _measure(item, int(round(monthly * factor, -2)), source)
        changes.append(Change(when, pid, f"Measured: {item.lower()}", measured))
    return [c for c in changes if c.when < END]


def _feedback(item: str) -> Callable[[dict[str, Any]], None]:
    def apply(state: dict[str, Any]) -> None:
        state["feedback_rounds"].append({"id": item, "status": "open", "participants": 8})

    return apply


def _offset(days: float, pace: float, *, slow: bool) -> float:
    """Days from kickoff to a step: the road to launch at the project's pace (1.7 times as
    slow in production for a late one), work after launch at its own."""
    if slow and days > 104:
        road = 104 * pace + (min(days, LAUNCH_DAY) - 104) * pace * 1.7
    else:
        road = min(days, LAUNCH_DAY) * pace
    return road + max(days - LAUNCH_DAY, 0)


# The organisation's own, tighter targets: three KPIs miss them now, by different margins.
TARGETS = {"time_to_security_review": 10, "time_to_launch": 45}


def large_settings() -> str:
    """The large demo's kpictl.yaml: its repository's address, the rates, the teams and its
    own targets."""
    rates = ", ".join(f"{c}: {r}" for c, r in RATES.items())
    return (
        f"repo_url: {REPO_URL}\ncurrency: {{reporting: USD, rates: {{{rates}}}}}\nteams:\n"
        + "".join(f"  {team}: {TEAMS[team][0]}\n" for team in sorted(TEAMS))
        + "kpis:\n"
        + "".join(f"  - {{id: {kpi}, target: {days}}}\n" for kpi, days in TARGETS.items())
    )
