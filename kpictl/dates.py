"""Dates as users write them, and times as kpictl reports them: UTC in the machine outputs,
the configured time zone on the site's pages; calendar quarters in the configured time zone.

Times inside kpictl are whole seconds since the epoch (UTC); these functions are the one place
they are turned into text or into calendar periods.
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


def _local(epoch: int, tz: tzinfo | None) -> datetime:
    return datetime.fromtimestamp(epoch, tz or timezone.utc)


def minute_text(epoch: int, tz: tzinfo | None = None) -> str:
    """A time for people, to the minute, in ``tz`` (UTC by default): 2025-06-30 14:05."""
    return _local(epoch, tz).strftime("%Y-%m-%d %H:%M")


def day_text(epoch: int, tz: tzinfo | None = None) -> str:
    """A calendar day in ``tz`` (UTC by default): 2025-06-30."""
    return _local(epoch, tz).strftime("%Y-%m-%d")


def long_day_text(epoch: int, tz: tzinfo | None = None) -> str:
    """A calendar day as a sentence writes it, never split across lines: 22 Oct 2026 (with
    no-break spaces)."""
    moment = _local(epoch, tz)
    return f"{moment.day}\u00a0{moment.strftime('%b')}\u00a0{moment.year}"


def quarter(epoch: int, tz: tzinfo | None = None) -> str:
    """The calendar quarter a time falls in, in ``tz`` (UTC by default): 2025-Q2."""
    moment = _local(epoch, tz)
    return f"{moment.year}-Q{(moment.month - 1) // 3 + 1}"


def quarter_start(epoch: int, tz: tzinfo | None = None) -> int:
    """The first second of the quarter ``epoch`` falls in, in ``tz``."""
    moment = _local(epoch, tz)
    first = datetime(moment.year, (moment.month - 1) // 3 * 3 + 1, 1, tzinfo=tz or timezone.utc)
    return int(first.timestamp())


_AFTER_9999 = 253_402_300_800  # 10000-01-01T00:00:00Z


def next_quarter_start(epoch: int, tz: tzinfo | None = None) -> int:
    """The first second of the quarter after the one ``epoch`` falls in, in ``tz``."""
    moment = _local(quarter_start(epoch, tz), tz)
    year, month = (moment.year + 1, 1) if moment.month == 10 else (moment.year, moment.month + 3)
    if year > 9999:
        return _AFTER_9999  # the first second that no date can name
    return int(datetime(year, month, 1, tzinfo=tz or timezone.utc).timestamp())


def quarters(first: int, last: int, tz: tzinfo | None = None) -> list[tuple[str, int, int]]:
    """Every quarter from the one ``first`` falls in to the one ``last`` falls in, gaps
    included, as (label, first second, first second of the next quarter)."""
    found = []
    start = quarter_start(first, tz)
    while start <= last:
        end = next_quarter_start(start, tz)
        found.append((quarter(start, tz), start, end))
        start = end
    return found


def is_partial(end: int, as_of: int) -> bool:
    """Whether the quarter ending at ``end`` was still running at ``as_of`` (an as-of date
    given as a day ends at its last second, so that day's quarter counts as full)."""
    return as_of + 1 < end


def full_quarters(as_of: int, count: int, tz: tzinfo | None = None) -> list[tuple[str, int, int]]:
    """The last ``count`` quarters that had ended by ``as_of``, oldest first."""
    end = quarter_start(as_of, tz)
    if not is_partial(next_quarter_start(as_of, tz), as_of):
        end = next_quarter_start(as_of, tz)
    found: list[tuple[str, int, int]] = []
    while len(found) < count:
        start = quarter_start(end - 1, tz)
        found.insert(0, (quarter(start, tz), start, end))
        end = start
    return found
