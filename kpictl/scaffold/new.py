"""`kpictl new ID`: a valid project file to start from."""

from __future__ import annotations

import os
import re
from pathlib import Path

from kpictl.config import SLUG, Config
from kpictl.errors import KpictlError
from kpictl.project.schema import WINDOWS_RESERVED, reserved_id_problem
from kpictl.project.validate import declared_id, discover

_TEMPLATE = """\
# yaml-language-server: $schema={schema}
schema_version: 1
id: {id}
name: {name}
team: {team}
owner: {owner}
summary: What the project does, in one or two sentences.
labels: []
roles:
  product_owner: To be named
milestones:
{milestones}
environments:
{environments}
feedback_rounds: []
updates: []
costs: []
"""


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def render_project(
    project_id: str, config: Config, *, name: str, team: str, owner: str, schema: str
) -> str:
    milestones = "\n".join(
        f"  {m}: {'done' if m == config.roles.start else 'planned'}" for m in config.milestone_ids
    )
    environments = "\n".join(f"  {e}: planned" for e in config.environments)
    return _TEMPLATE.format(
        schema=schema,
        id=project_id,
        name=_quote(name),
        team=team,
        owner=_quote(owner),
        milestones=milestones,
        environments=environments,
    )


def new_project(
    project_id: str, config: Config, *, name: str | None, team: str, owner: str
) -> Path:
    """Write ``projects/<id>.yaml``; refuse a bad id, an existing file or an id in use."""
    if not re.match(SLUG, project_id) or len(project_id) > 64:
        raise KpictlError(
            f"{project_id!r} is not a valid project id; use lowercase letters, digits and single "
            "hyphens (at most 64 characters), such as support-assistant"
        )
    if project_id in WINDOWS_RESERVED:
        raise KpictlError(reserved_id_problem(project_id))
    if name is not None and not 0 < len(name.strip()) <= 200:
        raise KpictlError("--name must be 1 to 200 characters")
    if not re.match(SLUG, team):
        raise KpictlError(f"{team!r} is not a valid team; use a slug such as customer-experience")
    if not re.match(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", owner):
        raise KpictlError(f"{owner!r} is not an email address; pass --owner name@example.com")
    target = config.projects_path / f"{project_id}.yaml"
    if target.exists():
        raise KpictlError(f"{target} already exists; edit it, or choose another id")
    for file in discover(config):
        if declared_id(file) == project_id:
            raise KpictlError(f"the id {project_id!r} is already used by {file}; choose another id")
    schema_file = config.root / "schema" / "project.schema.json"
    schema = os.path.relpath(schema_file, config.projects_path).replace(os.sep, "/")
    text = render_project(
        project_id,
        config,
        name=name or project_id.replace("-", " ").capitalize(),
        team=team,
        owner=owner,
        schema=schema,
    )
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError:
        raise KpictlError(
            "--name, --team or --owner holds characters that cannot be written as UTF-8; "
            "retype them"
        ) from None
    _create(target, data)
    return target


def _create(target: Path, data: bytes) -> None:
    """Write a new file in one step, never replacing one that appeared meanwhile: the data goes
    to a scratch file first, then takes the name with a hard link (which fails if it exists)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    temp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        temp.write_bytes(data)
        os.link(temp, target)
    except FileExistsError:
        raise KpictlError(f"{target} already exists; edit it, or choose another id") from None
    finally:
        temp.unlink(missing_ok=True)
