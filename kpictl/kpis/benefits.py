"""A project's benefits through its revisions: each followed by its item name, with when it
was added and when it became a measurement (the landing that moved it from estimate to
measured, dated like a milestone and linked to its commit).

Amounts settle from the latest revision, as costs do; ``timeline`` calls this per revision.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from kpictl.dates import parse_declared
from kpictl.history.model import Revision


@dataclass
class Benefit:
    item: str
    kind: str
    amount: float
    currency: str
    per: str
    added_at: int
    starts_at: int
    ends_at: int | None
    commit: str | None  # the commit that added it
    dated: bool  # `from` was written, so starts_at is declared, not the landing time
    basis: str  # estimate or measured, as the latest revision says
    source: str | None = None
    # When it last became measured, and by which commit; None while it is an estimate.
    measured_at: int | None = None
    measured_commit: str | None = None
    was_estimate: bool = False  # it became measured after landing as an estimate


class _Log(Protocol):
    def add(self, revision: Revision, name: str, old: Any, new: Any) -> None: ...


def benefit_text(entry: dict[str, Any]) -> str:
    """A benefit as one line of history: 20,000 USD/month (estimate)."""
    amount = entry["amount"]
    shown = f"{amount:,.2f}".rstrip("0").rstrip(".") if isinstance(amount, float) else f"{amount:,}"
    per = "" if entry["per"] == "once" else f"/{entry['per']}"
    return f"{shown} {entry['currency']}{per} ({entry['basis']})"


def _sha(revision: Revision) -> str | None:
    return revision.commit.sha if revision.commit else None


class Benefits:
    """Benefits, followed by their item name: when each was first added, when it last became
    measured (and whether it was an estimate before), and its changes."""

    def __init__(self, log: _Log) -> None:
        self.log = log
        self.first_seen: dict[str, Revision] = {}
        self.measured: dict[str, tuple[Revision, bool]] = {}  # item → (revision, was estimate)

    def see(
        self, revision: Revision, data: dict[str, Any], previous: dict[str, Any] | None
    ) -> None:
        if previous is not None and data.get("benefits") == previous.get("benefits"):
            return
        now = {b["item"]: b for b in data.get("benefits") or []}
        old = {b["item"]: b for b in (previous or {}).get("benefits") or []}
        for item, entry in now.items():
            self.first_seen.setdefault(item, revision)
            before = old.get(item)
            if before is None or benefit_text(before) != benefit_text(entry):
                old_text = benefit_text(before) if before else None
                self.log.add(revision, f"benefits.{item}", old_text, benefit_text(entry))
            was = before["basis"] if before else None
            if entry["basis"] == "measured" and was != "measured":
                self.measured[item] = (revision, was == "estimate")
            elif entry["basis"] != "measured":
                self.measured.pop(item, None)
        for item in old.keys() - now.keys():
            self.log.add(revision, f"benefits.{item}", benefit_text(old[item]), None)
            self.first_seen.pop(item, None)
            self.measured.pop(item, None)

    def settle(self, data: dict[str, Any], tz: Any) -> list[Benefit]:
        settled = []
        for entry in data.get("benefits") or []:
            added = self.first_seen[entry["item"]]
            starts = added.landed_at
            if "from" in entry:
                starts = int(parse_declared(entry["from"], tz)[0].timestamp())
            ends = None
            if "until" in entry and entry["per"] != "once":
                ends = int(parse_declared(entry["until"], tz)[0].timestamp())
            benefit = Benefit(
                entry["item"],
                entry["kind"],
                entry["amount"],
                entry["currency"],
                entry["per"],
                added.landed_at,
                starts,
                ends,
                _sha(added),
                "from" in entry,
                entry["basis"],
                entry.get("source"),
            )
            measured = self.measured.get(entry["item"])
            if measured is not None:
                benefit.measured_at, benefit.was_estimate = measured[0].landed_at, measured[1]
                benefit.measured_commit = _sha(measured[0])
            settled.append(benefit)
        return settled
