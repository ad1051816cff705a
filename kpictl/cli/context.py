"""What every command is given: the KPI repository's configuration, and a place to say which
output format it chose, so that the error edge knows whether to answer with annotations."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

import click

from kpictl.printable import printable

if TYPE_CHECKING:
    from kpictl.config import Config


class Context:
    def __init__(self) -> None:
        self.format = "text"  # set by a command before any work: "github" asks for annotations

    def config(self) -> Config:
        """The configuration of the KPI repository kpictl was started in: the nearest folder
        upwards with kpictl.yaml, else the git work tree."""
        from kpictl.config import find_root, load_config

        return load_config(find_root(Path.cwd()))


pass_context = click.make_pass_decorator(Context)


def say(notes: Iterable[str], warnings: Iterable[str]) -> None:
    """Notes and warnings on stderr, one line each, never mixed into the output."""
    for note in notes:
        click.echo(f"kpictl: note: {printable(note)}", err=True)
    for warning in warnings:
        click.echo(f"kpictl: warning: {printable(warning)}", err=True)
