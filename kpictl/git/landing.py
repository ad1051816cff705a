"""When a commit landed, when its committer time cannot be it: a head in the future is refused,
and a commit dated after the head counts as landing with the commit that follows it.

No rule here reads the clock for a result: the same commit always gives the same dates. The
clock only refuses a head no report could be right about.
"""

from __future__ import annotations

import time

from kpictl.dates import DAY, iso, usable
from kpictl.errors import KpictlError
from kpictl.git.repository import Repository
from kpictl.history.model import LogEntry


def shown_time(epoch: int) -> str:
    """A commit time in a message, even one no date can name."""
    return iso(epoch) if usable(epoch) else f"{epoch} seconds since 1970, after 9999"


def refuse_future_head(repo: Repository, head_time: int) -> None:
    """A head committed more than a day after this machine's clock would date every running
    KPI from the future (and make it the default as-of moment): an error, with the fix."""
    now = time.time()
    if head_time <= now + DAY:
        return
    raise KpictlError(
        f"the head commit {repo.head[:10]} of {repo.ref} has a committer time of "
        f"{shown_time(head_time)}, more than a day after this machine's clock "
        f"({iso(int(now))}), and no change can land in the future; either this machine's clock "
        "is behind (set it right), or the commit was made with a clock that was ahead: land "
        "any commit after it (the first commit after it dates it), or, if it is not pushed "
        "yet, give it the current time with `git commit --amend --no-edit`"
    )


def date_late_commits(
    repo: Repository, log: list[LogEntry], head_time: int
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
    listed = repo.git.text(
        "rev-list", "--first-parent", "--timestamp", f"{first}..{repo.head}", "--"
    )
    # For each commit, the earliest usable time among the commits after it, and whose it is.
    earliest_after: dict[str, tuple[int, str] | None] = {}
    earliest: tuple[int, str] | None = None
    for line in listed.split("\n"):  # newest first
        stamp, _, sha = line.partition(" ")
        if not sha:
            continue
        earliest_after[sha] = earliest
        landed = int(stamp) if stamp.lstrip("-").isdigit() else -1
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
            f"after the head of the branch ({repo.head[:10]}, {iso(head_time)}): clock skew; "
            "it cannot have landed after the commits that follow it, so it counts as landing "
            f"at {iso(found[0])}, with {found[1][:10]}"
        )
    return dated, warnings
