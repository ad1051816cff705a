"""JSON as every kpictl output writes it: UTF-8 text, with no NaN or Infinity (not JSON, and a
number that is not finite is a bug to stop on, never a value to publish) and no character that
could drive a terminal or reorder what a viewer shows (bidi overrides, C1 controls: escaped)."""

from __future__ import annotations

import json
from typing import Any

from kpictl.printable import json_safe


def json_text(data: Any, *, compact: bool = False) -> str:
    """``data`` as JSON, indented by two spaces (``compact``: no spaces at all), without a
    final line break. Raises ValueError on a number that is not finite."""
    if compact:
        text = json.dumps(data, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    else:
        text = json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False)
    return json_safe(text)
