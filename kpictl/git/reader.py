"""History from a repository: the log and blobs read from git (through the cache), each blob
parsed in isolation, replayed by project identity, plus uncommitted changes with --worktree."""

from __future__ import annotations

import hashlib
import os
import time
import traceback
from collections import ChainMap
from pathlib import Path
from typing import Any

from kpictl.config import Config
from kpictl.dates import usable
from kpictl.errors import KpictlError, write_crash_log
from kpictl.git.cache import HistoryCache
from kpictl.git.landing import date_late_commits, refuse_future_head
from kpictl.git.log import cat_blobs, extends, read_log, seconds
from kpictl.git.repository import Git, Repository, open_repository
from kpictl.history.catalog import outside_catalog
from kpictl.history.model import ZERO_SHA, History, LogEntry, ProjectHistory, Revision
from kpictl.history.replay import replay
from kpictl.history.revision import Known, Parsed, RevisionParser, refused_at_landing
from kpictl.printable import printable
from kpictl.progress import Progress
from kpictl.project.validate import is_project_path
from kpictl.yamlfile import MAX_BYTES, LoadError
from kpictl.yamlfile import read_regular_file as read_project_file


def read_history(
    config: Config,
    repo: Repository | None = None,
    *,
    ref: str | None = None,
    worktree: bool = False,
    use_cache: bool = True,
    now: float | None = None,
    landed_line: frozenset[str] | None = None,
    pending_at: int | None = None,
) -> History:
    """The history of ``ref``. With ``landed_line`` (the commits already on the main line), a
    commit of ``ref`` outside it has not landed yet and counts as landing at ``pending_at``, as
    it will when merged."""
    if repo is None:
        repo = open_repository(config, ref)
    if worktree and ref is not None and repo.head != Git(config.root).text("rev-parse", "HEAD"):
        raise KpictlError("--worktree adds uncommitted changes, so it needs the checked-out branch")
    head_time = seconds(repo.git.text("log", "-1", "--format=%ct", repo.head))
    refuse_future_head(repo, head_time)
    parser = RevisionParser()
    folder = Path(os.environ.get("KPICTL_CACHE_DIR") or repo.git_dir / "kpictl")
    key = (repo.prefix, config.projects_dir, parser.schema_key, _grafts_key(repo))
    cache = HistoryCache(folder, key, enabled=use_cache)
    try:
        history, log, new, late = _replay_with(
            cache, repo, config, parser, head_time, landed_line, pending_at
        )
    except (KpictlError, MemoryError):
        raise
    except Exception:
        if not cache.loaded:
            raise
        # The cache passed its checksum but not its use: written by a bug or another program.
        # It only saves time, so read cold, and write it again.
        cache = HistoryCache(folder, key, enabled=use_cache, load=False)
        history, log, new, late = _replay_with(
            cache, repo, config, parser, head_time, landed_line, pending_at
        )
    if not history.projects and not config.projects_path.is_dir():
        raise KpictlError(
            f"there is no {config.projects_dir}/ folder in {config.root} and no project file in "
            f"the history of {repo.ref}; run kpictl in the KPI repository (or pass -C), or create "
            "a project with `kpictl new ID`"
        )
    history.commits_read = len(new)
    # Each project's JSON is kept by its commits: not when one of them was dated by another.
    history.memo_path = None if late else cache.fragments_path
    # The default as-of time: the head commit's, or later if clocks went backwards on the way,
    # so that no landed revision falls after it.
    if not usable(head_time) and not any(sha == repo.head for (sha, *_), _ in log):
        history.warnings.append(  # (replay warned already when it changed a project file)
            f"the head commit {repo.head[:10]} has a committer time outside 1970 to 9999 (UTC), "
            "or one git cannot read; results are as of the last commit with a usable time"
        )
    times = [r.landed_at for p in history.projects.values() for r in p.revisions]
    times += [head_time] if usable(head_time) else []
    history.head_landed_at = max(times, default=0)
    if worktree:
        _add_worktree(history, repo, config, parser, now if now is not None else time.time())
    history.warnings.extend(outside_catalog(history, config.milestone_ids, config.environments))
    return history


def _replay_with(
    cache: HistoryCache,
    repo: Repository,
    config: Config,
    parser: RevisionParser,
    head_time: int,
    landed_line: frozenset[str] | None,
    pending_at: int | None,
) -> tuple[History, list[LogEntry], list[LogEntry], bool]:
    """The log (from the cache, extended by git), its blobs parsed, replayed: the history, the
    log it was replayed from, the commits read from git in this run, and whether a commit
    dated after the head was counted at a later commit's time."""
    if cache.head and extends(repo, cache.head):
        new = read_log(repo, config, cache.head) if cache.head != repo.head else []
        log = cache.log + new
    else:
        new = log = read_log(repo, config, None)
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
    for count, (sha, body) in enumerate(cat_blobs(repo.git, list(wanted), MAX_BYTES), 1):
        path = wanted[sha]
        if isinstance(body, int):  # over the limit: its size, never its content
            parsed, known[path], failed = parser.too_large(body), None, False
        else:
            parsed, known[path], failed = _parse_isolated(parser, body, known.get(path))
        (crashed if failed else cache.blobs)[sha] = parsed
        progress.update(count)
    progress.close()
    if new or cache.head != repo.head or len(cache.blobs) > cached:
        cache.save(repo.head, log)
    log, late = date_late_commits(repo, log, head_time)  # after saving: the cache keeps git's
    pending = 0
    if landed_line is not None and pending_at is not None:
        log, pending = _as_if_landed(log, landed_line, pending_at)
    blobs = ChainMap(cache.blobs, crashed) if crashed else cache.blobs
    history = replay(log, blobs, repo.ref, repo.head, refused_at_landing)
    history.pending_commits = pending
    history.warnings[:0] = late
    return history, log, new, bool(late)


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


def _grafts_key(repo: Repository) -> str:
    """What the deprecated grafts file (which rewrites parents) holds, for the cache key."""
    try:
        return hashlib.sha256((repo.git_dir / "info" / "grafts").read_bytes()).hexdigest()
    except OSError:
        return "no grafts"


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
    history: History, repo: Repository, config: Config, parser: RevisionParser, now: float
) -> None:
    """Uncommitted changes as provisional revisions, dated now."""
    spec = f":(top,literal){repo.prefix}{config.projects_dir}"
    status = repo.git.run(
        "status", "--porcelain", "-z", "--untracked-files=all", "--no-renames", "--", spec
    ).stdout.decode("utf-8", "surrogateescape")
    landed = int(now)
    by_path = {p.current.path: p for p in history.projects.values()}
    # Each path as git gives it (to read the file) and as history shows it (escaped).
    paths: list[tuple[str, str]] = []
    for entry in status.split("\0"):
        if len(entry) > 3 and is_project_path(entry[3:]):
            name = entry[3:][len(repo.prefix) :]
            paths.append((name, printable(name)))
    changed: list[tuple[str, dict[str, Any]]] = []
    for name, path in paths:
        file = config.root / name
        if os.path.lexists(file):
            try:
                raw = read_project_file(file)
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
    declared = {data["id"] for _, data in changed}
    for name, path in paths:  # deletions first: a file renamed in the working tree is no archive
        deleted = by_path.get(path)
        gone = not os.path.lexists(config.root / name)
        if gone and deleted and not deleted.archived and deleted.id not in declared:
            deleted.revisions.append(Revision(None, landed, path, None, provisional=True))
    for path, data in changed:
        project = history.projects.setdefault(data["id"], ProjectHistory(data["id"]))
        project.revisions.append(Revision(None, landed, path, data, provisional=True))
