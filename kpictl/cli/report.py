"""`kpictl report`"""

from __future__ import annotations

from typing import get_args

import click

from kpictl.cli.context import Context, pass_context, say
from kpictl.errors import EXIT_INVALID, EXIT_OK
from kpictl.kpis.judge import FAIL_ON, FailOn, failures
from kpictl.output.report import (
    REPORT_FORMATS,
    GroupBy,
    ReportFormat,
    ReportView,
    shown_projects,
)
from kpictl.pipeline import compute_as_of

FAILED_WORDS: dict[FailOn, str] = {
    "missed": "missed",
    "overdue": "overdue (running past the target)",
}


@click.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(list(REPORT_FORMATS)),
    default="table",
    show_default=True,
)
@click.option(
    "--as-of",
    "as_of",
    metavar="DATE",
    help="Compute from history up to this date, the whole day included (2025-06-30: up to "
    "23:59:59 in the configured time zone), a time with an offset, or `now`. Default: the "
    "time of the head commit, so a commit always gives the same report.",
)
@click.option(
    "--project",
    "project_ids",
    multiple=True,
    metavar="ID",
    help="Show only this project (repeatable); the portfolio still covers all.",
)
@click.option(
    "--group-by",
    type=click.Choice(get_args(GroupBy)),
    help="Add the portfolio statistics per team or per label.",
)
@click.option(
    "--fail-on",
    type=click.Choice(FAIL_ON),
    multiple=True,
    help="Exit 1 when a shown project misses a KPI target (missed), or has a duration still "
    "running past its target (overdue); repeatable (for CI).",
)
@click.option("--ref", help="The branch, tag or commit to read (default: the current branch).")
@click.option("--worktree", is_flag=True, help="Count uncommitted changes, dated now.")
@click.option(
    "--strict",
    is_flag=True,
    help="Exit 1 after the report when the run had any warning (a skipped revision, a value "
    "that could not be computed), so CI can refuse to publish over one.",
)
@pass_context
def report(
    obj: Context,
    fmt: ReportFormat,
    as_of: str | None,
    project_ids: tuple[str, ...],
    group_by: GroupBy | None,
    fail_on: tuple[FailOn, ...],
    ref: str | None,
    worktree: bool,
    strict: bool,
) -> int:
    """The 15 KPIs of the strategy and, beside them, value and return (what the portfolio
    gives back: value to date, net value, return on investment, payback), per project and
    across the portfolio, with statuses and provenance.

    \b
    Example:
      kpictl report
      kpictl report --format json --as-of 2025-06-30 > kpis.json
      kpictl report --project support-assistant --fail-on missed --fail-on overdue
    """
    obj.format = fmt
    computed = compute_as_of(obj.config(), as_of=as_of, ref=ref, worktree=worktree)
    result, warnings = computed.report, computed.warnings
    shown = shown_projects(result, project_ids)
    say(computed.notes, warnings)
    view = ReportView(shown, group_by, warnings, portfolio=not project_ids)
    click.echo(REPORT_FORMATS[fmt](result, view), nl=False)
    if strict and warnings:
        click.echo(
            f"kpictl: error: {len(warnings)} warning(s) and --strict; fix them or drop --strict",
            err=True,
        )
        return EXIT_INVALID
    failed = failures(shown, fail_on)
    for status, kpis in failed:
        click.echo(
            f"kpictl: {len(kpis)} KPI target(s) {FAILED_WORDS[status]}: {'; '.join(kpis)}",
            err=True,
        )
    return EXIT_INVALID if failed else EXIT_OK
