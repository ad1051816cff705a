"""`kpictl build`"""

from __future__ import annotations

from pathlib import Path

import click

from kpictl.cli.context import Context, pass_context, say
from kpictl.errors import EXIT_OK
from kpictl.pipeline import compute_as_of
from kpictl.printable import printable
from kpictl.site.build import build_site
from kpictl.site.output_folder import out_setting, site_target


@click.command()
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Where to write the site (default: site.out in kpictl.yaml, build/site).",
)
@click.option(
    "--strict",
    is_flag=True,
    help="Fail (exit 1) on any warning, from history (a skipped revision, a value that could "
    "not be computed) or from MkDocs (a broken link), keeping the last good site.",
)
@click.option("--as-of", "as_of", metavar="DATE", help="As for `kpictl report`.")
@click.option("--ref", help="The branch, tag or commit to read (default: the current branch).")
@pass_context
def build(obj: Context, out: Path | None, strict: bool, as_of: str | None, ref: str | None) -> int:
    """Build the static KPI website (MkDocs Material) and its kpis.json.

    \b
    Example:
      kpictl build --strict
      kpictl build --out public
    """
    config = obj.config()
    target = site_target(config, out)  # refuse a wrong --out before reading any history
    computed = compute_as_of(config, as_of=as_of, ref=ref)
    say(computed.notes, [])
    where = out_setting(config, out)
    result = build_site(computed, computed.config, out=target, strict=strict, where=where)
    say(result.notes, result.warnings)
    click.echo(f"built {result.pages} pages into {printable(str(result.out))}")
    return EXIT_OK
