"""`kpictl history [ID]...`"""

from __future__ import annotations

import click

from kpictl.cli.context import Context, pass_context, say
from kpictl.errors import EXIT_OK, KpictlError
from kpictl.output.history import HISTORY_FORMATS, HistoryFormat
from kpictl.pipeline import read_landed


@click.command()
@click.argument("ids", nargs=-1, metavar="[ID]...")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(list(HISTORY_FORMATS)),
    default="text",
    show_default=True,
)
@click.option(
    "--ref",
    help="The branch, tag or commit whose first-parent history to read "
    "(default: the current branch).",
)
@click.option(
    "--worktree",
    is_flag=True,
    help="Add uncommitted changes to project files, dated now and marked provisional.",
)
@click.option("--no-cache", is_flag=True, help="Read everything from git, ignoring the cache.")
@pass_context
def history(
    obj: Context,
    ids: tuple[str, ...],
    fmt: HistoryFormat,
    ref: str | None,
    worktree: bool,
    no_cache: bool,
) -> int:
    """Milestone dates read from when each change landed on the branch.

    The date of a change is the committer time of the first-parent commit that landed it (for
    a merged pull request, the merge commit). Every date names its commit.

    \b
    Example:
      kpictl history support-assistant
      kpictl history --format json --ref main > history.json
    """
    obj.format = fmt
    landed = read_landed(obj.config(), ref=ref, worktree=worktree, use_cache=not no_cache)
    found = landed.history
    say(landed.notes, [])
    unknown = sorted(set(ids) - found.projects.keys())
    if unknown:
        raise KpictlError(
            f"no project with the id {', '.join(unknown)} in the history of {found.ref}; "
            "`kpictl projects` lists the ids"
        )
    say([], found.warnings)
    click.echo(HISTORY_FORMATS[fmt](found, landed.config, ids), nl=False)
    return EXIT_OK
