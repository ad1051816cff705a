"""The data of history: commits on the main branch and the revisions of each project they landed.

Plain data, no git: ``kpictl.history.branch`` reads it from git, ``kpictl.history.replay`` follows
projects by their ``id`` through it, and the KPI stages read it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ZERO_SHA = "0" * 40


@dataclass(frozen=True)
class Commit:
    sha: str
    landed_at: int  # committer time of the first-parent commit, seconds since the epoch (UTC)
    authored_at: int
    author: str
    subject: str


@dataclass(frozen=True)
class Revision:
    """One landed state of a project: its data, or None when its file was deleted (archived)."""

    commit: Commit | None  # None for an uncommitted change read with --worktree
    landed_at: int
    path: str
    data: dict[str, Any] | None
    provisional: bool = False


@dataclass
class ProjectHistory:
    id: str
    revisions: list[Revision] = field(default_factory=list)

    @property
    def current(self) -> Revision:
        return self.revisions[-1]

    @property
    def archived(self) -> bool:
        return self.revisions[-1].data is None


@dataclass
class BranchHistory:
    """Every project's revisions as landed on one branch (``ref``, read up to ``head``), and the
    revisions left out, as warnings."""

    ref: str
    head: str
    projects: dict[str, ProjectHistory]
    warnings: list[str]
    commits_read: int  # commits read from git in this run (the rest came from the cache)
    head_landed_at: int = 0  # the head commit's time, or the latest landing if clocks went back
    memo_path: Path | None = None  # where stages after this one may keep what they derived
    pending_commits: int = 0  # commits not yet on the landed line, dated as if they landed now

    def head_at(self, as_of: int) -> str:
        """The last commit that changed a project file by ``as_of`` (the head if none)."""
        landed = [
            r
            for p in self.projects.values()
            for r in p.revisions
            if r.commit is not None and r.landed_at <= as_of
        ]
        if as_of >= self.head_landed_at or not landed:
            return self.head
        last = max(landed, key=lambda r: r.landed_at)
        return last.commit.sha if last.commit else self.head


# A change in one commit: (path relative to the KPI root, new blob id or ZERO_SHA if deleted).
Change = tuple[str, str]
# One first-parent commit: (sha, committer time, author time, author, subject) and its changes.
LogEntry = tuple[tuple[str, int, int, str, str], list[Change]]
