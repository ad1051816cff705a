"""What reaches a terminal, a CI log or JSON is printable: every unsafe character is escaped."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from kpictl.printable import is_printable, printable


def test_each_unsafe_character_is_shown_as_an_escape():
    assert printable("a\x1b[31mb") == "a\\x1b[31mb"
    assert printable("one\ntwo\rthree\tfour") == "one\\ntwo\\rthree\\tfour"
    assert printable("nul\x00 del\x7f c1\x9b") == "nul\\x00 del\\x7f c1\\x9b"
    assert printable(b"bad\xff.yaml".decode("utf-8", "surrogateescape")) == "bad\\xff.yaml"
    assert printable("line\u2028separator \u202eevil") == "line\\u2028separator \\u202eevil"
    assert printable("café 東京 ✓ \\x41") == "café 東京 ✓ \\x41"


@given(st.text())
def test_printable_text_has_no_unsafe_character_and_escaping_twice_changes_nothing(text):
    shown = printable(text)
    assert is_printable(shown)
    assert printable(shown) == shown
    assert "\n" not in shown and "\r" not in shown
    shown.encode("utf-8")  # never a lone surrogate
