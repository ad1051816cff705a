"""A commit dated after the head lands with the earliest usable commit after it, and says so."""

from __future__ import annotations

from kpictl.history.late_commits import date_late_commits

HEAD_TIME = 1_750_000_000  # 2025-06-15T15:06:40Z


def entry(sha: str, landed: int) -> tuple[tuple[str, int, int, str, str], list[tuple[str, str]]]:
    return (sha, landed, landed, "Ada", f"subject {sha}"), [("projects/a.yaml", "b" * 40)]


def test_a_commit_after_the_head_lands_with_the_earliest_usable_commit_after_it():
    log = [entry("a" * 40, 1_700_000_000), entry("l" * 40, HEAD_TIME + 500), entry("h" * 40, 0)]
    asked = []

    def times_after(first: str) -> list[tuple[int, str]]:
        asked.append(first)
        # Newest first: the head, one git cannot date, one earlier than the head.
        return [(HEAD_TIME, "h" * 40), (-1, "u" * 40), (HEAD_TIME - 60, "m" * 40)]

    dated, warnings = date_late_commits(log, "h" * 40, HEAD_TIME, times_after)

    assert asked == ["l" * 40]
    assert dated[1][0] == ("l" * 40, HEAD_TIME - 60, HEAD_TIME + 500, "Ada", "subject " + "l" * 40)
    assert dated[0] == log[0] and dated[2] == log[2]
    assert len(warnings) == 1
    assert warnings[0].startswith(f"commit {'l' * 10} (subject {'l' * 40}) has a committer time")
    assert warnings[0].endswith(f"counts as landing at 2025-06-15T15:05:40Z, with {'m' * 10}")


def test_no_commit_after_the_head_asks_git_nothing():
    log = [entry("a" * 40, HEAD_TIME - 1), entry("h" * 40, HEAD_TIME)]

    def times_after(first: str) -> list[tuple[int, str]]:
        raise AssertionError("no git call in the usual case")

    assert date_late_commits(log, "h" * 40, HEAD_TIME, times_after) == (log, [])


def test_a_late_commit_with_no_earlier_commit_after_it_keeps_its_time():
    log = [entry("l" * 40, HEAD_TIME + 500), entry("h" * 40, HEAD_TIME + 900)]
    dated, warnings = date_late_commits(
        log, "h" * 40, HEAD_TIME, lambda first: [(HEAD_TIME + 900, "h" * 40)]
    )
    assert (dated, warnings) == (log, [])
