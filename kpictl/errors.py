"""The one domain exception, turned into a message and an exit code at the CLI's edge; and the
crash log an internal error leaves behind."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

EXIT_OK = 0
EXIT_INVALID = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 3
EXIT_INTERRUPTED = 130
EXIT_TERMINATED = 143  # 128 + SIGTERM, as shells report it


class Finding(Protocol):
    """A problem at a line and column of a file, as a project file's diagnostics are."""

    @property
    def path(self) -> str: ...
    @property
    def line(self) -> int: ...
    @property
    def col(self) -> int: ...
    @property
    def severity(self) -> str: ...
    @property
    def code(self) -> str: ...
    @property
    def message(self) -> str: ...


class KpictlError(Exception):
    """A problem the user can fix: bad configuration, an unusable repository, a bad argument.

    The message says what is wrong, where, and what to do; the CLI prints it on one line and
    exits with ``exit_code`` (2 unless a caller says otherwise). When the problem is findings
    at their line and column (``diagnostics``), the CLI prints those instead, one a line.
    """

    # Each a Finding; typed Any so that a subclass keeps its own (ConfigError: Diagnostic).
    diagnostics: Sequence[Any] = ()

    def __init__(
        self,
        message: str,
        exit_code: int = EXIT_USAGE,
        diagnostics: Sequence[Finding] | None = None,
    ) -> None:
        super().__init__(message)
        self.exit_code = exit_code
        if diagnostics is not None:  # a subclass may have set its own before calling this
            self.diagnostics = diagnostics


def _crash_folder() -> Path:
    cache = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(cache) / "kpictl"


def write_crash_log(details: str) -> Path | None:
    """Write ``details`` (a traceback) to a new file of this user's and this run's own, and
    return its path; None when no file could be written."""
    for folder in (_crash_folder(), Path(tempfile.gettempdir())):
        try:
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            handle, name = tempfile.mkstemp(prefix="kpictl-crash-", suffix=".log", dir=folder)
            with os.fdopen(handle, "w", encoding="utf-8") as log:
                log.write(details)
            return Path(name)
        except OSError:
            continue
    return None
