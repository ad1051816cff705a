"""Commits dated after the head of the branch: each counts as landing with the first-parent
commit that follows it, since it cannot have landed after the commits that follow it.

No rule here reads the clock: the same commit always gives the same dates.
"""

from __future__ import annotations

from collections.abc import Callable

from kpictl.dates import iso, usable
from kpictl.history.model import LogEntry

# The first-parent commits after one, up to the head, newest first: (committer time, sha).
TimesAfter = Callable[[str], list[tuple[int, str]]]


def shown_time(epoch: int) -> str:
    """A commit time in a message, even one no date can name."""
    return iso(epoch) if usable(epoch) else f"{epoch} seconds since 1970, after 9999"


def date_late_commits(
    log: list[LogEntry], head: str, head_time: int, times_after: TimesAfter
) -> tuple[list[LogEntry], list[str]]:
    """The log with each commit dated after the head counted at the earliest time of the
    first-parent commits that follow it (it cannot have landed after them), and one warning
    per such commit. Commits out of order but before the head stay as they are (which of two
    clocks was wrong cannot be told; replay warns of the skew)."""
    if not usable(head_time):
        return log, []
    # (after 9999 too: such a commit is as misdated as one in 9999)
    late = [i for i, ((_, landed, *_), _) in enumerate(log) if landed > head_time]
    if not late:
        return log, []  # the usual case: no git call
    first = log[late[0]][0][0]
    # For each commit, the earliest usable time among the commits after it, and whose it is.
    earliest_after: dict[str, tuple[int, str] | None] = {}
    earliest: tuple[int, str] | None = None
    for landed, sha in times_after(first):  # newest first
        earliest_after[sha] = earliest
        if usable(landed) and (earliest is None or landed < earliest[0]):
            earliest = (landed, sha)
    earliest_after[first] = earliest
    dated = list(log)
    warnings = []
    for i in late:
        (sha, landed, authored, author, subject), changes = log[i]
        found = earliest_after.get(sha)
        if found is None or found[0] >= landed:
            continue
        dated[i] = ((sha, found[0], authored, author, subject), changes)
        warnings.append(
            f"commit {sha[:10]} ({subject}) has a committer time of {shown_time(landed)}, "
            f"after the head of the branch ({head[:10]}, {iso(head_time)}): clock skew; "
            "it cannot have landed after the commits that follow it, so it counts as landing "
            f"at {iso(found[0])}, with {found[1][:10]}"
        )
    return dated, warnings
