"""The two sides of `kpictl diff BASE [HEAD]`: the KPIs before and after a change, computed at
the same moment, each with its own kpictl.yaml."""

from __future__ import annotations

from dataclasses import dataclass

from kpictl.config import Config
from kpictl.git.repository import first_parent_line, main_branch, refuse_option_like
from kpictl.pipeline import Computed, compute_as_of


@dataclass(frozen=True)
class Comparison:
    before: Computed  # BASE
    after: Computed  # HEAD, or the working tree

    @property
    def notes(self) -> list[str]:
        return [*self.before.notes, *self.after.notes]


def compare(config: Config, base: str, head: str | None, *, as_of: str | None) -> Comparison:
    """BASE and HEAD (None: the working tree) at HEAD's moment (``as_of`` when given).
    Commits of HEAD that are not on BASE's first-parent line (nor on the main branch's)
    count as landing at that moment, as they will when merged."""
    for ref in (base, head):  # before any git command sees them
        if ref is not None:
            refuse_option_like(ref)
    main = main_branch(config.root)
    landed = [base] + ([main, f"origin/{main}"] if main else [])
    line = first_parent_line(config.root, landed)
    after = compute_as_of(config, as_of=as_of, ref=head, worktree=head is None, landed_line=line)
    before = compute_as_of(config, as_of=after.as_of, ref=base)
    return Comparison(before, after)
