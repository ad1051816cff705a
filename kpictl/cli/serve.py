"""`kpictl serve`"""

from __future__ import annotations

from pathlib import Path

import click

from kpictl.cli.context import Context, pass_context
from kpictl.errors import EXIT_OK
from kpictl.printable import printable
from kpictl.site.serve import serve_site


@click.command()
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8000,
    show_default=True,
    help="The port on 127.0.0.1 (0: any free port).",
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Where to write the site (default: a temporary folder).",
)
@pass_context
def serve(obj: Context, port: int, out: Path | None) -> int:
    """Build the site, serve it on localhost, and rebuild when a project file changes.

    Uncommitted changes are included, dated now and marked provisional.

    \b
    Example:
      kpictl serve --port 8000
    """
    serve_site(
        obj.config(), port=port, out=out, echo=lambda text: click.echo(printable(text), err=True)
    )
    return EXIT_OK
