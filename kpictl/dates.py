"""Dates as users write them, and times as kpictl reports them (always UTC).

Times inside kpictl are whole seconds since the epoch (UTC); these functions are the one place
they are turned into text.
"""

from __future__ import annotations

import re
import time as clock_time
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from typing import overload
from zoneinfo import ZoneInfo

DAY = 86_400  # seconds; every duration is calendar days of this length
# The times kpictl can date by and show: 1970-01-01T00:00:00Z to 9999-12-31T23:59:59Z.
EARLIEST = 0
LATEST = 253_402_300_799

_DECLARED = re.compile(
    r"(?P<date>\d{4}-\d{2}-\d{2})"
    r"(?:[T ](?P<time>\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?)(?P<offset>Z|[+-]\d{2}:\d{2})?)?\Z"
)


class DateError(ValueError):
    """A declared date that cannot be read; the message says what to write instead."""


def zone(name: str) -> tzinfo:
    return timezone.utc if name == "UTC" else ZoneInfo(name)


def parse_declared(text: str, tz: tzinfo = timezone.utc) -> tuple[datetime, bool]:
    """Parse a declared date into an aware UTC datetime; the flag tells whether it had a time.

    A date alone is midnight in ``tz``; a date and time needs an offset (Z or +01:00), since
    the same wall-clock time means different moments in different offices.
    """
    match = _DECLARED.match(text.strip())
    if not match:
        raise DateError(
            f"{text!r} is not a date; write an ISO 8601 date such as 2024-03-05, or a date "
            "and time with an offset such as 2024-03-05T14:30:00+01:00"
        )
    try:
        day = date.fromisoformat(match["date"])
    except ValueError:
        raise DateError(
            f"{match['date']} is not a real calendar date; check the month and day"
        ) from None
    if not 1970 <= day.year <= 9999:
        raise DateError(f"{match['date']} is out of range; use a date from 1970 to 9999")
    if match["time"] is None:
        return datetime.combine(day, time(0), tz).astimezone(timezone.utc), False
    if match["offset"] is None:
        raise DateError(
            f"{text!r} has a time but no offset; add one, such as {text}Z for UTC or {text}+01:00"
        )
    try:
        clock = time.fromisoformat(match["time"])
    except ValueError:
        raise DateError(f"{match['time']} is not a real time of day") from None
    offset_text = match["offset"]
    if offset_text == "Z":
        offset = timezone.utc
    else:
        sign = -1 if offset_text[0] == "-" else 1
        hours, minutes = int(offset_text[1:3]), int(offset_text[4:6])
        if hours > 23 or minutes > 59:
            raise DateError(f"{offset_text} is not a valid offset from UTC")
        offset = timezone(sign * timedelta(hours=hours, minutes=minutes))
    try:
        moment = datetime.combine(day, clock, offset).astimezone(timezone.utc)
    except OverflowError:  # past 9999-12-31 in UTC
        moment = None
    if moment is None or moment.year < 1970:
        raise DateError(
            f"{text} is {'after 9999' if moment is None else 'before 1970'} in UTC, out of "
            "range; use a time from 1970 to 9999 in UTC"
        )
    return moment, True


def usable(epoch: int) -> bool:
    """Whether a time (a commit's, say) falls from 1970 to 9999 in UTC, where kpictl can use it."""
    return EARLIEST <= epoch <= LATEST


def end_of_day(text: str, tz: tzinfo) -> int:
    """The last second of the day ``text`` (a date, such as 2025-06-30) in ``tz``."""
    start, _ = parse_declared(text, tz)
    day = start.astimezone(tz).date()
    if day < date.max:
        end = int(datetime.combine(day + timedelta(days=1), time(0), tz).timestamp()) - 1
    else:
        end = int(datetime.combine(day, time(23, 59, 59), tz).timestamp())
    if end > LATEST:
        raise DateError(
            f"the end of {text} is after 9999 in UTC, out of range; use an earlier date"
        )
    return end


@overload
def iso(epoch: int) -> str: ...
@overload
def iso(epoch: None) -> None: ...
@overload
def iso(epoch: int | None) -> str | None: ...
def iso(epoch: int | None) -> str | None:
    """ISO 8601 in UTC, as the JSON outputs carry times: 2025-06-30T14:05:00Z."""
    return (
        None
        if epoch is None
        else clock_time.strftime("%Y-%m-%dT%H:%M:%SZ", clock_time.gmtime(epoch))
    )


def minute_text(epoch: int) -> str:
    """A time for people, to the minute, in UTC: 2025-06-30 14:05."""
    return clock_time.strftime("%Y-%m-%d %H:%M", clock_time.gmtime(epoch))


def day_text(epoch: int) -> str:
    """A calendar day in UTC: 2025-06-30."""
    return clock_time.strftime("%Y-%m-%d", clock_time.gmtime(epoch))


def quarter(epoch: int) -> str:
    """The calendar quarter (UTC) a time falls in: 2025-Q2."""
    tm = clock_time.gmtime(epoch)
    return f"{tm.tm_year}-Q{(tm.tm_mon - 1) // 3 + 1}"
