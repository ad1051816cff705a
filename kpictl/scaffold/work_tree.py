"""Where `kpictl init` and `kpictl new` may write: files to commit belong in a work tree, never
in a bare repository or inside a git directory (where git would neither see nor keep them)."""

from __future__ import annotations

import os
from pathlib import Path

from kpictl.errors import KpictlError
from kpictl.git.repository import Git

_INSIDE = (
    "{folder} is inside a git directory, which git alone may change: {command} writes files "
    "to commit; run it in the repository's working tree"
)


def refuse_git_dir(folder: Path, command: str) -> None:
    """Refuse ``folder`` (made if missing) when it is, or is inside, a bare repository or a
    ``.git`` folder; ``command`` (``kpictl new``) names what was refused."""
    existing = folder.resolve()
    while not existing.is_dir() and existing.parent != existing:
        existing = existing.parent
    inside_dot_git = ".git" in folder.resolve().parts
    if inside_dot_git:
        raise KpictlError(_INSIDE.format(folder=folder, command=command))
    if not os.access(existing, os.X_OK):
        return  # git cannot look there either; what is written is refused on its own
    try:
        git = Git(existing)
    except KpictlError:
        return  # no usable git: nothing here is a repository kpictl could read
    answer = git.run("rev-parse", "--is-bare-repository", "--is-inside-git-dir", check=False)
    bare, inside = [*answer.stdout.decode().split(), "false", "false"][:2]
    if answer.returncode == 0 and bare == "true":
        raise KpictlError(
            f"{folder}: this is a bare repository (a git directory with no working tree): "
            f"{command} writes files to commit; run it in a clone with a working tree"
        )
    if answer.returncode == 0 and inside == "true":
        raise KpictlError(_INSIDE.format(folder=folder, command=command))
