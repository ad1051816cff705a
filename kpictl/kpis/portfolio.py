"""The portfolio view: statistics of every KPI over the projects, by group and by quarter, each
KPI's current value (its recent window), the learning curve, the projects stuck, and costs over
time. Calendar quarters are in the configured time zone."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from kpictl.config import Config, KpiDef
from kpictl.config.definitions import PHASES, TcoMeasure, ValueMeasure
from kpictl.dates import full_quarters, is_partial, quarter, quarters, zone
from kpictl.kpis.judge import judge_current, judge_portfolio, miss
from kpictl.kpis.money import Money
from kpictl.kpis.results import (
    COMPLETE,
    PROJECT_STATES,
    Current,
    LeftOut,
    Portfolio,
    ProjectResult,
    Spend,
)
from kpictl.kpis.stats import Curve, Summary, learning_curve, summarise
from kpictl.kpis.timeline import Timeline


def _complete(projects: Iterable[ProjectResult], kpi_id: str) -> list[float]:
    return [
        v.value
        for p in projects
        if (v := p.kpis[kpi_id]).status in COMPLETE and v.value is not None
    ]


def _current(
    kpi: KpiDef, projects: list[ProjectResult], all_time: Summary, config: Config, as_of: int
) -> Current:
    """The KPI over the values whose end event falls in the last full quarters."""
    window = full_quarters(as_of, config.current_quarters, zone(config.timezone))
    start, end = window[0][1], window[-1][2]
    as_of_values = isinstance(kpi.measure, (TcoMeasure, ValueMeasure))
    if as_of_values:  # every value is as of the as-of date: the window is the present
        summary = all_time
    else:
        summary = summarise(
            [
                v.value
                for p in projects
                if (v := p.kpis[kpi.id]).status in COMPLETE
                and v.value is not None
                and v.to_at is not None
                and start <= v.to_at < end
            ]
        )
    change = change_pct = None
    if summary.median is not None and all_time.median is not None and not as_of_values:
        change = summary.median - all_time.median
        change_pct = change / abs(all_time.median) * 100 if all_time.median else None
    gap = None if summary.median is None else miss(kpi, summary.median)
    return Current(
        quarters=tuple(label for label, _, _ in window),
        start=start,
        end=end,
        summary=summary,
        status=judge_current(kpi, summary),
        change=change,
        change_pct=change_pct,
        miss=None if gap is None else gap[0],
        miss_pct=None if gap is None else gap[1],
        as_of_values=as_of_values,
    )


def summarise_portfolio(projects: list[ProjectResult], config: Config, as_of: int) -> Portfolio:
    tz = zone(config.timezone)
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
                by_quarter[quarter(v.to_at, tz)].append(v.value)
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
    purgatory: list[dict[str, Any]] = [
        {
            "id": p.id,
            "team": p.team,
            "days_in_poc": limit.days,
            "kickoff_at": p.start_at,  # the JSON's name for the start
        }
        for p in live
        for limit in p.standing.stuck
        if limit.limit == "poc_days"
    ]
    purgatory.sort(key=lambda e: (-e["days_in_poc"], e["id"]))
    stale: list[dict[str, Any]] = [
        {
            "id": p.id,
            "team": p.team,
            "days_since_change": limit.days,
            "last_change_at": p.last_change_at,
        }
        for p in live
        for limit in p.standing.stuck
        if limit.limit == "stale_days"
    ]
    stale.sort(key=lambda e: (-e["days_since_change"], e["id"]))
    phases = {phase: sum(1 for p in live if p.phase == phase) for phase in PHASES}
    states = {s: sum(1 for p in projects if p.standing.state == s) for s in PROJECT_STATES}
    stuck = sorted(
        (p for p in live if p.standing.stuck),
        key=lambda p: (-max(limit.days for limit in p.standing.stuck), p.id),
    )
    totals: dict[str, float] = defaultdict(float)
    for p in projects:
        for category, amount in p.costs_by_category.items():
            totals[category] += amount
    partial = [p for p in projects if p.costs_left_out]
    left_out = LeftOut(
        tuple(p.id for p in partial),
        tuple(sorted({c for p in partial for c in p.costs_left_out})),
    )
    return Portfolio(
        kpis=kpis,
        statuses={k.id: judge_portfolio(k, kpis[k.id]) for k in config.kpis},
        current={k.id: _current(k, projects, kpis[k.id], config, as_of) for k in config.kpis},
        overdue={k: sum(1 for p in projects if p.kpis[k].status == "overdue") for k in ids},
        states=states,
        stuck=[p.id for p in stuck],
        groups=groups,
        trend=trend,
        learning_curve=curves,
        launch_order=order,
        purgatory=purgatory,
        stale=stale,
        phases=phases,
        costs_by_category={k: round(v, 2) for k, v in sorted(totals.items())},
        costs_left_out=left_out if partial else None,
    )


def cost_over_time(
    timelines: list[Timeline], config: Config, as_of: int
) -> list[tuple[str, dict[str, float]]]:
    """Cumulative cost of ownership by category at the end of each quarter up to the as-of date
    (the last point is the as-of date itself when its quarter is still running)."""
    starts = [c.starts_at for t in timelines for c in t.costs]
    if not starts:
        return []
    money = Money(config)
    points: list[tuple[str, dict[str, float]]] = []
    for label, _, end in quarters(min(starts), as_of, zone(config.timezone)):
        moment = min(end, as_of)
        totals: dict[str, float] = defaultdict(float)
        for t in timelines:
            until = min(moment, t.last_change_at) if t.archived else moment
            for c in t.costs:
                if money.has_rate(c):  # the rest: Portfolio.costs_left_out
                    totals[c.category] += money.accrued(c, None, until)
        points.append((label, {k: round(v, 2) for k, v in sorted(totals.items())}))
    return points


def spend(cumulative: list[tuple[str, dict[str, float]]], config: Config, as_of: int) -> Spend:
    """What each quarter cost (the differences of the cumulative totals), the last full quarter,
    and the total to date."""
    tz = zone(config.timezone)
    ends = {label: end for label, _, end in quarters(as_of, as_of, tz)}
    by_quarter: list[tuple[str, dict[str, float], bool]] = []
    before: dict[str, float] = {}
    for label, totals in cumulative:
        spent = {c: round(v - before.get(c, 0.0), 2) for c, v in totals.items()}
        partial = label in ends and is_partial(ends[label], as_of)
        by_quarter.append((label, spent, partial))
        before = totals
    full = [(label, round(sum(v.values()), 2)) for label, v, partial in by_quarter if not partial]
    to_date = sum(cumulative[-1][1].values()) if cumulative else 0.0
    return Spend(round(to_date, 2), tuple(by_quarter), full[-1] if full else None)
