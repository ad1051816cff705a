"""Reading a file from disk safely: a regular file only, never through a symbolic link,
never blocking, at most MAX_BYTES; kpictl reads project files and kpictl.yaml this way."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from kpictl.yamlfile.document import LoadError

MAX_BYTES = 1024 * 1024


def too_large(size: int) -> LoadError:
    return LoadError(
        f"the file is {size:,} bytes, over the limit of {MAX_BYTES:,} bytes (1 MiB); "
        "a project file is a few kilobytes, so check what was pasted into it",
        1,
        1,
        "too-large",
    )


_NOT_A_FILE = {
    stat.S_IFIFO: "a named pipe (FIFO)",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFSOCK: "a socket",
    stat.S_IFDIR: "a folder",
}
_NO_FOLLOW = getattr(os, "O_NOFOLLOW", 0)
_OPEN_FLAGS = (
    os.O_RDONLY | _NO_FOLLOW | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
) | getattr(os, "O_BINARY", 0)


def _symlink() -> LoadError:
    return LoadError(
        "this is a symbolic link, and git keeps the link, not the file it points to, so its "
        "history would be lost; move the file itself here",
        1,
        1,
        "symlink",
    )


def file_kind(mode: int) -> str:
    """What a file of ``mode`` that is not a regular file is, in words: "a folder"."""
    return _NOT_A_FILE.get(stat.S_IFMT(mode), "a special file")


def _refuse_kind(mode: int) -> None:
    if stat.S_ISLNK(mode):
        raise _symlink()
    if not stat.S_ISREG(mode):
        kind = file_kind(mode)
        raise LoadError(
            f"this is {kind}, not a regular file; git cannot keep it and kpictl does not read "
            "it, so put the file itself here",
            1,
            1,
            "not-a-file",
        )


def read_regular_file(file: Path) -> bytes:
    """The bytes of a file on disk: the one way kpictl reads a project file or kpictl.yaml.
    Only a regular file, never through a symbolic link, never blocking (a FIFO or device is
    refused before it is read), and at most MAX_BYTES (a larger file is refused after reading
    one byte past it). A LoadError says why not."""
    try:
        _refuse_kind(os.lstat(file).st_mode)  # a FIFO or device is never even opened
        handle = os.open(file, _OPEN_FLAGS)
    except OSError as exc:
        if exc.errno == errno.ELOOP and _NO_FOLLOW:
            raise _symlink() from None  # it became a link after the check
        raise LoadError(
            f"cannot read the file: {exc.strerror or exc}", 1, 1, "unreadable"
        ) from None
    try:
        status = os.fstat(handle)
        _refuse_kind(status.st_mode)  # it was swapped after the check
        if status.st_size > MAX_BYTES:
            raise too_large(status.st_size)
        chunks: list[bytes] = []
        left = MAX_BYTES + 1
        while left > 0:
            chunk = os.read(handle, left)
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
    except OSError as exc:
        raise LoadError(
            f"cannot read the file: {exc.strerror or exc}", 1, 1, "unreadable"
        ) from None
    finally:
        os.close(handle)
    raw = b"".join(chunks)
    if len(raw) > MAX_BYTES:  # it grew while being read
        raise too_large(max(status.st_size, len(raw)))
    return raw
