"""The portfolio view: statistics of every KPI over the projects, by group and by quarter, the
learning curve, the projects stuck in proof of concept, and costs over time."""

from __future__ import annotations

import calendar
from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime, timezone
from typing import Any

from kpictl.config import Config
from kpictl.config.catalog import PHASES
from kpictl.dates import DAY, quarter
from kpictl.kpis.judge import judge_portfolio
from kpictl.kpis.money import Money
from kpictl.kpis.results import COMPLETE, Portfolio, ProjectResult
from kpictl.kpis.stats import Curve, Summary, learning_curve, summarise
from kpictl.kpis.timeline import Timeline


def _complete(projects: Iterable[ProjectResult], kpi_id: str) -> list[float]:
    return [
        v.value
        for p in projects
        if (v := p.kpis[kpi_id]).status in COMPLETE and v.value is not None
    ]


def summarise_portfolio(projects: list[ProjectResult], config: Config, as_of: int) -> Portfolio:
    ids = [k.id for k in config.kpis]
    kpis = {k: summarise(_complete(projects, k)) for k in ids}
    groups: dict[str, dict[str, dict[str, Summary]]] = {}
    for kind in ("team", "label"):
        members: dict[str, list[ProjectResult]] = defaultdict(list)
        for p in projects:
            for name in [p.team] if kind == "team" else p.labels:
                members[name].append(p)
        groups[kind] = {
            name: {k: summarise(_complete(group, k)) for k in ids}
            for name, group in sorted(members.items())
        }
    trend: dict[str, list[tuple[str, Summary]]] = {}
    for k in ids:
        by_quarter: dict[str, list[float]] = defaultdict(list)
        for p in projects:
            v = p.kpis[k]
            if v.status in COMPLETE and v.value is not None and v.to_at is not None:
                by_quarter[quarter(v.to_at)].append(v.value)
        trend[k] = [(q, summarise(vals)) for q, vals in sorted(by_quarter.items())]
    curves: dict[str, Curve] = {}
    order: dict[str, list[tuple[str, float]]] = {}
    by_start = sorted(
        (p for p in projects if p.start_at is not None),
        key=lambda p: (p.start_at or 0, p.id),
    )
    for k in (kpi.id for kpi in config.kpis if kpi.learning_curve):
        points = [
            (p.id, v.value)
            for p in by_start
            if (v := p.kpis[k]).status in COMPLETE and v.value is not None and v.value > 0
        ]
        order[k] = points
        curves[k] = learning_curve([value for _, value in points])
    live = [p for p in projects if not p.archived]
    purgatory: list[dict[str, Any]] = list(
        {
            "id": p.id,
            "team": p.team,
            "days_in_poc": round((as_of - p.start_at) / DAY, 1),
            "kickoff_at": p.start_at,  # the JSON's name for the start
        }
        for p in live
        if p.phase == "poc"
        and p.start_at is not None
        and (as_of - p.start_at) / DAY > config.poc_days
    )
    purgatory.sort(key=lambda e: (-e["days_in_poc"], e["id"]))
    stale: list[dict[str, Any]] = list(
        {
            "id": p.id,
            "team": p.team,
            "days_since_change": round((as_of - p.last_change_at) / DAY, 1),
            "last_change_at": p.last_change_at,
        }
        for p in live
        if p.phase != "scale" and (as_of - p.last_change_at) / DAY > config.stale_days
    )
    stale.sort(key=lambda e: (-e["days_since_change"], e["id"]))
    phases = {phase: sum(1 for p in live if p.phase == phase) for phase in PHASES}
    totals: dict[str, float] = defaultdict(float)
    for p in projects:
        for category, amount in p.costs_by_category.items():
            totals[category] += amount
    return Portfolio(
        kpis=kpis,
        statuses={k.id: judge_portfolio(k, kpis[k.id]) for k in config.kpis},
        groups=groups,
        trend=trend,
        learning_curve=curves,
        launch_order=order,
        purgatory=purgatory,
        stale=stale,
        phases=phases,
        costs_by_category={k: round(v, 2) for k, v in sorted(totals.items())},
    )


def cost_over_time(
    timelines: list[Timeline], config: Config, as_of: int
) -> list[tuple[str, dict[str, float]]]:
    """Cumulative cost of ownership by category at the end of each quarter up to the as-of date."""
    starts = [c.starts_at for t in timelines for c in t.costs]
    if not starts:
        return []
    money = Money(config)
    first = datetime.fromtimestamp(min(starts), timezone.utc)
    year, q = first.year, (first.month - 1) // 3
    points: list[tuple[str, dict[str, float]]] = []
    while True:
        end_year, end_month = (year + 1, 1) if q == 3 else (year, q * 3 + 4)
        end = calendar.timegm((end_year, end_month, 1, 0, 0, 0))
        moment = min(end, as_of)
        totals: dict[str, float] = defaultdict(float)
        for t in timelines:
            until = min(moment, t.last_change_at) if t.archived else moment
            for c in t.costs:
                if money.has_rate(c):  # the run warns about the rest
                    totals[c.category] += money.accrued(c, None, until)
        points.append((f"{year}-Q{q + 1}", {k: round(v, 2) for k, v in sorted(totals.items())}))
        if end >= as_of:
            return points
        year, q = (year + 1, 0) if q == 3 else (year, q + 1)
