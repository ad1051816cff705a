"""`kpictl demo [DIR]`: a KPI repository with two years of pull-request history, then its site.

The history is written with one ``git fast-import`` stream: every change is a pull request, a
branch commit authored a day or three before the merge commit that lands it on main, with
controlled, backdated times in several offices' time zones. Later teams move faster, two proofs
of concept stall, and launched projects ship updates, so every KPI has something to show.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from kpictl.config import default_config
from kpictl.errors import KpictlError
from kpictl.git.repository import Git
from kpictl.scaffold.init import scaffold
from kpictl.scratch import user_path

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
LAUNCH_DAY = 218  # days from kickoff to launch for the first team
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


def _working_hours(moment: datetime, rng: random.Random) -> datetime:
    day = moment.replace(hour=0, minute=0, second=0, microsecond=0)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day + timedelta(hours=rng.randint(9, 17), minutes=rng.randint(0, 59))


def plan(rng: random.Random) -> Plan:
    result = Plan()
    for k, (pid, name, team, office, labels, offset, fate) in enumerate(PROJECTS):
        owner = PEOPLE[k % len(PEOPLE)]
        pace = (k + 1) ** -0.32 * rng.uniform(0.9, 1.1)  # each new team moves faster
        kickoff = _working_hours(START + timedelta(days=offset), rng)
        result.states[pid] = {
            "id": pid,
            "name": name,
            "team": team,
            "labels": labels,
            "office": office,
            "owner": owner,
            "summary": f"{name}: a generative-AI project of the {team} team.",
            "roles": {
                "product_owner": owner,
                "ux": PEOPLE[(k + 3) % 14],
                "developer": PEOPLE[(k + 5) % 14],
                "ml_engineer": PEOPLE[(k + 7) % 14],
            },
            "milestones": dict.fromkeys(MILESTONES, "planned")
            | {"kickoff": "done", "team_assembled": "in_progress"},
            "environments": {"dev": "planned", "uat": "planned", "prod": "planned"},
            "feedback_rounds": [],
            "updates": [],
            "costs": [
                {
                    "item": "Proof of concept sprint",
                    "category": "people",
                    "amount": rng.choice([30000, 40000, 50000]),
                    "currency": "USD",
                    "per": "once",
                },
                {
                    "item": "LLM API",
                    "category": "inference",
                    "amount": rng.choice([300, 500, 800]),
                    "currency": "USD",
                    "per": "month",
                },
            ],
        }
        steps: list[tuple[float, str, Callable[[dict[str, Any]], None]]] = [
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
        if fate == "launch":
            ui = "skipped" if k % 5 == 3 else "done"
            steps += [
                (
                    71,
                    "Beta feedback addressed",
                    _set_item("feedback_rounds", "beta-1", "addressed"),
                ),
                (80, "Demo ready", _status("milestones", "demo_ready", "done")),
                (86, "Go decision in review", _status("milestones", "go_decision", "in_progress")),
                (100, "Go decision", _status("milestones", "go_decision", "done")),
                (
                    101,
                    "Production build budget",
                    _append(
                        "costs",
                        {
                            "item": "Production build",
                            "category": "people",
                            "amount": rng.choice([90000, 120000, 150000]),
                            "currency": "USD",
                            "per": "once",
                        },
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
                    _status(
                        "milestones", "ui_finalized", "in_progress" if ui == "done" else "skipped"
                    ),
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
                        {
                            "item": "Vector index",
                            "category": "infrastructure",
                            "amount": rng.choice([400, 600, 900]),
                            "currency": "USD",
                            "per": "month",
                        },
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
                        {
                            "id": "version-2",
                            "kind": "version",
                            "status": "requested",
                            "version": "2.0",
                        },
                    ),
                ),
                (300, "Version 2 in progress", _set_item("updates", "version-2", "in_progress")),
                (330, "Version 2 live", _set_item("updates", "version-2", "live")),
            ]
        for days, title, apply in steps:
            # The road to launch speeds up with each team; work after launch keeps its own pace.
            offset = days * pace if days <= LAUNCH_DAY else LAUNCH_DAY * pace + days - LAUNCH_DAY
            when = _working_hours(kickoff + timedelta(days=offset), rng)
            if when < END:
                result.changes.append(Change(when, pid, title, apply))
        result.changes.append(Change(kickoff, pid, "Kick off", lambda state: None))
    result.changes.sort(key=lambda c: (c.when, c.project))
    return result


def _q(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _flow(entry: dict[str, Any]) -> str:
    parts = [
        f"{k}: {_q(v) if isinstance(v, str) and k in ('title', 'version', 'item') else v}"
        for k, v in entry.items()
    ]
    return "{" + ", ".join(parts) + "}"


def render(state: dict[str, Any]) -> str:
    lines = [
        "# yaml-language-server: $schema=../schema/project.schema.json",
        "schema_version: 1",
        f"id: {state['id']}",
        f"name: {_q(state['name'])}",
        f"team: {state['team']}",
        f"owner: {state['owner'].split()[0].lower()}@example.com",
        f"summary: {_q(state['summary'])}",
        f"labels: [{', '.join(state['labels'])}]",
        "roles:",
        *(f"  {role}: {_q(person)}" for role, person in state["roles"].items()),
        "milestones:",
        *(f"  {m}: {s}" for m, s in state["milestones"].items()),
        "environments:",
        *(f"  {e}: {s}" for e, s in state["environments"].items()),
    ]
    for section in ("feedback_rounds", "updates", "costs"):
        entries = state[section]
        lines.append(f"{section}:" + ("" if entries else " []"))
        lines.extend(f"  - {_flow(e)}" for e in entries)
    return "\n".join(lines) + "\n"


def _data(text: str) -> bytes:
    raw = text.encode("utf-8")
    return b"data %d\n" % len(raw) + raw + b"\n"


def _ident(name: str, when: datetime, office: str) -> bytes:
    email = name.split()[0].lower().replace("é", "e").replace("'", "") + "@example.com"
    return f"{name} <{email}> {int(when.timestamp())} {office}".encode()


def fast_import_stream(seed: int = 7, main_ref: str = "refs/heads/main") -> bytes:
    rng = random.Random(seed)
    demo = plan(rng)
    out = bytearray()
    mark = 1
    setup_time = START - timedelta(days=7)
    files = {k: v for k, v in scaffold(Path(".")).items() if not k.startswith("projects/")}
    files["kpictl.yaml"] = (
        "repo_url: null\ncurrency: {reporting: USD, rates: {EUR: 1.08}}\nteams:\n"
        + "".join(f"  {team}: {name}\n" for team, name in TEAM_NAMES.items())
    )
    out += b"commit %s\nmark :%d\n" % (main_ref.encode(), mark)
    out += b"author " + _ident("Maria Lopez", setup_time, "+0100") + b"\n"
    out += b"committer " + _ident("Maria Lopez", setup_time, "+0100") + b"\n"
    out += _data("Set up kpictl")
    for path, text in sorted(files.items()):
        out += f"M 100644 inline {path}\n".encode() + _data(text)
    out += b"\n"
    main = mark
    written: dict[str, str] = {}
    number = 0
    for change in demo.changes:
        state = demo.states[change.project]
        change.apply(state)
        if render(state) == written.get(change.project):
            continue  # a step that changes nothing (a skipped milestone) is no pull request
        written[change.project] = render(state)
        number += 1
        office = state["office"]
        text = render(state)
        path = f"projects/{change.project}.yaml"
        authored = change.when - timedelta(hours=rng.randint(20, 72))
        mark += 1
        branch = mark
        out += b"commit refs/kpictl-demo/pull\nmark :%d\n" % branch
        out += b"author " + _ident(state["owner"], authored, office) + b"\n"
        out += b"committer " + _ident(state["owner"], authored, office) + b"\n"
        out += _data(f"{change.title} ({change.project})")
        out += b"from :%d\n" % main
        out += f"M 100644 inline {path}\n".encode() + _data(text) + b"\n"
        mark += 1
        out += b"commit %s\nmark :%d\n" % (main_ref.encode(), mark)
        out += b"author " + _ident(state["owner"], change.when, office) + b"\n"
        out += b"committer GitHub <noreply@github.com> %d %s\n" % (
            int(change.when.timestamp()),
            office.encode(),
        )
        out += _data(f"Merge pull request #{number} from {change.project}\n\n{change.title}")
        out += b"from :%d\nmerge :%d\n" % (main, branch)
        out += f"M 100644 inline {path}\n".encode() + _data(text) + b"\n"
        main = mark
    return bytes(out)


MARKER = ".git/kpictl-demo"
_BUILT = "build/"  # the demo's own site, which `kpictl demo` builds into it
_NEW_MAIN = "refs/kpictl-demo/main"  # the demo's history made again, before main moves to it
_PULL = "refs/kpictl-demo/pull"


def create_demo(target: Path) -> None:
    """Write the demo repository into ``target``: a new or empty folder, or a demo kpictl made
    that nobody has changed since. Over such a demo, only what the demo made is replaced (its
    files and its history): hooks, remotes, .git/info and the rest of build/ stay."""
    where = str(target)
    with user_path(where):
        if target.is_symlink():
            raise KpictlError(f"{target} is a symbolic link; give a real folder for the demo")
        if target.exists() and not target.is_dir():
            raise KpictlError(f"{target} is a file; give a new folder for the demo")
        again = target.exists() and any(target.iterdir())
        if not again:
            target.mkdir(parents=True, exist_ok=True)
    git = Git(target)
    if again:
        _make_again(git, _check_untouched_demo(target))
    else:
        git.run("init", "-q", "-b", "main")
        git.run("fast-import", "--quiet", input=fast_import_stream())
        git.run("update-ref", "-d", _PULL)
        git.run("reset", "-q", "--hard", "main")
    head = git.text("rev-parse", "HEAD")
    with user_path(where):
        (target / MARKER).write_text(
            f"created by kpictl demo at {head}; `kpictl demo` replaces it while it is unchanged\n",
            encoding="utf-8",
        )
    default_config(target)  # the packaged defaults must load; kpictl.yaml is read by the caller


def _make_again(git: Git, old_head: str) -> None:
    """Write the demo's history beside the old one, move main to it (only if main is still the
    old demo's) and check it out; the work tree is clean, so only the demo's files change."""
    for ref in (_NEW_MAIN, _PULL):  # left by a run that was killed
        git.run("update-ref", "-d", ref, check=False)
    git.run("fast-import", "--quiet", input=fast_import_stream(main_ref=_NEW_MAIN))
    new_head = git.text("rev-parse", _NEW_MAIN)
    git.run("update-ref", "-m", "kpictl demo: made again", "refs/heads/main", new_head, old_head)
    for ref in (_NEW_MAIN, _PULL):
        git.run("update-ref", "-d", ref)
    git.run("reset", "-q", "--hard", "main")


def _check_untouched_demo(target: Path) -> str:
    """Refuse unless ``target`` is the demo kpictl made, unchanged: its marker, main at the head
    it recorded and checked out in the one work tree, no branch, tag or stash of anyone else's
    (remote-tracking branches are kept), and no file of anyone else's outside build/.
    Return the recorded head."""
    refuse = (
        f"{target} is not empty and is not an unchanged kpictl demo ({{why}}); give a new "
        "folder, or remove this one yourself"
    )
    try:
        marker = (target / MARKER).read_text(encoding="utf-8")
    except OSError:
        raise KpictlError(refuse.format(why="it has no demo marker")) from None
    recorded = marker.split(" at ", 1)[1].split(";", 1)[0] if " at " in marker else None
    git = Git(target)
    refs = git.run("for-each-ref", "--format=%(objectname) %(refname)", check=False)
    own = [
        line
        for line in refs.stdout.decode("utf-8", "replace").split("\n")
        if line and not line.split(" ", 1)[-1].startswith(("refs/remotes/", "refs/kpictl-demo/"))
    ]
    if recorded is None or refs.returncode != 0 or own != [f"{recorded} refs/heads/main"]:
        raise KpictlError(refuse.format(why="it has commits or branches of its own"))
    top = git.run("rev-parse", "--show-toplevel", check=False).stdout.decode().strip()
    on_main = git.run("symbolic-ref", "-q", "HEAD", check=False).stdout.decode().strip()
    trees = git.run("worktree", "list", "--porcelain", check=False).stdout.decode()
    if not top or Path(top).resolve() != target.resolve() or on_main != "refs/heads/main":
        raise KpictlError(refuse.format(why="main is not what its work tree has checked out"))
    if trees.count("worktree ") != 1:
        raise KpictlError(refuse.format(why="it has other work trees (git worktree list)"))
    status = git.run(
        "status", "--porcelain", "-z", "--ignored", "--untracked-files=all", check=False
    )
    changed = [
        entry[3:]
        for entry in status.stdout.decode("utf-8", "replace").split("\0")
        if entry and not entry[3:].startswith(_BUILT)
    ]
    if status.returncode != 0 or changed:
        raise KpictlError(refuse.format(why=f"files changed or added: {', '.join(changed[:3])}"))
    return recorded
