"""`kpictl projects`"""

from __future__ import annotations

import click

from kpictl.cli.context import Context, pass_context
from kpictl.errors import EXIT_INVALID, EXIT_OK
from kpictl.output.findings import findings_text
from kpictl.output.projects import PROJECTS_FORMATS, ProjectsFormat
from kpictl.project.validate import discover, validate_files


@click.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(list(PROJECTS_FORMATS)),
    default="text",
    show_default=True,
)
@pass_context
def projects(obj: Context, fmt: ProjectsFormat) -> int:
    """List the projects with their phase and milestones (invalid files are reported, not listed).

    \b
    Example:
      kpictl projects --format json
    """
    obj.format = fmt
    config = obj.config()
    result = validate_files(discover(config), config)
    click.echo(PROJECTS_FORMATS[fmt](result.documents, config), nl=False)
    if result.diagnostics:
        click.echo(findings_text(result), nl=False, err=True)
    return EXIT_INVALID if result.errors else EXIT_OK
