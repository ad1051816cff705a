"""Scratch folders that never outlive the run that made one; and the wording of a folder the
user named that the system refuses to make or use.

Each scratch folder is named with the process id of its run; it is removed when the run ends
(normally, on an error, on Ctrl-C or SIGTERM), and the next run sweeps any left by a run that was
killed outright (SIGKILL cannot be caught), by finding that its process is gone.
"""

from __future__ import annotations

import errno
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from kpictl.errors import KpictlError
from kpictl.printable import printable

# What a file system says when it cannot take what is written to it, wherever in it.
_FULL = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG})
_WRITE_REFUSED = _FULL | {errno.EROFS}


def path_problem(where: str, exc: OSError) -> KpictlError:
    """A user's error for an OSError on a path the user gave, ``where`` naming it as they gave
    it (``--out build/x``): the path and the system's reason, never a traceback."""
    reason = exc.strerror or type(exc).__name__
    fix = "free some space there, or give another folder" if exc.errno in _FULL else None
    return KpictlError(f"{printable(where)}: {reason}; {fix or 'give another folder'}")


@contextmanager
def writing_into(where: str, folder: Path) -> Iterator[None]:
    """Turn an OSError in writing files under ``folder`` (inside the path the user gave as
    ``where``) into that user's error: a file system full or read-only, or a file under
    ``folder`` it refuses. An OSError on any other file (a source being read) is not theirs."""
    try:
        yield
    except OSError as exc:
        named = [Path(os.fsdecode(f)) for f in (exc.filename, exc.filename2) if f is not None]
        if exc.errno in _WRITE_REFUSED or any(p.is_relative_to(folder) for p in named):
            raise path_problem(where, exc) from None
        raise


@contextmanager
def user_path(where: str) -> Iterator[None]:
    """Turn an OSError in the block, which works on the path the user gave as ``where``, into
    that user's error. Only around calls on that path: an OSError elsewhere is a bug."""
    try:
        yield
    except OSError as exc:
        raise path_problem(where, exc) from None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, ValueError):
        return True  # another user's process, or not a pid we can judge: leave it be
    return True


def sweep(parent: Path, prefix: str) -> None:
    """Remove the folders ``parent/<prefix><pid>-*`` whose run is gone."""
    try:
        entries = list(parent.glob(f"{prefix}*"))
    except OSError:
        return
    for entry in entries:
        pid_text = entry.name[len(prefix) :].split("-", 1)[0]
        if not pid_text.isdigit() or _alive(int(pid_text)):
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)


@contextmanager
def scratch_folder(parent: Path, prefix: str, *, where: str | None = None) -> Iterator[Path]:
    """A new folder ``parent/<prefix><pid>-<random>``, removed when the block ends; when
    ``parent`` is where the user asked for output (``where``: ``--out build/site``), a folder
    that cannot be made there is that user's error."""
    sweep(parent, prefix)
    try:
        folder = Path(tempfile.mkdtemp(prefix=f"{prefix}{os.getpid()}-", dir=parent))
    except OSError as exc:
        if where is None:
            raise
        raise path_problem(where, exc) from None
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)
