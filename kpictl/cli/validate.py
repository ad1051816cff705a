"""`kpictl validate [PATHS]...`"""

from __future__ import annotations

from pathlib import Path

import click

from kpictl.cli.context import Context, pass_context
from kpictl.errors import EXIT_INVALID, EXIT_OK
from kpictl.output.findings import FINDINGS_FORMATS, FindingsFormat, summary_line
from kpictl.project.selection import validate_paths


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(list(FINDINGS_FORMATS)),
    default="text",
    show_default=True,
    help="github prints workflow annotations shown on the pull request's diff.",
)
@click.option(
    "--quiet",
    "-q",
    is_flag=True,
    help="Print the findings only, without the count of valid files (the pre-commit hook's "
    "way: it shows a passing hook's output, so warnings reach the committer).",
)
@pass_context
def validate(obj: Context, paths: tuple[Path, ...], fmt: FindingsFormat, quiet: bool) -> int:
    """Check project files against the schema and the repository's rules.

    With no PATHS, every project file of the repository; with PATHS (files or folders), those,
    with ids still checked against the rest of the repository. When PATHS include kpictl.yaml
    or the schema file (as the pre-commit hook passes them), every project file is checked
    against the configuration, and a schema file that no longer matches it is an error.
    Exit 0 when valid (warnings allowed), 1 when a file is invalid, 2 for a usage or
    configuration error.

    \b
    Example:
      kpictl validate projects/support-assistant.yaml
      kpictl validate --format github
      kpictl validate --quiet projects/support-assistant.yaml
    """
    obj.format = fmt
    result = validate_paths(obj.config(), paths)
    click.echo(FINDINGS_FORMATS[fmt](result), nl=False)
    if fmt == "text" and not quiet:  # the count is for people; machines count the findings
        click.echo(summary_line(result), err=True)
    return EXIT_INVALID if result.errors else EXIT_OK
