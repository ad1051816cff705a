"""The one pipeline: history → timelines → KPIs as of a moment, for report, build, serve and diff.

The as-of rules, in one place:
- ``--as-of DATE`` (the whole day: up to its last second in the configured time zone), a time
  with an offset, or ``now``;
- otherwise, with uncommitted changes counted (``--worktree``, serve, diff against the working
  tree), now, since those changes are dated now;
- otherwise the head commit's time (or the latest landing, if clocks went backwards), so the same
  commit always gives the same result.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from kpictl.config import Config
from kpictl.dates import DateError, parse_declared, zone
from kpictl.errors import KpictlError
from kpictl.git.reader import read_history
from kpictl.git.repository import origin_url
from kpictl.history.model import History
from kpictl.kpis import Report, compute
from kpictl.kpis.backtest import Backtest, month_ends, score
from kpictl.kpis.timeline import Timeline, build_timelines


@dataclass(frozen=True)
class Computed:
    """Everything a command shows: the history read, each project's timeline, the KPI report,
    the as-of moment, the head (the last commit that changed a project file by then) and the
    warnings of the run."""

    history: History
    timelines: list[Timeline]
    report: Report
    as_of: int
    head: str
    remote_url: str | None  # the origin remote, for links from the site to commits

    @property
    def warnings(self) -> list[str]:
        """Revisions left out by history, then what the KPI computation left out."""
        return [*self.history.warnings, *self.report.warnings]


def parse_as_of(text: str, config: Config) -> int:
    """``now``, a time with an offset, or a date, which includes that whole day: its last
    second in the configured time zone."""
    if text == "now":
        return int(time.time())
    try:
        moment, has_time = parse_declared(text, zone(config.timezone))
    except DateError as exc:
        raise KpictlError(f"--as-of: {exc}, or `now`") from None
    if has_time:
        return int(moment.timestamp())
    day = moment.astimezone(zone(config.timezone)).date() + timedelta(days=1)
    next_midnight = datetime.combine(day, datetime.min.time(), zone(config.timezone))
    return int(next_midnight.timestamp()) - 1


def as_of_moment(text: str | None, config: Config, history: History, *, worktree: bool) -> int:
    """The moment to compute at, by the rules above."""
    if text is not None:
        return parse_as_of(text, config)
    return int(time.time()) if worktree else history.head_landed_at


def compute_as_of(
    config: Config,
    *,
    as_of: str | int | None = None,
    ref: str | None = None,
    worktree: bool = False,
) -> Computed:
    """Read history and compute the KPIs at ``as_of`` (text as the CLI takes it, or a moment);
    ``ref`` is the branch, tag or commit to read, ``worktree`` adds uncommitted changes."""
    history = read_history(config, ref=ref, worktree=worktree)
    if isinstance(as_of, int):
        moment = as_of
    else:
        moment = as_of_moment(as_of, config, history, worktree=worktree)
    timelines = build_timelines(history, config, as_of=moment)
    head = history.head_at(moment)
    report = compute(timelines, config, moment, head)
    return Computed(history, timelines, report, moment, head, origin_url(config))


def backtest_as_of(
    config: Config, *, as_of: str | int | None = None, ref: str | None = None
) -> tuple[Backtest, str]:
    """Replay the history read once: the forecasts made at each past month-end from the
    timelines known then, scored against the timelines at ``as_of``; and the head."""
    history = read_history(config, ref=ref)
    moment = (
        as_of if isinstance(as_of, int) else as_of_moment(as_of, config, history, worktree=False)
    )
    final = build_timelines(history, config, as_of=moment)
    first = min((t.created_at for t in final), default=moment)
    snapshots = (
        (end, build_timelines(history, config, as_of=end)) for end in month_ends(first, moment)
    )
    return score(snapshots, final, config, moment), history.head_at(moment)
