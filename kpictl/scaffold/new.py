"""`kpictl new ID`: a valid project file to start from."""

from __future__ import annotations

import contextlib
import json
import os
import re
from pathlib import Path

from kpictl.config import SLUG, Config
from kpictl.errors import KpictlError
from kpictl.project.schema import WINDOWS_RESERVED, reserved_id_problem
from kpictl.project.validate import ProjectValidator, declared_id, discover
from kpictl.scaffold.work_tree import refuse_git_dir
from kpictl.yamlfile import load_bytes

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
# What the project gives back, shaped like costs; keep an item's name when its basis moves
# from estimate to measured, so its history follows it. kind: savings | revenue |
# avoided_cost | other; per: once | month | year; basis: estimate | measured.
benefits: []
#  - {{item: Support tickets deflected, kind: savings, amount: 20000, currency: USD,
#     per: month, from: 2024-04-01, basis: estimate}}
#  - {{item: Upsell revenue, kind: revenue, amount: 10000, currency: USD, per: once,
#     from: 2024-09-01, basis: measured, source: https://wiki.example.com/upsell}}
"""


def _quote(text: str) -> str:
    # A YAML double-quoted string holding exactly ``text``: JSON's escapes are YAML's too, so
    # a control character is written as an escape and read back as itself, never reshaped.
    return json.dumps(text, ensure_ascii=False)


def _slug_or_quoted(text: str) -> str:
    return text if re.match(SLUG, text) else _quote(text)


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
        team=_slug_or_quoted(team),
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
    if name is not None and not name.strip():
        raise KpictlError("--name is empty; give the project's name, or leave --name out")
    refuse_git_dir(config.root, "kpictl new")
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
    _refuse_what_validate_would(data, config, f"{config.projects_dir.strip('/')}/{target.name}")
    _create(target, data)
    return target


_OPTION_AT_LINE = {4: "--name", 5: "--team", 6: "--owner"}  # where _TEMPLATE writes each


def _refuse_what_validate_would(data: bytes, config: Config, shown: str) -> None:
    """Check the file about to be written as `kpictl validate` would, and refuse a --name,
    --team or --owner it would reject, in its words, before anything is written."""
    doc, problems = load_bytes(data, shown)
    if doc is not None:
        problems = ProjectValidator(config).check(doc)
    for problem in problems:
        option = _OPTION_AT_LINE.get(problem.line)
        if problem.is_error and option is not None:
            raise KpictlError(f"{option}: {problem.message}")


def _create(target: Path, data: bytes) -> None:
    """Write a new file in one step, never replacing one that appeared meanwhile: the data goes
    to a scratch file first, then takes the name with a hard link (which fails if it exists).
    A folder that cannot be made or written (a read-only file system, a file in its place) is
    the user's error, naming it."""
    folder = target.parent
    if os.path.lexists(folder) and not folder.is_dir():
        raise KpictlError(
            f"{folder} is not a folder, and the project files go in it; move that file away "
            "(or set projects_dir in kpictl.yaml), then run kpictl new again"
        )
    temp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        temp.write_bytes(data)
        os.link(temp, target)
    except FileExistsError:
        raise KpictlError(f"{target} already exists; edit it, or choose another id") from None
    except OSError as exc:
        raise KpictlError(
            f"{target}: cannot write it ({exc.strerror or type(exc).__name__}); run kpictl new "
            f"where {folder} can be written (not a read-only mount), or make it writable"
        ) from None
    finally:
        with contextlib.suppress(OSError):  # it was never made: the folder is not writable
            temp.unlink(missing_ok=True)
