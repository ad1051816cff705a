"""A branch's history: the log and blobs read from git (through the cache), each revision
parsed in isolation, replayed by project identity, plus uncommitted changes with --worktree.

Git is read through a ``BranchSource`` (``kpictl.git.log.BranchLog``), which gives plain data.
"""

from __future__ import annotations

import os
import traceback
from collections import ChainMap
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Protocol

from kpictl.config import Config
from kpictl.dates import usable
from kpictl.errors import KpictlError, write_crash_log
from kpictl.history.cache import RevisionCache, no_cycle_collection
from kpictl.history.late_commits import date_late_commits
from kpictl.history.model import ZERO_SHA, BranchHistory, LogEntry, ProjectHistory, Revision
from kpictl.history.outside_catalog import outside_catalog
from kpictl.history.replay import IdentityLedger, replay
from kpictl.history.revision import Known, Parsed, RevisionParser, refused_at_landing
from kpictl.printable import printable
from kpictl.progress import Progress
from kpictl.project.validate import is_project_path
from kpictl.yamlfile import MAX_BYTES, LoadError, read_regular_file


class BranchSource(Protocol):
    """What reading a branch asks of git (``kpictl.git.log.BranchLog`` answers)."""

    @property
    def ref(self) -> str: ...
    @property
    def head(self) -> str: ...
    @property
    def prefix(self) -> str: ...
    @property
    def git_dir(self) -> Path: ...
    @property
    def head_time(self) -> int: ...
    def grafts(self) -> str: ...
    def extends(self, cached_head: str) -> bool: ...
    def log(
        self, folder: str, keep: Callable[[str], bool], since: str | None
    ) -> list[LogEntry]: ...
    def blobs(self, shas: list[str], limit: int) -> Iterator[tuple[str, bytes | int]]: ...
    def first_parent_times(self, first: str) -> list[tuple[int, str]]: ...
    def uncommitted(self, folder: str, keep: Callable[[str], bool]) -> list[str]: ...


def read_branch(
    config: Config,
    branch: BranchSource,
    *,
    worktree: bool = False,
    use_cache: bool = True,
    now: int,
    landed_line: frozenset[str] | None = None,
    pending_at: int | None = None,
) -> BranchHistory:
    """The history of ``branch``, with uncommitted changes dated ``now`` under ``worktree``.
    With ``landed_line`` (the commits already on the main line), a commit of the branch outside
    it has not landed yet and counts as landing at ``pending_at``, as it will when merged."""
    head_time = branch.head_time
    parser = RevisionParser()
    folder = Path(os.environ.get("KPICTL_CACHE_DIR") or branch.git_dir / "kpictl")
    key = (branch.prefix, config.projects_dir, parser.schema_key, branch.grafts())
    cache = RevisionCache(folder, key, enabled=use_cache)
    try:
        history, log, new, late = _replay_with(
            cache, branch, config, parser, head_time, landed_line, pending_at
        )
    except (KpictlError, MemoryError):
        raise
    except Exception as exc:
        if not cache.loaded:
            raise
        # The cache passed its checksum but not its use: written by a bug or another program.
        # It only saves time, so read cold and write it again, but say so: a bug must not hide.
        crash_log = write_crash_log(traceback.format_exc())
        cache = RevisionCache(folder, key, enabled=use_cache, load=False)
        history, log, new, late = _replay_with(
            cache, branch, config, parser, head_time, landed_line, pending_at
        )
        where = f"; details in {crash_log}" if crash_log else ""
        history.warnings.insert(
            0,
            f"the history cache {cache.path} could not be used ({type(exc).__name__}: "
            f"{str(exc)[:200]}), so history was read again from git and the cache written "
            f"again{where}; if this comes back, it is a bug in kpictl: please report it",
        )
    if not history.projects and not config.projects_path.is_dir():
        raise KpictlError(
            f"there is no {config.projects_dir}/ folder in {config.root} and no project file in "
            f"the history of {branch.ref}; run kpictl in the KPI repository (or pass -C), or "
            "create a project with `kpictl new ID`"
        )
    history.commits_read = len(new)
    # Each project's JSON is kept by its commits: not when one of them was dated by another.
    history.memo_path = None if late else cache.fragments_path
    # The default as-of time: the head commit's, or later if clocks went backwards on the way,
    # so that no landed revision falls after it.
    if not usable(head_time) and not any(sha == branch.head for (sha, *_), _ in log):
        history.warnings.append(  # (replay warned already when it changed a project file)
            f"the head commit {branch.head[:10]} has a committer time outside 1970 to 9999 "
            "(UTC), or one git cannot read; results are as of the last commit with a usable time"
        )
    times = [r.landed_at for p in history.projects.values() for r in p.revisions]
    times += [head_time] if usable(head_time) else []
    history.head_landed_at = max(times, default=0)
    if worktree:
        _add_worktree(history, branch, config, parser, now)
    history.warnings.extend(outside_catalog(history, config.milestone_ids, config.environments))
    return history


def _replay_with(
    cache: RevisionCache,
    branch: BranchSource,
    config: Config,
    parser: RevisionParser,
    head_time: int,
    landed_line: frozenset[str] | None,
    pending_at: int | None,
) -> tuple[BranchHistory, list[LogEntry], list[LogEntry], bool]:
    """The log (from the cache, extended by git), its blobs parsed, replayed: the history, the
    log it was replayed from, the commits read from git in this run, and whether a commit
    dated after the head was counted at a later commit's time."""
    folder = config.projects_dir
    extends = bool(cache.head) and branch.extends(cache.head or "")
    if extends:
        new = branch.log(folder, is_project_path, cache.head) if cache.head != branch.head else []
        log = cache.log + new
    else:
        new = log = branch.log(folder, is_project_path, None)
    # Blobs in landing order, so each revision of a file can be patched from the one before;
    # with the cache, the new commits' and any that kpictl failed on before.
    wanted: dict[str, str] = {}
    for _, changes in log:
        for path, blob in changes:
            if blob != ZERO_SHA and blob not in cache.blobs and blob not in wanted:
                wanted[blob] = path
    known: dict[str, Known | None] = {}
    cached = len(cache.blobs)
    crashed: dict[str, Parsed] = {}  # not cached: a kpictl that no longer fails reads them again
    progress = Progress("reading project revisions from git", len(wanted))
    for count, (sha, body) in enumerate(branch.blobs(list(wanted), MAX_BYTES), 1):
        path = wanted[sha]
        if isinstance(body, int):  # over the limit: its size, never its content
            parsed, known[path], failed = parser.too_large(body), None, False
        else:
            parsed, known[path], failed = _parse_isolated(parser, body, known.get(path))
        (crashed if failed else cache.blobs)[sha] = parsed
        progress.update(count)
    progress.close()
    dated, late = date_late_commits(log, branch.head, head_time, branch.first_parent_times)
    pending = 0
    if landed_line is not None and pending_at is not None:
        dated, pending = _as_if_landed(dated, landed_line, pending_at)
    blobs = ChainMap(cache.blobs, crashed) if crashed else cache.blobs
    # The log replayed as git gave it (every blob read, none failed, no commit re-dated) is kept
    # as a ledger, and a later run whose log extends it replays only its new commits from there.
    unread = any(sha not in blobs for sha in wanted)  # a broken clone: read again next time
    as_git_gave = not late and landed_line is None and not crashed and not unread
    with no_cycle_collection():  # objects by the hundred thousand, and no cycle among them
        resumed = None
        if as_git_gave and extends and cache.ledger is not None:
            resumed = IdentityLedger.restore(cache.ledger)
        replayed = new if resumed is not None else dated
        history, ledger = replay(
            replayed, blobs, branch.ref, branch.head, refused_at_landing, resumed
        )
        stale = cache.head != branch.head or len(cache.blobs) > cached
        if stale or (as_git_gave and cache.ledger is None):
            # The cache keeps git's times: the log before re-dating.
            cache.save(branch.head, log, ledger.snapshot() if as_git_gave else None)
    history.pending_commits = pending
    history.warnings[:0] = late
    return history, dated, new, bool(late)


def _as_if_landed(
    log: list[LogEntry], landed_line: frozenset[str], at: int
) -> tuple[list[LogEntry], int]:
    """The log with every commit outside ``landed_line`` dated ``at``; and how many there were."""
    dated: list[LogEntry] = []
    pending = 0
    for (sha, landed, authored, author, subject), changes in log:
        if sha not in landed_line:
            landed, pending = at, pending + 1
        dated.append(((sha, landed, authored, author, subject), changes))
    return dated, pending


def _parse_isolated(
    parser: RevisionParser, body: bytes, previous: Known | None
) -> tuple[Parsed, Known | None, bool]:
    """Parse one revision; a failure of kpictl's own is that revision's reason to be skipped,
    with the crash log named, never the end of the run. The flag tells it failed so."""
    try:
        return (*parser.parse_next(body, previous), False)
    except Exception as exc:
        log = write_crash_log(traceback.format_exc())
        where = f"; details in {log}" if log else ""
        reason = f"kpictl could not read it ({type(exc).__name__}: {str(exc)[:200]}){where}"
        return [f"{reason}. This is a bug in kpictl; please report it with that file"], None, True


def _add_worktree(
    history: BranchHistory, branch: BranchSource, config: Config, parser: RevisionParser, now: int
) -> None:
    """Uncommitted changes as provisional revisions, dated ``now``."""
    landed = now
    by_path = {p.current.path: p for p in history.projects.values()}
    # Each path as git gives it (to read the file) and as history shows it (escaped).
    uncommitted = branch.uncommitted(config.projects_dir, is_project_path)
    paths = [(name, printable(name)) for name in uncommitted]
    changed: list[tuple[str, dict[str, Any]]] = []
    for name, path in paths:
        file = config.root / name
        if os.path.lexists(file):
            try:
                raw = read_regular_file(file)
            except LoadError as exc:
                history.warnings.append(f"uncommitted {path} cannot be read ({exc}); ignored")
                continue
            parsed = _parse_isolated(parser, raw, None)[0]
            if isinstance(parsed, list):
                reason: str | None = parsed[0]
            else:
                reason = refused_at_landing(parsed, landed)
                if reason is None:
                    changed.append((path, parsed[0]))
                    continue
            history.warnings.append(f"uncommitted {path} did not validate ({reason}); ignored")
    changed = _unique_ids(history, config, changed)
    declared = {data["id"] for _, data in changed}
    for name, path in paths:  # deletions first: a file renamed in the working tree is no archive
        deleted = by_path.get(path)
        gone = not os.path.lexists(config.root / name)
        if gone and deleted and not deleted.archived and deleted.id not in declared:
            deleted.revisions.append(Revision(None, landed, path, None, provisional=True))
    for path, data in changed:
        project = history.projects.setdefault(data["id"], ProjectHistory(data["id"]))
        project.revisions.append(Revision(None, landed, path, data, provisional=True))


def _unique_ids(
    history: BranchHistory, config: Config, changed: list[tuple[str, dict[str, Any]]]
) -> list[tuple[str, dict[str, Any]]]:
    """The uncommitted revisions whose id no other project file of the working tree holds: a
    copy of a file under another name is skipped with a warning, as a commit of it would be,
    never taken for the project moving there."""
    touched = {path for path, _ in changed}
    holders = {
        p.id: p.current.path
        for p in history.projects.values()
        if p.revisions
        and not p.archived
        and p.current.path not in touched
        and os.path.lexists(config.root / p.current.path)
    }
    kept = []
    for path, data in changed:
        other = holders.setdefault(data["id"], path)
        if other != path:
            history.warnings.append(
                f"uncommitted {path} uses the id {data['id']!r} of {other}; it is ignored "
                "(`kpictl validate` reports duplicate ids)"
            )
            continue
        kept.append((path, data))
    return kept
