"""The one domain exception, turned into a message and an exit code at the CLI's edge."""

from __future__ import annotations

EXIT_OK = 0
EXIT_INVALID = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 3
EXIT_INTERRUPTED = 130


class KpictlError(Exception):
    """A problem the user can fix: bad configuration, an unusable repository, a bad argument.

    The message says what is wrong, where, and what to do; the CLI prints it on one line and
    exits with ``exit_code`` (2 unless a caller says otherwise).
    """

    def __init__(self, message: str, exit_code: int = EXIT_USAGE) -> None:
        super().__init__(message)
        self.exit_code = exit_code
