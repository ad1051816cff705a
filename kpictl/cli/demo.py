"""`kpictl demo [DIRECTORY]`"""

from __future__ import annotations

from pathlib import Path

import click

from kpictl.config import load_config
from kpictl.errors import EXIT_OK
from kpictl.pipeline import compute_as_of
from kpictl.printable import printable
from kpictl.scaffold.demo import create_demo
from kpictl.site.build import build_site


@click.command()
@click.argument(
    "directory", default="kpictl-demo", type=click.Path(file_okay=False, path_type=Path)
)
@click.option("--no-site", is_flag=True, help="Create the repository only; do not build the site.")
def demo(directory: Path, no_site: bool) -> int:
    """Create a demo KPI repository with two years of pull-request history, and build its site.

    \b
    Example:
      kpictl demo kpictl-demo && kpictl -C kpictl-demo report
    """
    create_demo(directory)
    click.echo(f"created a demo KPI repository with its git history in {printable(str(directory))}")
    if not no_site:
        computed = compute_as_of(load_config(directory.resolve()))
        result = build_site(computed, computed.config)
        click.echo(f"built its site: {printable(str(result.out / 'index.html'))}")
    shown = printable(str(directory))
    click.echo(f"next: kpictl -C {shown} report, or kpictl -C {shown} serve")
    return EXIT_OK
