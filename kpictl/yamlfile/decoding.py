"""A YAML file's bytes as text: UTF-8 without a byte-order mark, with no character YAML refuses."""

from __future__ import annotations

import re

from kpictl.printable import printable
from kpictl.yamlfile.document import LoadError
from kpictl.yamlfile.positions import line_starts, place

# What YAML refuses to read raw: control characters other than tab and line breaks, DEL, the
# C1 controls but NEL, and the two non-characters.
_RAW_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ufffe\uffff]")


def decode(raw: bytes) -> str:
    """The file's text, without a byte-order mark; a LoadError at the first byte that is not
    UTF-8 or character that YAML does not allow, at its line and column."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start].decode("utf-8")
        line, col = place(line_starts(before), len(before))
        raise LoadError(
            f"byte 0x{raw[exc.start]:02x} is not valid UTF-8; save the file as UTF-8",
            line,
            col,
            "not-utf8",
        ) from None
    found = _RAW_CONTROL.search(text)
    if found is not None:
        line, col = place(line_starts(text[: found.start()]), found.start())
        char = found[0]
        raise LoadError(
            f"the file holds the control character {printable(char)} (U+{ord(char):04X}), "
            "which YAML does not allow in a file; remove it (inside double quotes, "
            f"write it as {printable(char)} if it is meant)",
            line,
            col,
            "control-character",
        )
    return text
