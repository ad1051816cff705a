"""Scratch folders that never outlive the run that made one.

Each is named with the process id of its run; it is removed when the run ends (normally, on an
error, on Ctrl-C or SIGTERM), and the next run sweeps any left by a run that was killed outright
(SIGKILL cannot be caught), by finding that its process is gone.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


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
def scratch_folder(parent: Path, prefix: str) -> Iterator[Path]:
    """A new folder ``parent/<prefix><pid>-<random>``, removed when the block ends."""
    sweep(parent, prefix)
    folder = Path(tempfile.mkdtemp(prefix=f"{prefix}{os.getpid()}-", dir=parent))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)
