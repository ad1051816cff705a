"""The first-parent log of a folder, its blobs, and what is uncommitted in it, each read with
one git process.

One ``git log --first-parent --raw -z`` lists every commit on the branch that touched the
folder, with the blob ids of the files it changed; one ``git cat-file --batch`` stream reads the
blobs asked for. What is read is plain data: ids, times, paths and bytes.
"""

from __future__ import annotations

import functools
import hashlib
import subprocess
import threading
from collections.abc import Callable, Iterator

from kpictl.git.repository import Git, Repository
from kpictl.printable import printable

_LOG_FORMAT = "%x1e%H%x00%ct%x00%at%x00%an%x00%s"

# One first-parent commit: (sha, committer time, author time, author, subject).
CommitFields = tuple[str, int, int, str, str]
# A file it changed: (path relative to the KPI root, new blob id, or zeros when deleted).
FileChange = tuple[str, str]
LoggedCommit = tuple[CommitFields, list[FileChange]]


def parse_log(raw: bytes, prefix: str, keep: Callable[[str], bool]) -> list[LoggedCommit]:
    """The log's commits and their changes to the files ``keep`` accepts. Paths, author names
    and subjects are shown as they will be everywhere (``printable``): a byte that is not UTF-8
    or a control character in a file name or a commit message becomes an escape such as \\xff."""
    entries: list[LoggedCommit] = []
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
        changes: list[FileChange] = []
        while i + 1 < n and fields[i].lstrip("\n").startswith(":"):
            meta = fields[i].lstrip("\n").split(" ")
            path = fields[i + 1]
            i += 2
            if keep(path):
                changes.append((printable(path[cut:]), meta[3]))
        commit = (sha, seconds(landed), seconds(authored), printable(author), printable(subject))
        entries.append((commit, changes))
    return entries


def seconds(text: str) -> int:
    """A time as git prints it (%ct): seconds since 1970, or nothing for a date it cannot read
    (a negative one, for one), which is -1: out of range, so history skips the commit."""
    try:
        return int(text)
    except ValueError:
        return -1


def blob_sizes(git: Git, shas: list[str]) -> dict[str, int]:
    """Each blob's size from one ``git cat-file --batch-check``, which reads no content (a
    missing blob, in a broken clone, is left out)."""
    if not shas:
        return {}
    listed = git.run("cat-file", "--batch-check", input="".join(f"{s}\n" for s in shas).encode())
    sizes: dict[str, int] = {}
    for line in listed.stdout.decode().split("\n"):
        fields = line.split(" ")
        if len(fields) == 3 and fields[1] == "blob":
            sizes[fields[0]] = int(fields[2])
    return sizes


def cat_blobs(git: Git, shas: list[str], limit: int) -> Iterator[tuple[str, bytes | int]]:
    """Each blob's content, streamed through one ``git cat-file --batch`` process; or for a
    blob over ``limit`` bytes, its size alone: its size is asked first, and it is never read
    (by the time ``--batch`` prints a header, git has inflated the whole blob)."""
    sizes = blob_sizes(git, shas)
    small = [s for s in shas if sizes.get(s, limit + 1) <= limit]
    if not small:
        yield from ((s, sizes[s]) for s in shas if s in sizes)
        return
    process = subprocess.Popen(
        git.command("cat-file", "--batch"),
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
            process.stdin.write("".join(f"{s}\n" for s in small).encode())
        finally:
            process.stdin.close()

    writer = threading.Thread(target=feed, daemon=True)
    writer.start()
    out = process.stdout
    for sha in shas:  # in the order asked, so each revision follows the one before
        if sha not in sizes:
            continue  # missing: a broken clone
        if sizes[sha] > limit:
            yield sha, sizes[sha]
            continue
        header = out.readline().split()
        if len(header) < 3:
            continue
        body = out.read(int(header[2]))
        out.read(1)
        yield header[0].decode(), body
    writer.join()
    process.wait()


class BranchLog:
    """One ref of a repository as git gives it: the first-parent log of a folder, the blobs it
    names, the times of the commits after one of them, and what is uncommitted in the folder."""

    def __init__(self, repo: Repository) -> None:
        self.repo = repo
        self.ref, self.head, self.prefix = repo.ref, repo.head, repo.prefix
        self.git_dir = repo.git_dir

    @functools.cached_property
    def recent_times(self) -> list[int]:
        """The committer times of the head and of the first-parent commits before it, newest
        first, at most 50 of them (-1 where git cannot read one)."""
        listed = self.repo.git.text("log", "-50", "--first-parent", "--format=%ct", self.head)
        return [seconds(line) for line in listed.split("\n")]

    @property
    def head_time(self) -> int:
        """The head commit's committer time (-1 when git cannot read it)."""
        return self.recent_times[0]

    def is_checked_out(self) -> bool:
        """Whether the head is the commit checked out in the work tree."""
        return self.head == Git(self.repo.git.root).text("rev-parse", "HEAD")

    def grafts(self) -> str:
        """What the deprecated grafts file (which rewrites parents) holds, as a digest."""
        try:
            return hashlib.sha256((self.git_dir / "info" / "grafts").read_bytes()).hexdigest()
        except OSError:
            return "no grafts"

    def extends(self, cached_head: str) -> bool:
        """Whether ``cached_head`` is on the first-parent chain of the head (so a log read up
        to it extends)."""
        if cached_head == self.head:
            return True
        result = self.repo.git.run(
            "rev-list", "--first-parent", "--parents", f"{cached_head}..{self.head}", check=False
        )
        lines = result.stdout.decode().split("\n")
        lines = [line for line in lines if line]
        return result.returncode == 0 and bool(lines) and lines[-1].split(" ")[1:2] == [cached_head]

    def log(
        self, folder: str, keep: Callable[[str], bool], since: str | None
    ) -> list[LoggedCommit]:
        """The commits after ``since`` (from the first, without it) that changed ``folder`` (of
        the KPI root), oldest first, with their changes to the files ``keep`` accepts."""
        spec = f":(top,literal){self.prefix}{folder}"
        target = f"{since}..{self.head}" if since else self.head
        raw = self.repo.git.run(
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
        return parse_log(raw, self.prefix, keep)

    def blobs(self, shas: list[str], limit: int) -> Iterator[tuple[str, bytes | int]]:
        """Each blob's content, or its size when over ``limit`` bytes (see ``cat_blobs``)."""
        return cat_blobs(self.repo.git, shas, limit)

    def first_parent_times(self, first: str) -> list[tuple[int, str]]:
        """Each first-parent commit after ``first`` up to the head, newest first, with its
        committer time (-1 when git cannot read it)."""
        listed = self.repo.git.text(
            "rev-list", "--first-parent", "--timestamp", f"{first}..{self.head}", "--"
        )
        times = []
        for line in listed.split("\n"):
            stamp, _, sha = line.partition(" ")
            if sha:
                times.append((int(stamp) if stamp.lstrip("-").isdigit() else -1, sha))
        return times

    def uncommitted(self, folder: str, keep: Callable[[str], bool]) -> list[str]:
        """The files ``keep`` accepts under ``folder`` that differ from the index or are not
        tracked, relative to the KPI root, as git names them (not yet made printable)."""
        spec = f":(top,literal){self.prefix}{folder}"
        status = self.repo.git.run(
            "status", "--porcelain", "-z", "--untracked-files=all", "--no-renames", "--", spec
        ).stdout.decode("utf-8", "surrogateescape")
        return [
            entry[3:][len(self.prefix) :]
            for entry in status.split("\0")
            if len(entry) > 3 and keep(entry[3:])
        ]
