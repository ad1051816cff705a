"""`kpictl demo [DIRECTORY]`"""

from __future__ import annotations

from pathlib import Path

import click

from kpictl.errors import EXIT_OK
from kpictl.printable import printable
from kpictl.scaffold.demo import SIZES, build_demo_site, create_demo


@click.command()
@click.argument(
    "directory", default="kpictl-demo", type=click.Path(file_okay=False, path_type=Path)
)
@click.option("--no-site", is_flag=True, help="Create the repository only; do not build the site.")
@click.option(
    "--size",
    type=click.Choice(SIZES),
    default="small",
    show_default=True,
    help="small: 14 projects of 8 teams; large: 150 projects of 8 teams, as an organisation "
    "has them (several currencies, stuck, late and archived projects, a broken revision).",
)
def demo(directory: Path, no_site: bool, size: str) -> int:
    """Create a demo KPI repository with two years of pull-request history, and build its site.

    \b
    Example:
      kpictl demo kpictl-demo && kpictl -C kpictl-demo report
      kpictl demo --size large kpictl-large-demo
    """
    create_demo(directory, site=not no_site, size=size)
    click.echo(f"created a demo KPI repository with its git history in {printable(str(directory))}")
    if not no_site:
        click.echo(f"built its site: {printable(str(build_demo_site(directory)))}")
    shown = printable(str(directory))
    click.echo(f"next: kpictl -C {shown} report, or kpictl -C {shown} serve")
    return EXIT_OK
