"""The demo's files as a team would write them: each project's YAML file at a moment of the
story, and the kpictl set-up (scaffolded files and a kpictl.yaml naming the teams)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from kpictl import __version__
from kpictl.scaffold.demo_story import TEAM_NAMES
from kpictl.scaffold.init import scaffold
from kpictl.scaffold.install_spec import InstallSpec

# The demo's workflows install a release, not the kpictl that made it (an editable install, a
# source folder), so that the demo is the same commits on every machine.
DEMO_INSTALL = InstallSpec(
    f"kpictl=={__version__}", ("The demo's workflows install the kpictl release that made it.",)
)

SMALL_SETTINGS = (
    "repo_url: null\ncurrency: {reporting: USD, rates: {EUR: 1.08}}\nteams:\n"
    + "".join(f"  {team}: {name}\n" for team, name in TEAM_NAMES.items())
)


def setup_files(root: Path, settings: str = SMALL_SETTINGS) -> dict[str, str]:
    """The first commit's files (path → text), in path order: what `kpictl init` writes in the
    demo's repository ``root`` (its workflows name its branch), with the demo's own kpictl.yaml
    (``settings``) and no project yet."""
    made = scaffold(root, DEMO_INSTALL)
    files = {k: v for k, v in made.items() if not k.startswith("projects/")}
    files["kpictl.yaml"] = settings
    return dict(sorted(files.items()))


def _q(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _flow(entry: dict[str, Any]) -> str:
    parts = [
        f"{k}: {_q(v) if isinstance(v, str) and k in ('title', 'version', 'item') else v}"
        for k, v in entry.items()
    ]
    return "{" + ", ".join(parts) + "}"


def project_file(state: dict[str, Any]) -> str:
    """A project's YAML file for its state in the story."""
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
    for section in ("feedback_rounds", "updates", "costs", "benefits"):
        entries = state[section]
        lines.append(f"{section}:" + ("" if entries else " []"))
        lines.extend(f"  - {_flow(e)}" for e in entries)
    if state.get("broken"):  # a field the schema does not know: the revision does not validate
        lines.append(f"sponsor: {_q(state['owner'])}")
    return "\n".join(lines) + "\n"
