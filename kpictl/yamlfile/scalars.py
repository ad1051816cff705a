"""Unquoted scalars resolved by the YAML 1.2 core schema, within the numbers kpictl holds."""

from __future__ import annotations

import math
import re
from typing import Any

MAX_INTEGER = 10**15  # exact as a JSON number in every reader (JavaScript's are 2**53)

# YAML 1.2 core schema: the only plain scalars that are not strings.
_NULL = {"", "~", "null", "Null", "NULL"}
_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_INT = re.compile(r"[-+]?[0-9]+\Z")
_OCT = re.compile(r"0o[0-7]+\Z")
_HEX = re.compile(r"0x[0-9a-fA-F]+\Z")
_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?\Z")
_INF = re.compile(r"[-+]?\.(inf|Inf|INF)\Z")
_NAN = re.compile(r"\.(nan|NaN|NAN)\Z")
# Words that YAML 1.1 tools (and many editors) read as booleans when unquoted.
YAML11_BOOLEANS = frozenset(
    {"y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO"}
    | {"on", "On", "ON", "off", "Off", "OFF"}
)


class ScalarError(ValueError):
    """An unquoted scalar that resolves to a number kpictl cannot hold; the loader places it."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.code = code


def _shown(text: str) -> str:
    return text if len(text) <= 40 else f"{text[:20]}…{text[-8:]} ({len(text):,} characters)"


def _whole_number(text: str, base: int) -> int:
    digits = text.lstrip("+-") if base == 10 else text[2:]
    # Count before converting: Python refuses to convert over 4,300 decimal digits.
    if len(digits.lstrip("0")) <= len(str(MAX_INTEGER)):
        value = int(text, base) if base == 10 else int(digits, base)
        if abs(value) <= MAX_INTEGER:
            return value
    raise ScalarError(
        f"{_shown(text)} is too large; a whole number here is at most "
        f"{MAX_INTEGER:,} (and at least -{MAX_INTEGER:,}), so write a smaller one, or quote it "
        "if it is text (an identifier, a phone number)",
        "number-too-large",
    )


def resolve_plain(text: str) -> Any:
    """Resolve an unquoted scalar by the YAML 1.2 core schema; a whole number beyond
    MAX_INTEGER or a number that is not finite is a ScalarError."""
    if text in _NULL:
        return None
    if text in _BOOL:
        return _BOOL[text]
    if _INT.match(text):
        return _whole_number(text, 10)
    if _OCT.match(text):
        return _whole_number(text, 8)
    if _HEX.match(text):
        return _whole_number(text, 16)
    if _FLOAT.match(text):
        value = float(text)  # 1e999 is inf
        if math.isfinite(value):
            return value
    elif not (_INF.match(text) or _NAN.match(text)):
        return text
    raise ScalarError(
        f"{_shown(text)} is not a finite number; write a number, or quote it if it is text",
        "not-finite",
    )
