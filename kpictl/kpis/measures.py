"""Each KPI of one project: a measure of its timeline, judged against the KPI's target.

Pure: no git, no files, no clock (the as-of time is an argument), so it is tested on hand-built
timelines. Every value keeps the times and the commit it came from.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from kpictl.config import Config, KpiDef
from kpictl.config.definitions import (
    CostMeasure,
    DurationMeasure,
    EnvironmentsMeasure,
    ItemsMeasure,
    TcoMeasure,
    ValueMeasure,
)
from kpictl.dates import DAY, day_text
from kpictl.kpis.judge import judge, judge_running
from kpictl.kpis.money import YEAR_DAYS, Money
from kpictl.kpis.results import KpiValue, ProjectResult
from kpictl.kpis.state import standing
from kpictl.kpis.stats import median
from kpictl.kpis.timeline import Dated, Timeline
from kpictl.kpis.value import project_value, value_kpi
from kpictl.project.status import phase_of


def _event(t: Timeline, event: str) -> tuple[Dated, int | None]:
    name = event.removesuffix(".started")
    dated = t.milestones.get(name) or Dated("planned")
    return dated, dated.started_at if event.endswith(".started") else dated.done_at


def _undated(dated: Dated, event: str, start: str | None) -> str | None:
    """Why git cannot date ``event``: it was already reached when the project file was added.
    ``start`` is the milestone that starts a project (None for an environment)."""
    started = event.endswith(".started")
    if (dated.started_source if started else dated.source) != "created":
        return None
    if event.removesuffix(".started") == start:
        return None  # the file's creation is the project's start
    return (
        f"{event} was already {'started' if started else 'done'} when the project file was "
        f"added, so git cannot tell when; declare it (date: YYYY-MM-DD) to count it"
    )


def _duration(
    kpi: KpiDef, m: DurationMeasure, t: Timeline, as_of: int, unit: str, start_id: str
) -> KpiValue:
    start_m, start = _event(t, m.from_event)
    end_m, end = _event(t, m.to_event)
    out = KpiValue(None, "unknown", unit, kpi.target, start, end, end_m.commit)
    if "skipped" in (start_m.status, end_m.status):
        out.status = "not_applicable"
        out.note = "a milestone it measures is skipped"
        return out
    if start is None:
        out.status = "not_started" if end is None else "unknown"
        if end is not None:
            out.note = f"{m.from_event} has no date (declared done before git saw it start)"
        return out
    reason = _undated(start_m, m.from_event, start_id) or (
        _undated(end_m, m.to_event, start_id) if end is not None else None
    )
    if reason:
        out.note = reason
        return out
    if end is None:
        out.value, out.commit = (as_of - start) / DAY, None
        out.status = judge_running(kpi, out.value)
        return out
    out.value = (end - start) / DAY
    if out.value < 0:
        out.status = "unknown"
        out.note = (
            f"{m.to_event} is dated before {m.from_event} "
            "(clock skew or a declared date); check the dates"
        )
        if start_m.source == "added" and end_m.source == "declared":
            out.note = (
                f"{m.to_event} is declared on {day_text(end)}, before {m.from_event}, which is "
                f"dated when the project file was added ({day_text(start)}); declare "
                f"{m.from_event}'s date too ({m.from_event}: {{status: done, date: YYYY-MM-DD}})"
            )
        out.value = None
        return out
    out.status = judge(kpi, out.value)
    return out


def _items(kpi: KpiDef, m: ItemsMeasure, t: Timeline, as_of: int, unit: str) -> KpiValue:
    items = t.updates if m.items == "updates" else t.feedback_rounds
    wanted = m.kind
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
        out.value = median(
            [(i.done_at - i.requested_at) / DAY for i in done if i.done_at is not None]
        )
        out.n = len(done)
        out.from_at = min(i.requested_at for i in done)
        last = max(done, key=lambda i: (i.done_at or 0, i.id))
        out.to_at, out.commit = last.done_at, last.commit
        out.status = judge(kpi, out.value)
    elif chosen:
        out.value = median([(as_of - i.requested_at) / DAY for i in chosen])
        out.n, out.status = len(chosen), judge_running(kpi, out.value)
        out.from_at = min(i.requested_at for i in chosen)
    return out


def _environments(
    kpi: KpiDef,
    m: EnvironmentsMeasure,
    t: Timeline,
    as_of: int,
    unit: str,
    order: Iterable[str],
    start_id: str,
) -> KpiValue:
    gate, previous = _event(t, m.from_event)
    out = KpiValue(None, "not_started", unit, kpi.target, previous)
    if previous is None:
        return out
    reason = _undated(gate, m.from_event, start_id)
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
            out.note = _undated(env, name, None)
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
            out.value = (as_of - previous) / DAY
            out.status = judge_running(kpi, out.value)
        return out
    out.value, out.n = median(steps), len(steps)
    out.status = judge(kpi, out.value)
    return out


def _cost(
    kpi: KpiDef, m: CostMeasure, t: Timeline, as_of: int, unit: str, money: Money, start_id: str
) -> KpiValue:
    start_m, start = _event(t, m.from_event)
    end_m, end = _event(t, m.to_event)
    out = KpiValue(None, "not_started", unit, kpi.target, start, end, end_m.commit)
    if "skipped" in (start_m.status, end_m.status):
        out.status, out.note = "not_applicable", "a milestone it measures is skipped"
        return out
    if start is None:
        return out
    if not t.costs:
        out.status, out.note = "unknown", "no costs are recorded in the project file"
        return out
    reason = _undated(start_m, m.from_event, start_id) or (
        _undated(end_m, m.to_event, start_id) if end is not None else None
    )
    if reason:
        out.status, out.note = "unknown", reason
        return out
    if end is not None and end < start:
        out.status = "unknown"
        out.note = f"{m.to_event} is dated before {m.from_event}; check the dates"
        return out
    until = as_of if end is None else end
    recurring = [c for c in t.costs if c.per != "once"]
    # A one-off cost counts unless its declared date is after the span.
    once = [c for c in t.costs if c.per == "once" and (not c.dated or c.starts_at <= until)]
    accruing = [c for c in recurring if money.accrues(c, start, until)]
    if not all(money.has_rate(c) for c in [*accruing, *once]):
        out.status, out.note = "unknown", money.missing_note([*accruing, *once])
        return out
    total = sum(money.accrued(c, start, until) for c in accruing)
    total += sum(money.convert(c) for c in once)
    out.value = round(total, 2)
    out.status = "running" if end is None else judge(kpi, out.value)
    if end is None:
        out.commit = None
    return out


def _tco(
    kpi: KpiDef, m: TcoMeasure, t: Timeline, as_of: int, unit: str, money: Money, start_id: str
) -> KpiValue:
    years = m.projection_years
    start = t.milestones.get(start_id)
    base = start.done_at if start and start.done_at is not None else t.created_at
    horizon = base + years * YEAR_DAYS * DAY
    if t.archived:  # a deleted project stops costing when it was deleted
        horizon = min(horizon, as_of)
    why = "no costs are recorded in the project file" if not t.costs else None
    counted = [c for c in t.costs if money.accrues(c, None, max(as_of, horizon))]
    if not all(money.has_rate(c) for c in counted):
        why = money.missing_note(counted)
    counted = [c for c in counted if money.has_rate(c)]
    if why:
        return KpiValue(None, "unknown", unit, kpi.target, base, as_of, None, why)
    value = sum(money.accrued(c, None, as_of) for c in counted)
    projected = sum(money.accrued(c, None, horizon) for c in counted)
    return KpiValue(
        round(value, 2),
        judge(kpi, value),
        unit,
        kpi.target,
        base,
        as_of,
        None,
        f"projected to {years:g} years after {start_id}",
        projected=round(projected, 2),
    )


def project_result(t: Timeline, config: Config, as_of: int) -> ProjectResult:
    # An archived project's clocks stop when its file was deleted.
    clock = min(as_of, t.last_change_at) if t.archived else as_of
    start_id = config.roles.start
    money = Money(config)
    categories: dict[str, float] = defaultdict(float)
    for cost in t.costs:
        if money.has_rate(cost):  # the rest leave the cost to date unknown (costs_left_out)
            categories[cost.category] += money.accrued(cost, None, clock)
    left_out = money.left_out(t.costs, clock)
    accrued = [c for c in t.costs if money.accrues(c, None, clock)]
    cost_to_date = None if left_out else round(sum(categories.values()), 2)
    value = project_value(t, config, as_of, cost_to_date)
    start = t.milestones.get(start_id)
    started = start.done_at if start else None
    results: dict[str, KpiValue] = {}
    for kpi in config.kpis:
        unit = kpi.unit_in(config.reporting_currency)
        m = kpi.measure
        if isinstance(m, DurationMeasure):
            results[kpi.id] = _duration(kpi, m, t, clock, unit, start_id)
        elif isinstance(m, ItemsMeasure):
            results[kpi.id] = _items(kpi, m, t, clock, unit)
        elif isinstance(m, EnvironmentsMeasure):
            results[kpi.id] = _environments(kpi, m, t, clock, unit, config.environments, start_id)
        elif isinstance(m, CostMeasure):
            results[kpi.id] = _cost(kpi, m, t, clock, unit, money, start_id)
        elif isinstance(m, ValueMeasure):
            results[kpi.id] = value_kpi(kpi, m, value, started, clock, unit)
        else:
            results[kpi.id] = _tco(kpi, m, t, clock, unit, money, start_id)
    if t.archived:  # a deleted project's clocks stopped: none of them is still running late
        for kpi_value in results.values():
            if kpi_value.status == "overdue":
                kpi_value.status = "running"
    phase = phase_of(t.data.get("milestones") or {}, config.roles)
    return ProjectResult(
        id=t.id,
        name=str(t.data.get("name", t.id)),
        team=str(t.data.get("team", "")),
        labels=list(t.data.get("labels") or []),
        path=t.path,
        phase=phase,
        archived=t.archived,
        start_at=started,
        last_change_at=t.last_change_at,
        kpis=results,
        costs_by_category={k: round(v, 2) for k, v in sorted(categories.items())},
        standing=standing(t, phase, config, as_of),
        costs_left_out=tuple(left_out),
        costs_note=money.missing_note(accrued) if left_out else None,
        value=value,
    )
