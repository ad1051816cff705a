"""The only module that runs git: the first-parent history of the project files, read in one pass.

One ``git log --first-parent --raw -z`` lists every commit on the branch that touched a project
file, with the blob ids of the files it changed; one ``git cat-file --batch`` stream reads the
blobs not already parsed. Parsed blobs and the log are cached under the git directory, so a run
after one new commit reads one commit. Replaying the log gives each project (by its ``id``) the
list of revisions that landed, each with the commit that landed it.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kpictl import __version__
from kpictl.config import Config
from kpictl.errors import KpictlError
from kpictl.progress import Progress
from kpictl.revision import Known, RevisionParser
from kpictl.validate import PROJECT_SUFFIXES

ZERO_SHA = "0" * 40
_LOG_FORMAT = "%x1e%H%x00%ct%x00%at%x00%an%x00%s"
_CACHE_FORMAT = 1


@dataclass(frozen=True)
class Commit:
    sha: str
    landed_at: int  # committer time of the first-parent commit, seconds since the epoch (UTC)
    authored_at: int
    author: str
    subject: str


@dataclass(frozen=True)
class Revision:
    """One landed state of a project: its data, or None when its file was deleted (archived)."""

    commit: Commit | None  # None for an uncommitted change read with --worktree
    landed_at: int
    path: str
    data: dict[str, Any] | None
    provisional: bool = False


@dataclass
class ProjectHistory:
    id: str
    revisions: list[Revision] = field(default_factory=list)

    @property
    def current(self) -> Revision:
        return self.revisions[-1]

    @property
    def archived(self) -> bool:
        return self.revisions[-1].data is None


@dataclass
class History:
    ref: str
    head: str
    projects: dict[str, ProjectHistory]
    warnings: list[str]
    commits_read: int  # commits read from git in this run (the rest came from the cache)
    head_landed_at: int = 0  # the head commit's time, or the latest landing if clocks went back
    memo_path: Path | None = None  # where stages after this one may keep what they derived

    def head_at(self, as_of: int) -> str:
        """The last commit that changed a project file by ``as_of`` (the head if none)."""
        landed = [
            r
            for p in self.projects.values()
            for r in p.revisions
            if r.commit is not None and r.landed_at <= as_of
        ]
        if as_of >= self.head_landed_at or not landed:
            return self.head
        last = max(landed, key=lambda r: r.landed_at)
        return last.commit.sha if last.commit else self.head


# A change in one commit: (path relative to the KPI root, new blob id or ZERO_SHA if deleted).
Change = tuple[str, str]
LogEntry = tuple[tuple[str, int, int, str, str], list[Change]]


def _env() -> dict[str, str]:
    # Inside a hook, GIT_DIR and GIT_INDEX_FILE point at the hook's repository; never inherit them.
    drop = {"GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY", "GIT_PREFIX"}
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env["LC_ALL"] = "C"
    return env


class Git:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.env = _env()

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[bytes]:
        try:
            result = subprocess.run(
                ["git", "-c", "core.quotepath=off", *args],
                cwd=self.root,
                env=self.env,
                capture_output=True,
                check=False,
            )
        except FileNotFoundError:
            raise KpictlError("git is not installed or not on PATH; install git") from None
        if check and result.returncode != 0:
            message = result.stderr.decode("utf-8", "replace").strip().splitlines()
            raise KpictlError(f"git {args[0]} failed: {message[-1] if message else 'no output'}")
        return result

    def text(self, *args: str) -> str:
        return self.run(*args).stdout.decode("utf-8", "replace").strip()


@dataclass(frozen=True)
class Repository:
    git: Git
    git_dir: Path
    prefix: str  # the KPI root relative to the top of the work tree ("" or "kpis/")
    ref: str
    head: str


def open_repository(config: Config, ref: str | None) -> Repository:
    git = Git(config.root)
    probe = git.run(
        "rev-parse",
        "--is-inside-work-tree",
        "--show-prefix",
        "--absolute-git-dir",
        "--is-shallow-repository",
        check=False,
    )
    if probe.returncode != 0:
        raise KpictlError(
            f"{config.root} is not in a git repository; kpictl reads milestone dates from git "
            "history, so run it inside the KPI repository (clone it, or `git init` a new one)"
        )
    _, prefix, git_dir, shallow = probe.stdout.decode().split("\n")[:4]
    if shallow.strip() == "true":
        raise KpictlError(
            "this is a shallow clone, so git history is cut short and every date would be "
            "wrong; fetch the full history with `git fetch --unshallow`, or in GitHub Actions "
            "set `fetch-depth: 0` on actions/checkout"
        )
    name = ref
    if name is None:
        branch = git.run("symbolic-ref", "-q", "--short", "HEAD", check=False)
        name = branch.stdout.decode().strip() or "HEAD"
    resolved = git.run("rev-parse", "--verify", "-q", f"{name}^{{commit}}", check=False)
    if resolved.returncode != 0:
        if ref is None:
            raise KpictlError(
                f"the branch {name} has no commits yet; commit the project files first "
                "(`git add projects && git commit`)"
            )
        raise KpictlError(f"unknown ref {ref!r}; give a branch, tag or commit that exists")
    return Repository(
        git, Path(git_dir.strip()), prefix.strip(), name, resolved.stdout.decode().strip()
    )


def _parse_log(raw: bytes, prefix: str) -> list[LogEntry]:
    entries: list[LogEntry] = []
    fields = raw.decode("utf-8", "surrogateescape").split("\0")
    i, n = 0, len(fields)
    cut = len(prefix)
    while i < n:
        token = fields[i]
        if not token.startswith("\x1e"):
            i += 1
            continue
        sha, landed, authored, author, subject = (token[1:], *fields[i + 1 : i + 5])
        i += 5
        changes: list[Change] = []
        while i + 1 < n and fields[i].lstrip("\n").startswith(":"):
            meta = fields[i].lstrip("\n").split(" ")
            path = fields[i + 1]
            i += 2
            if path.endswith(PROJECT_SUFFIXES) and _visible(path):
                changes.append((path[cut:], meta[3]))
        entries.append(((sha, int(landed), int(authored), author, subject), changes))
    return entries


def _visible(path: str) -> bool:
    """Files in hidden folders (.drafts/) are not project files, for validate and history alike."""
    return not any(part.startswith(".") for part in path.split("/")[:-1])


def _cat_blobs(git: Git, shas: list[str]) -> Iterator[tuple[str, bytes]]:
    """Stream blob contents through one ``git cat-file --batch`` process."""
    if not shas:
        return
    process = subprocess.Popen(
        ["git", "cat-file", "--batch"],
        cwd=git.root,
        env=git.env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    assert process.stdin is not None and process.stdout is not None

    def feed() -> None:
        assert process.stdin is not None
        try:
            process.stdin.write("".join(f"{s}\n" for s in shas).encode())
        finally:
            process.stdin.close()

    writer = threading.Thread(target=feed, daemon=True)
    writer.start()
    out = process.stdout
    for _ in shas:
        header = out.readline().split()
        if len(header) < 3:  # "<sha> missing": a promisor or broken clone
            continue
        size = int(header[2])
        body = out.read(size)
        out.read(1)
        yield header[0].decode(), body
    writer.join()
    process.wait()


class _Cache:
    """Parsed blobs and the log up to a head, in one marshal file under the git directory."""

    def __init__(self, repo: Repository, config: Config, schema_key: str, enabled: bool) -> None:
        folder = Path(os.environ.get("KPICTL_CACHE_DIR") or repo.git_dir / "kpictl")
        key = hashlib.sha256(
            f"{_CACHE_FORMAT}|{__version__}|{repo.prefix}|{config.projects_dir}|{schema_key}".encode()
        ).hexdigest()[:16]
        self.path = folder / f"history-{key}.marshal"
        self.enabled = enabled
        self.blobs: dict[str, Any] = {}
        self.head: str | None = None
        self.log: list[LogEntry] = []
        if enabled:
            self._load()

    def _load(self) -> None:
        try:
            data = marshal.loads(self.path.read_bytes())
            self.blobs, self.head, self.log = data["blobs"], data["head"], data["log"]
        except (OSError, EOFError, ValueError, TypeError, KeyError):
            self.blobs, self.head, self.log = {}, None, []

    def save(self, head: str, log: list[LogEntry]) -> None:
        if not self.enabled:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            temp = self.path.with_suffix(f".{os.getpid()}.tmp")
            temp.write_bytes(marshal.dumps({"blobs": self.blobs, "head": head, "log": log}))
            os.replace(temp, self.path)
        except OSError:
            pass  # a cache that cannot be written only costs time


def _extends(repo: Repository, cached_head: str) -> bool:
    """Whether ``cached_head`` is on the first-parent chain of the head (so the log extends)."""
    if cached_head == repo.head:
        return True
    result = repo.git.run(
        "rev-list", "--first-parent", "--parents", f"{cached_head}..{repo.head}", check=False
    )
    lines = result.stdout.decode().split("\n")
    lines = [line for line in lines if line]
    return result.returncode == 0 and bool(lines) and lines[-1].split(" ")[1:2] == [cached_head]


def _read_log(repo: Repository, config: Config, since: str | None) -> list[LogEntry]:
    spec = f":(top,literal){repo.prefix}{config.projects_dir}"
    target = f"{since}..{repo.head}" if since else repo.head
    raw = repo.git.run(
        "log",
        "--first-parent",
        "--reverse",
        "--raw",
        "-z",
        "--no-renames",
        "--no-abbrev",
        "--diff-merges=first-parent",
        f"--format={_LOG_FORMAT}",
        target,
        "--",
        spec,
    ).stdout
    return _parse_log(raw, repo.prefix)


def read_history(
    config: Config,
    *,
    ref: str | None = None,
    worktree: bool = False,
    use_cache: bool = True,
    now: float | None = None,
) -> History:
    repo = open_repository(config, ref)
    if worktree and ref is not None and repo.head != Git(config.root).text("rev-parse", "HEAD"):
        raise KpictlError("--worktree adds uncommitted changes, so it needs the checked-out branch")
    parser = RevisionParser(config)
    cache = _Cache(repo, config, parser.schema_key, use_cache)
    if cache.head and _extends(repo, cache.head):
        new = _read_log(repo, config, cache.head) if cache.head != repo.head else []
        log = cache.log + new
    else:
        new = log = _read_log(repo, config, None)
    # Blobs in landing order, so each revision of a file can be patched from the one before.
    wanted: dict[str, str] = {}
    for _, changes in new:
        for path, blob in changes:
            if blob != ZERO_SHA and blob not in cache.blobs and blob not in wanted:
                wanted[blob] = path
    known: dict[str, Known | None] = {}
    progress = Progress("reading project revisions from git", len(wanted))
    for count, (sha, body) in enumerate(_cat_blobs(repo.git, list(wanted)), 1):
        path = wanted[sha]
        cache.blobs[sha], known[path] = parser.parse_next(body, known.get(path))
        progress.update(count)
    progress.close()
    if new or cache.head != repo.head:
        cache.save(repo.head, log)
    history = _replay(log, cache.blobs, repo)
    if not history.projects and not config.projects_path.is_dir():
        raise KpictlError(
            f"there is no {config.projects_dir}/ folder in {config.root} and no project file in "
            f"the history of {repo.ref}; run kpictl in the KPI repository (or pass -C), or create "
            "a project with `kpictl new ID`"
        )
    history.commits_read = len(new)
    if use_cache:
        history.memo_path = cache.path.with_name(cache.path.stem + "-json.marshal")
    # The default as-of time: the head commit's, or later if clocks went backwards on the way,
    # so that no landed revision falls after it.
    history.head_landed_at = max(
        [int(repo.git.text("log", "-1", "--format=%ct", repo.head))]
        + [r.landed_at for p in history.projects.values() for r in p.revisions]
    )
    if worktree:
        _add_worktree(history, repo, config, parser, now if now is not None else time.time())
    return history


def _replay(log: list[LogEntry], blobs: dict[str, Any], repo: Repository) -> History:
    projects: dict[str, ProjectHistory] = {}
    warnings: list[str] = []
    holder: dict[str, str] = {}  # path → the id its last valid revision declared
    latest: dict[str, dict[str, Any]] = {}  # path → its last valid data
    owner: dict[str, str] = {}  # id → the path that carries its history
    previous: Commit | None = None
    for (sha, landed, authored, author, subject), changes in log:
        commit = Commit(sha, landed, authored, author, subject)
        if previous and landed < previous.landed_at:
            warnings.append(
                f"commit {sha[:10]} landed at {_iso(landed)}, before the commit before it on the "
                f"branch ({previous.sha[:10]}, {_iso(previous.landed_at)}): clock skew or "
                "rewritten history; durations that span it may be wrong"
            )
        previous = commit
        lost: dict[str, str] = {}
        # Deletions first, so a rename (a delete and an add in one commit) keeps the project.
        for path, blob in changes:
            if blob == ZERO_SHA and path in holder:
                lost[holder.pop(path)] = path
        for path, blob in changes:
            if blob == ZERO_SHA:
                continue
            parsed = blobs.get(blob)
            if parsed is None or isinstance(parsed, list):
                reason = parsed[0] if parsed else "its content could not be read from git"
                warnings.append(
                    f"commit {sha[:10]} ({_iso(landed)}): {path} did not validate ({reason}); "
                    "this revision is skipped"
                )
                continue
            project_id = parsed["id"]
            old = holder.get(path)
            if old is not None and old != project_id:
                lost[old] = path
            holder[path] = project_id
            latest[path] = parsed
            current = owner.get(project_id)
            if current not in (None, path) and holder.get(current) == project_id:
                warnings.append(
                    f"commit {sha[:10]}: {path} uses the id {project_id!r} of {current}; this "
                    "revision is skipped (`kpictl validate` reports duplicate ids)"
                )
                continue
            owner[project_id] = path
            project = projects.setdefault(project_id, ProjectHistory(project_id))
            project.revisions.append(Revision(commit, landed, path, parsed))
        for project_id, path in lost.items():
            if owner.get(project_id) not in (None, path) and owner[project_id] in holder:
                continue  # its own file is still there (a second file let go of the id)
            heirs = sorted(p for p, held in holder.items() if held == project_id)
            if heirs:  # another file declares the id: it carries the history from here
                owner[project_id] = heirs[0]
                heir = projects.setdefault(project_id, ProjectHistory(project_id))
                if not heir.revisions or heir.current.data is not latest[heirs[0]]:
                    heir.revisions.append(Revision(commit, landed, heirs[0], latest[heirs[0]]))
                continue
            gone = projects.get(project_id)
            if gone and gone.revisions and gone.current.data is not None:
                gone.revisions.append(Revision(commit, landed, path, None))
            owner.pop(project_id, None)
    return History(repo.ref, repo.head, projects, warnings, 0)


def _add_worktree(
    history: History, repo: Repository, config: Config, parser: RevisionParser, now: float
) -> None:
    """Uncommitted changes as provisional revisions, dated now."""
    spec = f":(top,literal){repo.prefix}{config.projects_dir}"
    raw = repo.git.run(
        "status", "--porcelain", "-z", "--untracked-files=all", "--no-renames", "--", spec
    ).stdout.decode("utf-8", "surrogateescape")
    landed = int(now)
    by_path = {p.current.path: p for p in history.projects.values()}
    paths = [
        entry[3:][len(repo.prefix) :]
        for entry in raw.split("\0")
        if len(entry) > 3 and entry[3:].endswith(PROJECT_SUFFIXES) and _visible(entry[3:])
    ]
    changed: list[tuple[str, dict[str, Any]]] = []
    for path in paths:
        file = config.root / path
        if file.exists():
            parsed = parser.parse(file.read_bytes())
            if isinstance(parsed, list):
                history.warnings.append(
                    f"uncommitted {path} did not validate ({parsed[0]}); ignored"
                )
            else:
                changed.append((path, parsed))
    declared = {parsed["id"] for _, parsed in changed}
    for path in paths:  # deletions first: a file renamed in the working tree is no archive
        deleted = by_path.get(path)
        gone = not (config.root / path).exists()
        if gone and deleted and not deleted.archived and deleted.id not in declared:
            deleted.revisions.append(Revision(None, landed, path, None, provisional=True))
    for path, parsed in changed:
        project = history.projects.setdefault(parsed["id"], ProjectHistory(parsed["id"]))
        project.revisions.append(Revision(None, landed, path, parsed, provisional=True))


def _iso(epoch: int) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch))


__all__ = ["Commit", "History", "ProjectHistory", "Revision", "read_history"]


def work_tree_prefix(folder: Path) -> str | None:
    """Where ``folder`` sits inside its git work tree ("" at the top), or None outside one."""
    result = Git(folder).run("rev-parse", "--show-prefix", check=False)
    return result.stdout.decode().strip() if result.returncode == 0 else None


def origin_url(config: Config) -> str | None:
    """The URL of the ``origin`` remote, if the KPI root is in a git repository that has one."""
    result = Git(config.root).run("config", "--get", "remote.origin.url", check=False)
    url = result.stdout.decode("utf-8", "replace").strip()
    return url or None
