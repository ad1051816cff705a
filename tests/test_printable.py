"""What reaches a terminal, a CI log or JSON is printable: every unsafe character is escaped."""

from __future__ import annotations

import json
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kpictl.output.jsontext import json_text
from kpictl.printable import bidi_visible, is_printable, printable


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


def test_every_bidi_mark_override_and_isolate_is_escaped():
    for char in "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069":
        assert printable(f"a{char}b") == f"a\\u{ord(char):04x}b"
        assert bidi_visible(f"a{char}b") == f"a\\u{ord(char):04x}b"
    assert bidi_visible("a\x1bb\n") == "a\x1bb\n"  # only bidi: the rest is each output's own


@given(st.text())
def test_json_keeps_the_value_and_holds_no_raw_unsafe_character(text):
    written = json_text({"name": text, "n": 1.5}, compact=True)
    assert json.loads(written) == {"name": text, "n": 1.5}
    assert is_printable(written)
    assert "\n" in json_text({"a": [1]})  # the layout's line breaks stay


@pytest.mark.parametrize("number", [math.inf, -math.inf, math.nan])
def test_json_refuses_a_number_that_is_not_finite(number):
    with pytest.raises(ValueError):
        json_text({"cost_to_date": number})
