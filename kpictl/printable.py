"""Text from files, file names and git made safe to show: on a terminal, in a CI log, in JSON.

A control character printed raw can move the cursor, recolour or clear a terminal, and a line
break can forge a second finding line; a file name that is not UTF-8 (kept by Python as lone
surrogates) cannot be written as UTF-8 at all. ``printable`` shows each of them as an escape
(``\\x1b``, ``\\n``, ``\\xff``) and leaves every other character as it is.
"""

from __future__ import annotations

import re

# The bidirectional marks, embeddings, overrides and isolates: they reorder what is shown, so
# that a name can read as something else (U+202E turns "exe.txt" into "txt.exe").
BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
# C0 and C1 controls and DEL; lone surrogates (bytes that were not UTF-8); the line and
# paragraph separators; the bidi characters.
_UNSAFE = re.compile(f"[\x00-\x1f\x7f-\x9f\ud800-\udfff\u2028\u2029{BIDI}]")
_BIDI = re.compile(f"[{BIDI}]")
# What json.dumps(ensure_ascii=False) leaves raw of the above (it escapes C0 controls itself,
# and a line break outside a string is the layout's).
_RAW_IN_JSON = re.compile(f"[\x7f-\x9f\ud800-\udfff\u2028\u2029{BIDI}]")
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


def bidi_visible(text: str) -> str:
    """``text`` with each bidi character shown as its escape (``\\u202e``), for outputs that
    escape the other control characters their own way (Markdown, HTML)."""
    return _BIDI.sub(lambda match: f"\\u{ord(match[0]):04x}", text)


def json_safe(text: str) -> str:
    """JSON text written with ``ensure_ascii=False`` with the characters that ``printable``
    escapes written as ``\\uXXXX`` escapes: the same JSON value, but a terminal or a viewer
    showing the file raw is not driven by them. Such a character can only stand inside a JSON
    string, where its escape means the same."""
    return _RAW_IN_JSON.sub(lambda match: f"\\u{ord(match[0]):04x}", text)
