"""`kpictl init [DIRECTORY]`"""

from __future__ import annotations

from pathlib import Path

import click

from kpictl.errors import EXIT_OK
from kpictl.git.repository import work_tree_prefix
from kpictl.printable import printable
from kpictl.scaffold.init import current_branch, init_repository, remembered_install
from kpictl.scaffold.install_spec import explicit, running_install


@click.command()
@click.argument("directory", default=".", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--force",
    is_flag=True,
    help="Replace scaffold files that differ but are still what kpictl wrote; for a file you "
    "changed (and kpictl.yaml, always), write kpictl's version beside it as FILE.new.",
)
@click.option(
    "--install",
    "install_spec",
    metavar="SPEC",
    help="The pip requirement for kpictl that the workflows install, e.g. 'kpictl==0.2.0' or "
    "'kpictl @ git+https://github.com/org/kpictl@<commit id>'. Remembered for later runs. "
    "Default: the one an earlier --install gave, else the kpictl running now, as pip "
    "recorded its install.",
)
def init(directory: Path, force: bool, install_spec: str | None) -> int:
    """Set up a KPI repository: projects/, kpictl.yaml, the site, pre-commit and CI workflows.

    Never overwrites a file that differs without --force, nor with it a file you changed;
    running it twice changes nothing. In a repository that has projects, adds no example.

    \b
    Example:
      kpictl init my-kpis && cd my-kpis && git init -b main && kpictl validate
      kpictl init --install 'kpictl @ git+https://github.com/org/kpictl@<commit id>'
    """
    given = explicit(install_spec) if install_spec is not None else None
    install = given or remembered_install(directory) or running_install()
    results = init_repository(directory, force=force, install=install, remember=given is not None)
    if install.warning:
        click.echo(f"kpictl: warning: {printable(install.warning)}", err=True)
    prefix = work_tree_prefix(directory)
    if prefix:
        click.echo(
            f"kpictl: warning: {printable(str(directory))} is the folder {printable(prefix)} "
            "of a git repository; GitHub "
            "reads workflows, and pre-commit its configuration, only at the top of the "
            f"repository: move .github/ and .pre-commit-config.yaml there and prefix their "
            f"paths with {printable(prefix)}",
            err=True,
        )
    for written in results:
        note = f" ({written.note})" if written.note else ""
        click.echo(printable(f"{written.action:>14}  {written.path}{note}"))
    branch = current_branch(directory)
    first = "" if prefix is not None else f"git init -b {branch}, "
    click.echo(f"next: {first}edit projects/, then `kpictl validate`")
    return EXIT_OK
