"""`kpictl forecast`"""

from __future__ import annotations

import dataclasses

import click

from kpictl.cli.context import Context, pass_context, say
from kpictl.config import Config
from kpictl.errors import EXIT_OK
from kpictl.output.forecast import BACKTEST_FORMATS, FORECAST_FORMATS, ForecastFormat
from kpictl.output.report import shown_projects
from kpictl.pipeline import backtest_as_of, compute_as_of


def forecasts_enabled(config: Config) -> Config:
    """Asked for by name: forecasts even when kpictl.yaml leaves them out of the report."""
    return dataclasses.replace(config, forecast=dataclasses.replace(config.forecast, enabled=True))


@click.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(list(FORECAST_FORMATS)),
    default="text",
    show_default=True,
)
@click.option("--as-of", "as_of", metavar="DATE", help="As for `kpictl report`.")
@click.option("--ref", help="The branch, tag or commit to read (default: the current branch).")
@click.option(
    "--project",
    "project_ids",
    multiple=True,
    metavar="ID",
    help="Show only this project (repeatable); the launches per quarter still cover all.",
)
@click.option("--worktree", is_flag=True, help="Count uncommitted changes, dated now.")
@click.option(
    "--backtest",
    is_flag=True,
    help="Replay history: at each past month-end, forecast every then-running project from "
    "what was known then, and print how often launches landed by p50 and p85, per horizon.",
)
@pass_context
def forecast(
    obj: Context,
    fmt: ForecastFormat,
    as_of: str | None,
    ref: str | None,
    project_ids: tuple[str, ...],
    worktree: bool,
    backtest: bool,
) -> int:
    """When each running project is expected to launch, and how many launches per quarter.

    From the durations the portfolio's own projects took on the path to launch (those still
    running counted as taking at least this long): the 50th and 85th percentiles of the launch
    and of the next milestone, or the reason there is no date.

    \b
    Example:
      kpictl forecast
      kpictl forecast --project support-assistant --worktree
      kpictl forecast --backtest --format json
    """
    obj.format = fmt
    if backtest:
        scored, head = backtest_as_of(
            obj.config(), as_of=as_of, ref=ref, configure=forecasts_enabled
        )
        click.echo(BACKTEST_FORMATS[fmt](scored, head), nl=False)
        return EXIT_OK
    computed = compute_as_of(
        obj.config(), as_of=as_of, ref=ref, worktree=worktree, configure=forecasts_enabled
    )
    report = computed.report
    if project_ids:
        report = dataclasses.replace(report, projects=shown_projects(report, project_ids))
    say(computed.notes, computed.warnings)
    click.echo(FORECAST_FORMATS[fmt](report, computed.warnings), nl=False)
    return EXIT_OK
