"""`kpictl schema`"""

from __future__ import annotations

import click

from kpictl.cli.context import Context, pass_context
from kpictl.errors import EXIT_OK
from kpictl.project.schema import schema_text


@click.command()
@pass_context
def schema(obj: Context) -> int:
    """Print the JSON Schema of a project file (with kpictl.yaml's milestones), for editors.

    \b
    Example:
      kpictl schema > schema/project.schema.json
    """
    click.echo(schema_text(obj.config()), nl=False)
    return EXIT_OK
