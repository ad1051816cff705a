"""What loading a YAML file gives: a Document with its data and positions, or a LoadError."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kpictl.yamlfile.positions import Position

PathKey = tuple[str | int, ...]


@dataclass
class Document:
    """A loaded YAML file: its data and where each key and value stands in the source."""

    path: str
    data: dict[str, Any]
    keys: dict[PathKey, Position] = field(default_factory=dict)
    values: dict[PathKey, Position] = field(default_factory=dict)
    plain: set[PathKey] = field(default_factory=set)  # values written as unquoted scalars
    flow: set[PathKey] = field(default_factory=set)  # collections written in flow style {} []

    def position(self, path: PathKey, *, key: bool = False) -> Position:
        """The position of the key (``key=True``) or value at ``path``, or of its nearest parent."""
        lookup = self.keys if key else self.values
        while path:
            found = lookup.get(path) or self.values.get(path) or self.keys.get(path)
            if found:
                return found
            path = path[:-1]
        return self.values.get((), Position(1, 1))


class LoadError(Exception):
    """Why a file did not load: the message, its line and column, and the finding's code."""

    def __init__(self, message: str, line: int, col: int, code: str) -> None:
        super().__init__(message)
        self.line = line
        self.col = col
        self.code = code
