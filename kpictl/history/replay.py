"""The log replayed by project identity: which file carries which project, commit by commit.

A project is its ``id``, not its path: a rename keeps its history, a deleted file archives it,
a second file with the same id is refused while the first holds it and takes over when the
first lets go. A revision that broke the validity policy is skipped with a warning, and the
project keeps its last good revision.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from kpictl.dates import iso, usable
from kpictl.history.model import ZERO_SHA, BranchHistory, Commit, LogEntry, ProjectHistory, Revision
from kpictl.history.revision import Parsed, Valid

# What a valid revision must pass when it lands: (revision, landed_at) → why it is refused, or None.
LandingRule = Callable[[Valid, int], str | None]


class IdentityLedger:
    """Who holds which id: each file's last valid id and data, and the file that carries each
    project's history."""

    def __init__(self) -> None:
        self.projects: dict[str, ProjectHistory] = {}
        self.warnings: list[str] = []
        self.holder: dict[str, str] = {}  # path → the id its last valid revision declared
        self.latest: dict[str, dict[str, Any]] = {}  # path → its last valid data
        self.owner: dict[str, str] = {}  # id → the path that carries its history
        self.previous: Commit | None = None  # the last commit replayed

    def snapshot(self) -> Any:
        """The ledger as plain data (marshal keeps the data shared with the parsed revisions), so
        a later run resumes it with the commits after these instead of replaying them all."""
        commits: list[tuple[str, int, int, str, str]] = []
        index: dict[int, int] = {}  # each Commit object (by id) → its place in commits

        def place(commit: Commit | None) -> int:
            if commit is None:
                return -1
            found = index.get(id(commit))
            if found is None:
                found = index[id(commit)] = len(commits)
                c = commit
                commits.append((c.sha, c.landed_at, c.authored_at, c.author, c.subject))
            return found

        projects = {
            project_id: [(place(r.commit), r.landed_at, r.path, r.data) for r in p.revisions]
            for project_id, p in self.projects.items()
        }
        previous = place(self.previous)
        maps = (dict(self.holder), dict(self.latest), dict(self.owner))
        return (commits, projects, list(self.warnings), *maps, previous)

    @classmethod
    def restore(cls, plain: Any) -> IdentityLedger:
        """The ledger a ``snapshot`` was taken of."""
        listed, projects, warnings, holder, latest, owner, previous = plain
        commits: list[Commit | None] = [Commit(*fields) for fields in listed]
        commits.append(None)  # at -1: no commit
        ledger = cls()
        for project_id, revisions in projects.items():
            ledger.projects[project_id] = ProjectHistory(
                project_id,
                [Revision(commits[at], landed, path, data) for at, landed, path, data in revisions],
            )
        ledger.warnings = list(warnings)
        ledger.holder, ledger.latest, ledger.owner = dict(holder), dict(latest), dict(owner)
        ledger.previous = commits[previous]
        if not all(isinstance(x, str) for x in (*ledger.holder.values(), *ledger.owner.values())):
            raise TypeError("the replay ledger in the cache has another shape")
        return ledger

    def release(self, path: str, lost: dict[str, str]) -> None:
        """``path`` was deleted: the id it held may be archived or handed over."""
        if path in self.holder:
            lost[self.holder.pop(path)] = path

    def land(self, commit: Commit, path: str, data: dict[str, Any], lost: dict[str, str]) -> None:
        """A valid revision of ``path`` landed."""
        project_id = data["id"]
        old = self.holder.get(path)
        if old is not None and old != project_id:
            lost[old] = path
        self.holder[path] = project_id
        self.latest[path] = data
        current = self.owner.get(project_id)
        if current not in (None, path) and self.holder.get(current) == project_id:
            self.warnings.append(
                f"commit {commit.sha[:10]}: {path} uses the id {project_id!r} of {current}; this "
                "revision is skipped (`kpictl validate` reports duplicate ids)"
            )
            return
        self.owner[project_id] = path
        self._project(project_id).revisions.append(Revision(commit, commit.landed_at, path, data))

    def settle(self, commit: Commit, project_id: str, path: str) -> None:
        """``path`` let go of ``project_id``: another file with the id takes over, or the
        project is archived."""
        owner = self.owner.get(project_id)
        if owner not in (None, path) and owner in self.holder:
            return  # its own file is still there (a second file let go of the id)
        heirs = sorted(p for p, held in self.holder.items() if held == project_id)
        if heirs:  # another file declares the id: it carries the history from here
            heir_path = heirs[0]
            self.owner[project_id] = heir_path
            heir = self._project(project_id)
            if not heir.revisions or heir.current.data is not self.latest[heir_path]:
                heir.revisions.append(
                    Revision(commit, commit.landed_at, heir_path, self.latest[heir_path])
                )
            return
        gone = self.projects.get(project_id)
        if gone and gone.revisions and gone.current.data is not None:
            gone.revisions.append(Revision(commit, commit.landed_at, path, None))
        self.owner.pop(project_id, None)

    def _project(self, project_id: str) -> ProjectHistory:
        project = self.projects.get(project_id)
        if project is None:  # not setdefault: that would build a ProjectHistory every time
            project = self.projects[project_id] = ProjectHistory(project_id)
        return project


def replay(
    log: list[LogEntry],
    blobs: Mapping[str, Parsed],
    ref: str,
    head: str,
    landing_rule: LandingRule,
    ledger: IdentityLedger | None = None,
) -> tuple[BranchHistory, IdentityLedger]:
    """Follow every project through ``log``; ``blobs`` maps a blob id to its verdict (its data,
    date lines and landing bound, or a one-item list holding the reason it did not validate).
    Given the ``ledger`` of the commits before ``log``, it goes on from there."""
    ledger = ledger if ledger is not None else IdentityLedger()
    previous = ledger.previous
    for (sha, landed, authored, author, subject), changes in log:
        if not usable(landed):
            paths = ", ".join(sorted({path for path, _ in changes}))
            ledger.warnings.append(
                f"commit {sha[:10]} ({subject}) has a committer time outside 1970 to 9999 (UTC), "
                f"or one git cannot read, so it cannot date its changes to {paths}; they are "
                "skipped (a later commit that changes these files lands them)"
            )
            continue
        if not usable(authored):
            ledger.warnings.append(
                f"commit {sha[:10]} ({subject}) has an author time outside 1970 to 9999 (UTC); "
                "its committer time is shown instead"
            )
            authored = landed
        commit = Commit(sha, landed, authored, author, subject)
        if previous and landed < previous.landed_at:
            ledger.warnings.append(
                f"commit {sha[:10]} landed at {iso(landed)}, before the commit before it on the "
                f"branch ({previous.sha[:10]}, {iso(previous.landed_at)}): clock skew or "
                "rewritten history; durations that span it may be wrong"
            )
        previous = ledger.previous = commit
        lost: dict[str, str] = {}
        # Deletions first, so a rename (a delete and an add in one commit) keeps the project.
        for path, blob in changes:
            if blob == ZERO_SHA:
                ledger.release(path, lost)
        for path, blob in changes:
            if blob == ZERO_SHA:
                continue
            parsed = blobs.get(blob)
            if isinstance(parsed, tuple):
                reason = landing_rule(parsed, landed)
                if reason is None:
                    ledger.land(commit, path, parsed[0], lost)
                    continue
            else:
                reason = parsed[0] if parsed else "its content could not be read from git"
            ledger.warnings.append(
                f"commit {sha[:10]} ({iso(landed)}): {path} did not validate ({reason}); "
                "this revision is skipped"
            )
        for project_id, path in lost.items():
            ledger.settle(commit, project_id, path)
    return BranchHistory(ref, head, ledger.projects, list(ledger.warnings), 0), ledger
