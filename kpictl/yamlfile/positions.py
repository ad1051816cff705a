"""Where a character stands, as YAML 1.2 and editors count lines and columns."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Position:
    line: int  # 1-based
    col: int  # 1-based


# Lines as YAML 1.2 and editors count them; libyaml (YAML 1.1) also breaks at NEL, LS and PS.
LINE_BREAK = re.compile("\r\n|\r|\n")
_OLD_LINE_BREAKS = re.compile("[\x85\u2028\u2029]")


class Places:
    """The 1-based line and column of a parser mark, counted as editors count them."""

    def __init__(self, text: str) -> None:
        self.starts: list[int] | None = None
        if _OLD_LINE_BREAKS.search(text):  # rare: only then is libyaml's count wrong
            self.starts = [0] + [m.end() for m in LINE_BREAK.finditer(text)]

    def __call__(self, mark: Any) -> tuple[int, int]:
        if self.starts is None:
            return mark.line + 1, mark.column + 1
        return place(self.starts, mark.index)


def place(starts: list[int], index: int) -> tuple[int, int]:
    """The 1-based line and column of the character at ``index``, given where lines start."""
    line = bisect.bisect_right(starts, index) - 1
    return line + 1, index - starts[line] + 1


def line_starts(text: str) -> list[int]:
    return [0] + [m.end() for m in LINE_BREAK.finditer(text)]
