"""The first-parent log of the project files, and their blobs, read with one git process each.

One ``git log --first-parent --raw -z`` lists every commit on the branch that touched a project
file, with the blob ids of the files it changed; one ``git cat-file --batch`` stream reads the
blobs that are not already parsed.
"""

from __future__ import annotations

import subprocess
import threading
from collections.abc import Iterator

from kpictl.config import Config
from kpictl.git.repository import Git, Repository
from kpictl.history.model import Change, LogEntry
from kpictl.printable import printable
from kpictl.project.validate import is_project_path

_LOG_FORMAT = "%x1e%H%x00%ct%x00%at%x00%an%x00%s"


def parse_log(raw: bytes, prefix: str) -> list[LogEntry]:
    """The log's commits and their changes to project files. Paths, author names and subjects
    are shown as they will be everywhere (``printable``): a byte that is not UTF-8 or a control
    character in a file name or a commit message becomes an escape such as \\xff."""
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
            if is_project_path(path):
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


def extends(repo: Repository, cached_head: str) -> bool:
    """Whether ``cached_head`` is on the first-parent chain of the head (so the log extends)."""
    if cached_head == repo.head:
        return True
    result = repo.git.run(
        "rev-list", "--first-parent", "--parents", f"{cached_head}..{repo.head}", check=False
    )
    lines = result.stdout.decode().split("\n")
    lines = [line for line in lines if line]
    return result.returncode == 0 and bool(lines) and lines[-1].split(" ")[1:2] == [cached_head]


def read_log(repo: Repository, config: Config, since: str | None) -> list[LogEntry]:
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
    return parse_log(raw, repo.prefix)
