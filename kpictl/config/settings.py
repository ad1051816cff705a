"""The configuration as typed, frozen data: what kpictl.yaml over the defaults comes to."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from kpictl.config.definitions import Gate, KpiDef, MilestoneDef, Roles


@dataclass(frozen=True)
class Publish:
    """What the published site shows: people by name, initials or not at all; owners'
    e-mail addresses or not; costs, and value (benefits), in full, totals only, or not at all.
    Net value, return and payback reveal one from the other, so they need both."""

    people: Literal["names", "initials", "none"] = "names"
    emails: bool = False
    costs: Literal["true", "totals", "false"] = "true"
    value: Literal["true", "totals", "false"] = "true"

    @property
    def returns(self) -> bool:
        """Whether net value, return on investment and payback may be published."""
        return self.costs != "false" and self.value != "false"


@dataclass(frozen=True)
class ForecastSettings:
    """Launch forecasts: on or off, the completed steps they need, and how far back they look."""

    enabled: bool = True
    min_basis: int = 5  # projects that completed a step on the path, at the least
    window_days: int | None = 730  # steps that started this many days before the as-of; None: all


@dataclass(frozen=True)
class Config:
    root: Path
    source: str | None  # the kpictl.yaml that was read, relative to the root; None for defaults
    projects_dir: str
    timezone: str
    milestones: tuple[MilestoneDef, ...]
    environments: tuple[str, ...]
    gates: tuple[Gate, ...]
    roles: Roles
    kpis: tuple[KpiDef, ...] = ()
    reporting_currency: str = "USD"
    rates: tuple[tuple[str, float], ...] = ()  # currency → units of the reporting currency
    poc_days: int = 90
    stale_days: int = 60
    forecast: ForecastSettings = ForecastSettings()
    current_quarters: int = 4  # a KPI's current value: the values that ended in these quarters
    teams: tuple[tuple[str, str], ...] = ()  # team id → the name people know it by
    publish: Publish = Publish()
    repo_url: str | None = None
    site_dir: str = "site"
    site_out: str = "build/site"
    site_url: str | None = None  # where the site is served, e.g. https://org.github.io/kpis/

    @property
    def milestone_ids(self) -> tuple[str, ...]:
        return tuple(m.id for m in self.milestones)

    @property
    def projects_path(self) -> Path:
        return self.root / self.projects_dir

    def team_name(self, team: str) -> str:
        """The team's display name from kpictl.yaml, else its id as written."""
        return dict(self.teams).get(team, team)
