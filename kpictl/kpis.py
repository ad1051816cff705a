"""The KPI computation: timelines and the catalog in, per-project and portfolio results out.

Pure: no git, no files, no clock (the as-of time is an argument), so it is tested on hand-built
timelines. Every value keeps the times and the commit it came from.
"""

from __future__ import annotations

import calendar
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from kpictl.config import Config, KpiDef
from kpictl.errors import KpictlError
from kpictl.model import phase_of
from kpictl.stats import Curve, Summary, learning_curve, summarise
from kpictl.timeline import Cost, Dated, Timeline

DAY = 86_400.0
YEAR_DAYS = 365.25
COMPLETE = ("met", "missed", "measured")
CURVE_KPIS = ("time_to_first_launch", "cost_per_additional_project")


@dataclass
class KpiValue:
    value: float | None
    status: str  # met | missed | measured | running | not_started | not_applicable | unknown
    unit: str
    target: float | None
    from_at: int | None = None
    to_at: int | None = None
    commit: str | None = None
    note: str | None = None
    n: int | None = None  # how many items a median is over
    projected: float | None = None  # total cost of ownership at the projection horizon


@dataclass
class ProjectResult:
    id: str
    name: str
    team: str
    labels: list[str]
    path: str
    phase: str
    archived: bool
    kickoff_at: int | None
    last_change_at: int
    kpis: dict[str, KpiValue]
    costs_by_category: dict[str, float]


@dataclass
class Portfolio:
    kpis: dict[str, Summary]
    groups: dict[str, dict[str, dict[str, Summary]]]  # group kind → group → KPI → summary
    trend: dict[str, list[tuple[str, Summary]]]  # KPI → (quarter, summary) oldest first
    learning_curve: dict[str, Curve]
    launch_order: dict[str, list[tuple[str, float]]]  # KPI → (project id, value) by kickoff
    purgatory: list[dict[str, Any]]
    stale: list[dict[str, Any]]
    phases: dict[str, int]
    costs_by_category: dict[str, float]
    cost_over_time: list[tuple[str, dict[str, float]]] = field(default_factory=list)


@dataclass
class Report:
    as_of: int
    head: str
    currency: str
    catalog: tuple[KpiDef, ...]
    projects: list[ProjectResult]
    portfolio: Portfolio


def _judge(kpi: KpiDef, value: float) -> str:
    if kpi.target is None:
        return "measured"
    better = value <= kpi.target if kpi.direction == "lower" else value >= kpi.target
    return "met" if better else "missed"


def _unit(kpi: KpiDef, config: Config) -> str:
    return config.reporting_currency if kpi.unit == "currency" else kpi.unit


class _Money:
    def __init__(self, config: Config, path: str) -> None:
        self.rates = dict(config.rates)
        self.rates[config.reporting_currency] = 1.0
        self.config = config
        self.path = path

    def convert(self, cost: Cost) -> float:
        rate = self.rates.get(cost.currency)
        if rate is None:
            raise KpictlError(
                f"{self.path}: the cost {cost.item!r} is in {cost.currency}, which has no "
                f"conversion rate to {self.config.reporting_currency}; add it to kpictl.yaml "
                f"under currency: {{rates: {{{cost.currency}: <{self.config.reporting_currency} "
                f"per {cost.currency}>}}}}"
            )
        return float(cost.amount) * rate

    def accrued(self, cost: Cost, start: float | None, end: float) -> float:
        """What ``cost`` adds between ``start`` (None: from its beginning) and ``end``."""
        amount = self.convert(cost)
        if cost.per == "once":
            return amount if cost.starts_at <= end else 0.0
        begin = cost.starts_at if start is None else max(cost.starts_at, start)
        stop = end if cost.ends_at is None else min(end, cost.ends_at)
        if stop <= begin:
            return 0.0
        per_day = amount * 12 / YEAR_DAYS if cost.per == "month" else amount / YEAR_DAYS
        return per_day * (stop - begin) / DAY


def _event(t: Timeline, event: str) -> tuple[Dated, int | None]:
    name = event.removesuffix(".started")
    dated = t.milestones.get(name) or Dated("planned")
    return dated, dated.started_at if event.endswith(".started") else dated.done_at


def _undated(dated: Dated, event: str) -> str | None:
    """Why git cannot date ``event``: it was already reached when the project file was added."""
    started = event.endswith(".started")
    if (dated.started_source if started else dated.source) != "created":
        return None
    if event.removesuffix(".started") == "kickoff":
        return None  # the file's creation is the project's start
    return (
        f"{event} was already {'started' if started else 'done'} when the project file was "
        f"added, so git cannot tell when; declare it (date: YYYY-MM-DD) to count it"
    )


def _duration(kpi: KpiDef, t: Timeline, as_of: int, unit: str) -> KpiValue:
    start_m, start = _event(t, kpi.measure["from"])
    end_m, end = _event(t, kpi.measure["to"])
    out = KpiValue(None, "unknown", unit, kpi.target, start, end, end_m.commit)
    if "skipped" in (start_m.status, end_m.status):
        out.status = "not_applicable"
        out.note = "a milestone it measures is skipped"
        return out
    if start is None:
        out.status = "not_started" if end is None else "unknown"
        if end is not None:
            out.note = f"{kpi.measure['from']} has no date (declared done before git saw it start)"
        return out
    reason = _undated(start_m, kpi.measure["from"]) or (
        _undated(end_m, kpi.measure["to"]) if end is not None else None
    )
    if reason:
        out.note = reason
        return out
    if end is None:
        out.value, out.status, out.commit = (as_of - start) / DAY, "running", None
        return out
    out.value = (end - start) / DAY
    if out.value < 0:
        out.status = "unknown"
        out.note = (
            f"{kpi.measure['to']} is dated before {kpi.measure['from']} "
            "(clock skew or a declared date); check the dates"
        )
        out.value = None
        return out
    out.status = _judge(kpi, out.value)
    return out


def _items(kpi: KpiDef, t: Timeline, as_of: int, unit: str) -> KpiValue:
    items = t.updates if kpi.measure["items"] == "updates" else t.feedback_rounds
    wanted = kpi.measure.get("kind")
    chosen = [i for i in items if wanted is None or i.kind == wanted]
    recorded = [i for i in chosen if i.recorded_done]
    chosen = [i for i in chosen if not i.recorded_done]
    done = [i for i in chosen if i.done_at is not None]
    out = KpiValue(None, "not_started", unit, kpi.target)
    if recorded:
        out.note = f"{len(recorded)} written already done, so without a request time; not counted"
        if not chosen:
            out.status = "unknown"
            return out
    if done:
        from kpictl.stats import median

        out.value = median([(i.done_at - i.requested_at) / DAY for i in done if i.done_at])
        out.n = len(done)
        out.from_at = min(i.requested_at for i in done)
        last = max(done, key=lambda i: (i.done_at or 0, i.id))
        out.to_at, out.commit = last.done_at, last.commit
        out.status = _judge(kpi, out.value)
    elif chosen:
        from kpictl.stats import median

        out.value = median([(as_of - i.requested_at) / DAY for i in chosen])
        out.n, out.status = len(chosen), "running"
        out.from_at = min(i.requested_at for i in chosen)
    return out


def _environments(
    kpi: KpiDef, t: Timeline, as_of: int, unit: str, order: Iterable[str]
) -> KpiValue:
    gate, previous = _event(t, kpi.measure["from"])
    out = KpiValue(None, "not_started", unit, kpi.target, previous)
    if previous is None:
        return out
    reason = _undated(gate, kpi.measure["from"])
    if reason:
        out.status, out.note = "unknown", reason
        return out
    steps: list[float] = []
    early: list[str] = []
    for name in order:
        env = t.environments.get(name)
        if env is None or env.status == "skipped":
            continue
        if env.status != "done" or env.done_at is None:
            break
        if env.source == "created":
            out.note = _undated(env, name)
            break
        if env.done_at < previous:
            early.append(name)
        steps.append(max(0.0, (env.done_at - previous) / DAY))
        previous = env.done_at
        out.to_at, out.commit = env.done_at, env.commit
    if early:
        out.note = f"{', '.join(early)} done before the step before it; counted as 0 days"
    if not steps:
        if out.note:
            out.status = "unknown"
        else:
            out.value, out.status = (as_of - previous) / DAY, "running"
        return out
    from kpictl.stats import median

    out.value, out.n = median(steps), len(steps)
    out.status = _judge(kpi, out.value)
    return out


def _cost(kpi: KpiDef, t: Timeline, as_of: int, unit: str, money: _Money) -> KpiValue:
    start_m, start = _event(t, kpi.measure["from"])
    end_m, end = _event(t, kpi.measure["to"])
    out = KpiValue(None, "not_started", unit, kpi.target, start, end, end_m.commit)
    if "skipped" in (start_m.status, end_m.status):
        out.status, out.note = "not_applicable", "a milestone it measures is skipped"
        return out
    if start is None:
        return out
    if not t.costs:
        out.status, out.note = "unknown", "no costs are recorded in the project file"
        return out
    reason = _undated(start_m, kpi.measure["from"]) or (
        _undated(end_m, kpi.measure["to"]) if end is not None else None
    )
    if reason:
        out.status, out.note = "unknown", reason
        return out
    if end is not None and end < start:
        out.status = "unknown"
        out.note = f"{kpi.measure['to']} is dated before {kpi.measure['from']}; check the dates"
        return out
    until = as_of if end is None else end
    total = sum(money.accrued(c, start, until) for c in t.costs if c.per != "once")
    # A one-off cost counts unless its declared date is after the span.
    total += sum(
        money.convert(c)
        for c in t.costs
        if c.per == "once" and (not c.dated or c.starts_at <= until)
    )
    out.value = round(total, 2)
    out.status = "running" if end is None else _judge(kpi, out.value)
    if end is None:
        out.commit = None
    return out


def _tco(kpi: KpiDef, t: Timeline, as_of: int, unit: str, money: _Money) -> KpiValue:
    years = float(kpi.measure.get("projection_years", 5))
    kickoff = t.milestones.get("kickoff")
    base = kickoff.done_at if kickoff and kickoff.done_at is not None else t.created_at
    horizon = base + years * YEAR_DAYS * DAY
    if t.archived:  # a deleted project stops costing when it was deleted
        horizon = min(horizon, as_of)
    if not t.costs:
        return KpiValue(
            None,
            "unknown",
            unit,
            kpi.target,
            base,
            as_of,
            None,
            "no costs are recorded in the project file",
        )
    value = sum(money.accrued(c, None, as_of) for c in t.costs)
    projected = sum(money.accrued(c, None, horizon) for c in t.costs)
    return KpiValue(
        round(value, 2),
        _judge(kpi, value),
        unit,
        kpi.target,
        base,
        as_of,
        None,
        f"projected to {years:g} years after kickoff",
        projected=round(projected, 2),
    )


def project_result(t: Timeline, config: Config, as_of: int) -> ProjectResult:
    # An archived project's clocks stop when its file was deleted.
    clock = min(as_of, t.last_change_at) if t.archived else as_of
    money = _Money(config, t.path)
    results: dict[str, KpiValue] = {}
    for kpi in config.kpis:
        unit = _unit(kpi, config)
        kind = kpi.measure["type"]
        if kind == "duration":
            results[kpi.id] = _duration(kpi, t, clock, unit)
        elif kind == "items":
            results[kpi.id] = _items(kpi, t, clock, unit)
        elif kind == "environments":
            results[kpi.id] = _environments(kpi, t, clock, unit, config.environments)
        elif kind == "cost":
            results[kpi.id] = _cost(kpi, t, clock, unit, money)
        else:
            results[kpi.id] = _tco(kpi, t, clock, unit, money)
    categories: dict[str, float] = defaultdict(float)
    for cost in t.costs:
        categories[cost.category] += money.accrued(cost, None, clock)
    kickoff = t.milestones.get("kickoff")
    return ProjectResult(
        id=t.id,
        name=str(t.data.get("name", t.id)),
        team=str(t.data.get("team", "")),
        labels=list(t.data.get("labels") or []),
        path=t.path,
        phase=phase_of(t.data.get("milestones") or {}),
        archived=t.archived,
        kickoff_at=kickoff.done_at if kickoff else None,
        last_change_at=t.last_change_at,
        kpis=results,
        costs_by_category={k: round(v, 2) for k, v in sorted(categories.items())},
    )


def quarter(epoch: int) -> str:
    tm = time.gmtime(epoch)
    return f"{tm.tm_year}-Q{(tm.tm_mon - 1) // 3 + 1}"


def _complete(projects: Iterable[ProjectResult], kpi_id: str) -> list[float]:
    return [
        v.value
        for p in projects
        if (v := p.kpis[kpi_id]).status in COMPLETE and v.value is not None
    ]


def _portfolio(projects: list[ProjectResult], config: Config, as_of: int) -> Portfolio:
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
    launched = sorted(
        (p for p in projects if p.kickoff_at is not None),
        key=lambda p: (p.kickoff_at or 0, p.id),
    )
    for k in CURVE_KPIS:
        if k not in ids:
            continue
        points = [
            (p.id, v.value)
            for p in launched
            if (v := p.kpis[k]).status in COMPLETE and v.value is not None and v.value > 0
        ]
        order[k] = points
        curves[k] = learning_curve([value for _, value in points])
    live = [p for p in projects if not p.archived]
    purgatory: list[dict[str, Any]] = list(
        {
            "id": p.id,
            "team": p.team,
            "days_in_poc": round((as_of - p.kickoff_at) / DAY, 1),
            "kickoff_at": p.kickoff_at,
        }
        for p in live
        if p.phase == "poc"
        and p.kickoff_at is not None
        and (as_of - p.kickoff_at) / DAY > config.poc_days
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
    phases = {
        phase: sum(1 for p in live if p.phase == phase) for phase in ("poc", "production", "scale")
    }
    totals: dict[str, float] = defaultdict(float)
    for p in projects:
        for category, amount in p.costs_by_category.items():
            totals[category] += amount
    return Portfolio(
        kpis=kpis,
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
    tm = time.gmtime(min(starts))
    year, q = tm.tm_year, (tm.tm_mon - 1) // 3
    points: list[tuple[str, dict[str, float]]] = []
    while True:
        end_year, end_month = (year + 1, 1) if q == 3 else (year, q * 3 + 4)
        end = calendar.timegm((end_year, end_month, 1, 0, 0, 0))
        moment = min(end, as_of)
        totals: dict[str, float] = defaultdict(float)
        for t in timelines:
            money = _Money(config, t.path)
            until = min(moment, t.last_change_at) if t.archived else moment
            for c in t.costs:
                totals[c.category] += money.accrued(c, None, until)
        points.append((f"{year}-Q{q + 1}", {k: round(v, 2) for k, v in sorted(totals.items())}))
        if end >= as_of:
            return points
        year, q = (year + 1, 0) if q == 3 else (year, q + 1)


def compute(timelines: list[Timeline], config: Config, as_of: int, head: str) -> Report:
    projects = [project_result(t, config, as_of) for t in timelines]
    portfolio = _portfolio(projects, config, as_of)
    portfolio.cost_over_time = cost_over_time(timelines, config, as_of)
    return Report(as_of, head, config.reporting_currency, config.kpis, projects, portfolio)
