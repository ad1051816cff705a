"""`kpictl new ID`"""

from __future__ import annotations

import click

from kpictl.cli.context import Context, pass_context
from kpictl.errors import EXIT_OK
from kpictl.printable import printable
from kpictl.scaffold.new import new_project


@click.command()
@click.argument("project_id", metavar="ID")
@click.option("--name", help="The project's name (default: from the id).")
@click.option("--team", default="unassigned", show_default=True, help="The owning team's slug.")
@click.option("--owner", default="owner@example.com", show_default=True, help="The owner's email.")
@pass_context
def new(obj: Context, project_id: str, name: str | None, team: str, owner: str) -> int:
    """Write projects/ID.yaml, a valid project file to fill in.

    \b
    Example:
      kpictl new support-assistant --team customer-experience --owner maria@example.com
    """
    target = new_project(project_id, obj.config(), name=name, team=team, owner=owner)
    click.echo(
        f"wrote {printable(str(target))}; fill in name, summary, roles and costs, then open a "
        "pull request"
    )
    return EXIT_OK
