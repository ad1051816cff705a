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
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from kpictl.config import CONFIG_FILE, Config, load_config
from kpictl.config.explain import ConfigError
from kpictl.dates import DAY, DateError, end_of_day, iso, parse_declared, usable, zone
from kpictl.errors import KpictlError
from kpictl.git.log import BranchLog
from kpictl.git.repository import (
    Repository,
    file_at,
    is_local_branch,
    main_branch,
    open_repository,
    origin_url,
)
from kpictl.history.branch import read_branch
from kpictl.history.late_commits import shown_time
from kpictl.history.model import BranchHistory
from kpictl.kpis.timeline import Timeline, build_timelines
from kpictl.yamlfile import MAX_BYTES

if TYPE_CHECKING:
    from kpictl.kpis.backtest import Backtest
    from kpictl.kpis.results import Report


@dataclass(frozen=True)
class Computed:
    """Everything a command shows: the history read, each project's timeline, the KPI report,
    the as-of moment, the head (the last commit that changed a project file by then) and the
    warnings of the run."""

    history: BranchHistory
    timelines: list[Timeline]
    report: Report
    as_of: int
    head: str
    remote_url: str | None  # the origin remote, for links from the site to commits
    config: Config  # the configuration the history was read with (the ref's kpictl.yaml)
    notes: tuple[str, ...] = ()  # facts worth a line that are not warnings

    @property
    def warnings(self) -> list[str]:
        """Revisions left out by history, then what the KPI computation left out."""
        return [*self.history.warnings, *self.report.warnings]


def parse_as_of(text: str, config: Config) -> int:
    """``now``, a time with an offset, or a date, which includes that whole day: its last
    second in the configured time zone."""
    now = time.time()
    if text == "now":
        return int(now)
    try:
        moment, has_time = parse_declared(text, zone(config.timezone))
        found = int(moment.timestamp()) if has_time else end_of_day(text, zone(config.timezone))
    except DateError as exc:
        raise KpictlError(f"--as-of: {exc}, or `now`") from None
    if found > now + DAY:  # what has not landed yet cannot be counted: a report of the future
        raise KpictlError(
            f"--as-of {text} is {iso(found)}, more than a day after this machine's clock "
            f"({iso(int(now))}); KPIs are counted from what has landed, so give a past date, or "
            "`now`"
        )
    return found


def config_at(config: Config, repo: Repository, ref: str | None) -> tuple[Config, str | None]:
    """The configuration as committed at the head of ``repo`` (``ref``, the current branch by
    default), since the dates and KPIs of a revision follow the kpictl.yaml it had; and a note
    when the working tree's kpictl.yaml differs from it."""
    where = f"at {ref}" if ref else "in the last commit"
    found = file_at(repo, CONFIG_FILE, MAX_BYTES)
    if found is not None and found.is_file and found.content is None:  # never read whole
        raise KpictlError(
            f"{CONFIG_FILE}:1:1: error[too-large]: the {CONFIG_FILE} committed {where} is "
            f"{found.size:,} bytes, over the limit of {MAX_BYTES:,} bytes (1 MiB); a "
            f"{CONFIG_FILE} is a few kilobytes, so check what was committed in it"
        )
    committed = found.content if found is not None else None
    told = f" (the kpictl.yaml committed {where}; --worktree reads the working tree's)"
    try:
        at_ref = load_config(
            config.root,
            use_file=False,
            committed=committed,
            committed_mode=found.mode if found is not None else None,
        )
    except ConfigError as exc:  # its findings stay findings (annotations under --format github)
        raise ConfigError(
            [replace(d, message=d.message + told) for d in exc.diagnostics], ""
        ) from None
    except KpictlError as exc:
        raise KpictlError(f"{exc}{told}") from None
    note = None
    if ref is None and not repo.bare and _differs(config.root / CONFIG_FILE, committed):
        note = (
            f"{CONFIG_FILE} has changes that are not committed; this reads the one committed "
            "(pass --worktree to count the working tree's)"
        )
    return at_ref, note


def refuse_implausible_head(branch: BranchLog) -> None:
    """A head committed more than a day after this machine's clock would date every running
    KPI from the future (and make it the default as-of moment); one committed more than a day
    before the commit it follows, with a clock that was behind (a dead clock says 1970), would
    pull every change before it back to its time. Both are errors, with the fix; the clock
    only refuses, it never changes a result."""
    now = time.time()
    head = branch.head_time
    fix = (
        "land any commit after it (the first commit after it dates it), or, if it is not "
        "pushed yet, give it the current time with `git commit --amend --no-edit`"
    )
    if head > now + DAY:
        raise KpictlError(
            f"the head commit {branch.head[:10]} of {branch.ref} has a committer time of "
            f"{shown_time(head)}, more than a day after this machine's clock "
            f"({iso(int(now))}), and no change can land in the future; either this machine's "
            "clock is behind (set it right), or the commit was made with a clock that was "
            f"ahead: {fix}"
        )
    # The commits just before it that could have landed by now (one dated in the future is
    # the misdated one, and counts at the head's time instead). One dated after the head is
    # a skew to warn of; several mean the head's own clock was behind.
    before = [t for t in branch.recent_times[1:] if usable(t) and t <= now + DAY]
    later = [t for t in before if t > head + DAY]
    if usable(head) and len(later) > 1:
        raise KpictlError(
            f"the head commit {branch.head[:10]} of {branch.ref} has a committer time of "
            f"{iso(head)}, more than a day before {len(later)} of the commits before it (the "
            f"latest {iso(max(later))}): it was made with a clock that was behind, and every "
            f"change dated after it would count as landing at its time; {fix}"
        )


def _differs(working: Path, committed: bytes | None) -> bool:
    """Whether the working tree's file differs from ``committed`` (None: not committed); a
    file of another size differs without being read."""
    try:
        if not working.is_file():
            return committed is not None
        return committed is None or (
            working.stat().st_size != len(committed) or working.read_bytes() != committed
        )
    except OSError:
        return False


@dataclass(frozen=True)
class Landed:
    """History as read for one side: the configuration it was read with, the history, the
    as-of moment asked for (now when none was), at which uncommitted changes and pending
    commits are dated, and notes for the user."""

    config: Config
    history: BranchHistory
    as_of_or_now: int
    notes: list[str]


def read_landed(
    config: Config,
    *,
    ref: str | None = None,
    worktree: bool = False,
    use_cache: bool = True,
    landed_line: frozenset[str] | None = None,
    as_of: str | int | None = None,
    configure: Callable[[Config], Config] | None = None,
) -> Landed:
    """History of ``ref`` read with the kpictl.yaml it had (the working tree's with
    ``worktree``), and notes: a kpictl.yaml changed but not committed, a branch that is not
    the main branch. Commits outside ``landed_line`` and uncommitted changes land at the as-of
    moment, now unless ``as_of`` says otherwise."""
    notes: list[str] = []
    repo = open_repository(config.root, ref)  # refuses a bad ref or clone before anything is read
    if not worktree:
        config, note = config_at(config, repo, ref)
        notes += [note] if note else []
    if configure is not None:
        config = configure(config)
    if isinstance(as_of, str):
        now = parse_as_of(as_of, config)  # in the time zone of the revision's kpictl.yaml
    else:
        now = as_of if as_of is not None else int(time.time())
    branch = BranchLog(repo)
    if worktree and ref is not None and not branch.is_checked_out():
        raise KpictlError("--worktree adds uncommitted changes, so it needs the checked-out branch")
    refuse_implausible_head(branch)
    history = read_branch(
        config,
        branch,
        worktree=worktree,
        use_cache=use_cache,
        now=now,
        landed_line=landed_line,
        pending_at=now,
    )
    usual = history.ref in ("main", "master", "HEAD") or landed_line is not None
    main = None if usual else main_branch(config.root)  # a few git calls, only when it may say
    elsewhere = main is not None and history.ref not in (main, f"origin/{main}")
    if elsewhere and is_local_branch(config.root, history.ref):
        notes.append(
            f"reading the branch {history.ref}, not the main branch {main}: its commits have "
            "not landed, so the dates they give are not final"
        )
    return Landed(config, history, now, notes)


def compute_as_of(
    config: Config,
    *,
    as_of: str | int | None = None,
    ref: str | None = None,
    worktree: bool = False,
    landed_line: frozenset[str] | None = None,
    configure: Callable[[Config], Config] | None = None,
) -> Computed:
    """Read history and compute the KPIs at ``as_of`` (text as the CLI takes it, or a moment);
    ``ref`` is the branch, tag or commit to read, ``worktree`` adds uncommitted changes, and
    commits of ``ref`` outside ``landed_line`` count as landing at the as-of moment."""
    landed = read_landed(
        config,
        ref=ref,
        worktree=worktree,
        landed_line=landed_line,
        as_of=as_of,
        configure=configure,
    )
    config, history = landed.config, landed.history
    if as_of is not None or worktree or history.pending_commits:
        moment = landed.as_of_or_now  # changes dated now are computed at that same moment
    else:
        moment = history.head_landed_at
    from kpictl.kpis.computation import compute  # not needed to read history alone

    timelines = build_timelines(history, config, as_of=moment)
    head = history.head_at(moment)
    report = compute(timelines, config, moment, head)
    remote = origin_url(config.root)
    notes = tuple(landed.notes)
    return Computed(history, timelines, report, moment, head, remote, config, notes)


def backtest_as_of(
    config: Config,
    *,
    as_of: str | int | None = None,
    ref: str | None = None,
    configure: Callable[[Config], Config] | None = None,
) -> tuple[Backtest, str]:
    """Replay the history read once: the forecasts made at each past month-end from the
    timelines known then, scored against the timelines at ``as_of``; and the head."""
    from kpictl.kpis.backtest import month_ends, score

    landed = read_landed(config, ref=ref, as_of=as_of, configure=configure)
    config, history = landed.config, landed.history
    moment = landed.as_of_or_now if as_of is not None else history.head_landed_at
    final = build_timelines(history, config, as_of=moment)
    first = min((t.created_at for t in final), default=moment)
    snapshots = (
        (end, build_timelines(history, config, as_of=end)) for end in month_ends(first, moment)
    )
    return score(snapshots, final, config, moment), history.head_at(moment)
