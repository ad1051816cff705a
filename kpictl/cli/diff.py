"""`kpictl diff BASE [HEAD]`"""

from __future__ import annotations

import click

from kpictl.cli.context import Context, pass_context, say
from kpictl.comparison import compare
from kpictl.errors import EXIT_OK
from kpictl.git.repository import refuse_option_like
from kpictl.output.diff import diff_markdown


def _ref(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is not None:  # refused as it is read, before the configuration is
        refuse_option_like(value)
    return value


@click.command()
@click.argument("base", callback=_ref)
@click.argument("head", required=False, callback=_ref)
@click.option(
    "--as-of",
    "as_of",
    metavar="DATE",
    help="Compute both sides at this moment (as for `kpictl report`). Default: now when HEAD "
    "has commits not landed on BASE or is the working tree, else HEAD's time.",
)
@pass_context
def diff(obj: Context, base: str, head: str | None, as_of: str | None) -> int:
    """What a change does to the KPIs, as Markdown (for a pull request's job summary).

    BASE and HEAD are commits, branches or tags; without HEAD, the working tree. Each side is
    read with its own kpictl.yaml, both at the same moment. Commits of HEAD that are not on
    BASE's first-parent line (nor on the main branch's) count as landing at that moment, as
    they will when merged.

    \b
    Example:
      kpictl diff origin/main >> "$GITHUB_STEP_SUMMARY"
      kpictl diff v1.0 main
    """
    comparison = compare(obj.config(), base, head, as_of=as_of)
    say(comparison.notes, [])
    click.echo(diff_markdown(comparison.before, comparison.after, base, head), nl=False)
    return EXIT_OK
