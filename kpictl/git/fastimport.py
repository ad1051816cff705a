"""A history written as one ``git fast-import`` stream, commit by commit, then run into a
repository by one git process.

Every time and identity is given, not taken from the clock or the user's git settings, so the
same stream makes the same commit ids on every machine.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from kpictl.git.repository import Git


@dataclass(frozen=True)
class Signature:
    """Who made a commit and when, as git records it: a name, an email, a time and the UTC
    offset of their office (+0530)."""

    name: str
    email: str
    when: datetime
    offset: str

    def line(self) -> bytes:
        return f"{self.name} <{self.email}> {int(self.when.timestamp())} {self.offset}".encode()


class FastImportStream:
    """Commits appended in order; each is known by the mark ``commit`` returns."""

    def __init__(self) -> None:
        self._out = bytearray()
        self._marks = 0

    def commit(
        self,
        ref: str,
        author: Signature,
        committer: Signature,
        message: str,
        files: Mapping[str, str],
        parent: int | None = None,
        merged: int | None = None,
        deleted: tuple[str, ...] = (),
    ) -> int:
        """Append a commit on ``ref`` writing ``files`` (path → text) and removing ``deleted``
        over its ``parent`` (a mark), merging the commit marked ``merged`` if given; return its
        mark."""
        self._marks += 1
        out = self._out
        out += b"commit %s\nmark :%d\n" % (ref.encode(), self._marks)
        out += b"author " + author.line() + b"\n"
        out += b"committer " + committer.line() + b"\n"
        out += _data(message)
        if parent is not None:
            out += b"from :%d\n" % parent
        if merged is not None:
            out += b"merge :%d\n" % merged
        for path in deleted:
            out += f"D {path}\n".encode()
        for path, text in files.items():
            out += f"M 100644 inline {path}\n".encode() + _data(text)
        out += b"\n"
        return self._marks

    def stream(self) -> bytes:
        return bytes(self._out)


def fast_import(git: Git, stream: bytes) -> None:
    """Write the commits of ``stream`` into the repository of ``git``, and its refs."""
    git.run("fast-import", "--quiet", input=stream)


def _data(text: str) -> bytes:
    raw = text.encode("utf-8")
    return b"data %d\n" % len(raw) + raw + b"\n"
