"""A finding about a file, at a line and column, with what to do about it."""

from __future__ import annotations

from dataclasses import dataclass

from kpictl.printable import printable

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True, order=True)
class Diagnostic:
    """Its path and message are shown with control characters and undecodable bytes escaped
    (``printable``): a message quotes what a file holds, and must not drive a terminal or
    forge a second finding line."""

    path: str
    line: int
    col: int
    severity: str
    code: str
    message: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "path", printable(self.path))
        object.__setattr__(self, "message", printable(self.message))

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}: {self.severity}[{self.code}]: {self.message}"

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR
