"""Text from files, file names and git made safe to show: on a terminal, in a CI log, in JSON.

A control character printed raw can move the cursor, recolour or clear a terminal, and a line
break can forge a second finding line; a file name that is not UTF-8 (kept by Python as lone
surrogates) cannot be written as UTF-8 at all. ``printable`` shows each of them as an escape
(``\\x1b``, ``\\n``, ``\\xff``) and leaves every other character as it is.
"""

from __future__ import annotations

import re

# C0 and C1 controls and DEL; lone surrogates (bytes that were not UTF-8); the line and
# paragraph separators; the bidirectional overrides and isolates that reorder what is shown.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(match: re.Match[str]) -> str:
    char = match[0]
    code = ord(char)
    if char in _NAMED:
        return _NAMED[char]
    if code <= 0xFF:
        return f"\\x{code:02x}"
    if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8, kept by surrogateescape
        return f"\\x{code - 0xDC00:02x}"
    return f"\\u{code:04x}"


def printable(text: str) -> str:
    """``text`` with every control character, undecodable byte, line separator and bidi
    override shown as an escape; unchanged (the same object) when there is none."""
    return _UNSAFE.sub(_escape, text) if _UNSAFE.search(text) else text


def is_printable(text: str) -> bool:
    return _UNSAFE.search(text) is None
