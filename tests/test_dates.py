"""Declared dates: every date kpictl accepts is a moment between 1970 and 9999 in UTC."""

from __future__ import annotations

import pytest

from kpictl.dates import DateError, parse_declared, zone


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("9999-12-31T23:00:00-05:00", ["after 9999 in UTC"]),
        ("1970-01-01T00:30:00+01:00", ["before 1970 in UTC"]),
        ("1969-12-31", ["from 1970 to 9999"]),
        ("0001-01-01T00:00:00Z", ["from 1970 to 9999"]),
    ],
)
def test_a_moment_outside_1970_to_9999_in_utc_is_a_date_error(text, words):
    with pytest.raises(DateError) as caught:
        parse_declared(text)
    for word in words:
        assert word in str(caught.value)


@pytest.mark.parametrize(
    "text", ["9999-12-31T23:59:59Z", "9999-12-31T23:00:00+05:00", "1970-01-01T00:30:00-01:00"]
)
def test_the_edges_of_the_range_are_accepted(text):
    moment, has_time = parse_declared(text)
    assert has_time and 1970 <= moment.year <= 9999


def test_a_date_without_a_time_is_in_range_in_every_zone():
    # Midnight is never more than 14 hours from UTC, so the last day cannot overflow.
    for name in ("Pacific/Kiritimati", "Pacific/Pago_Pago", "UTC"):
        moment, has_time = parse_declared("9999-12-31", zone(name))
        assert not has_time and moment.year == 9999
