"""What a project and the portfolio give back: benefits accrued like costs (same rates, a month
is 12/365.25 of a year per day), net of the costs accrued, the return on them, and when value
first covered cost (payback).

Pure: no git, files or clock. Every value is as of the as-of moment, like the total cost of
ownership.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from kpictl.config import Config, KpiDef
from kpictl.config.definitions import ValueMeasure
from kpictl.dates import DAY, is_partial, quarters, zone
from kpictl.kpis.judge import judge, judge_running
from kpictl.kpis.money import Accruing, Money
from kpictl.kpis.results import (
    GroupValue,
    KpiValue,
    LeftOut,
    PortfolioValue,
    ProjectResult,
    ProjectValue,
)
from kpictl.kpis.timeline import Timeline

NO_BENEFITS = "no benefits recorded"
NO_COST = "no cost accrued by the as-of date, so there is no return to compute"


def _clock(t: Timeline, as_of: int) -> int:
    """An archived project stops costing and giving back when its file was deleted."""
    return min(as_of, t.last_change_at) if t.archived else as_of


def _total(money: Money, items: Iterable[Accruing], end: float) -> float:
    return sum(money.accrued(i, None, end) for i in items)


def _slope(money: Money, items: Iterable[Accruing], moment: float) -> float:
    return sum(money.rate_at(i, moment) for i in items)


def payback_moment(
    money: Money, benefits: Sequence[Accruing], costs: Sequence[Accruing], end: int
) -> int | None:
    """The first moment by ``end`` at which accrued value is positive and reaches accrued cost,
    to the second; None when it has not. Both are piecewise linear between the moments an
    item starts or ends (a one-off adds its amount at its day), so each piece is solved exactly."""
    edges = {i.starts_at for i in (*benefits, *costs)}
    edges |= {i.ends_at for i in (*benefits, *costs) if i.ends_at is not None}
    moments = [*sorted(m for m in edges if m < end), end]
    for begin, stop in zip(moments, [*moments[1:], end], strict=True):
        value, cost = _total(money, benefits, begin), _total(money, costs, begin)
        gaining = _slope(money, benefits, begin)
        slope = gaining - _slope(money, costs, begin)
        if value >= cost and (value > 0 or (gaining > 0 and slope >= 0 and stop > begin)):
            return begin
        if slope > 0 and stop > begin:
            crossing = begin + (cost - value) / slope
            if crossing <= stop:
                return min(stop, int(-(-crossing // 1)))  # the first whole second at or after
    return None


def project_value(t: Timeline, config: Config, as_of: int, cost: float | None) -> ProjectValue:
    """``t``'s value as of ``as_of``; ``cost`` is its cost to date (None: unknown)."""
    if not t.benefits:
        return ProjectValue(None, None, cost, None, None, None, None, NO_BENEFITS)
    money = Money(config)
    clock = _clock(t, as_of)
    measurements = tuple(
        (b.item, b.measured_at, b.measured_commit)
        for b in sorted(t.benefits, key=lambda b: (b.measured_at or 0, b.item))
        if b.measured_at is not None
    )
    left_out = tuple(money.left_out(t.benefits, clock))
    if left_out:
        note = money.missing_note(b for b in t.benefits if money.accrues(b, None, clock))
        note = note.replace("costs in", "benefits in")
        return ProjectValue(
            None, None, cost, None, None, None, None, note, None, None, left_out, measurements
        )
    # A benefit without a rate that accrues by now was left out above; one that starts later
    # adds nothing yet (and cannot be converted).
    counted = [b for b in t.benefits if money.has_rate(b)]
    to_date = round(_total(money, counted, clock), 2)
    measured = round(_total(money, [b for b in counted if b.basis == "measured"], clock), 2)
    net = roi = None
    roi_note = payback_note = None
    paid = projected = None
    if cost is None:
        roi_note = payback_note = "the cost to date is unknown (see the costs)"
    else:
        net = round(to_date - cost, 2)
        if cost > 0:
            roi = (to_date - cost) / cost
        else:
            roi_note = NO_COST
        paid = payback_moment(
            money,
            [b for b in t.benefits if money.has_rate(b)],
            [c for c in t.costs if money.has_rate(c)],
            clock,
        )
        if paid is None:
            gains = [b for b in t.benefits if money.has_rate(b)]
            costs = [c for c in t.costs if money.has_rate(c)]
            gain = _slope(money, gains, clock) - _slope(money, costs, clock)
            gap = _total(money, costs, clock) - _total(money, gains, clock)
            if gain > 0 and not t.archived:
                projected = int(-(-(clock + gap / gain) // 1))
            else:
                payback_note = "at the current rates, value does not reach cost"
    return ProjectValue(
        to_date,
        measured,
        cost,
        net,
        roi,
        paid,
        projected,
        None,
        roi_note,
        payback_note,
        (),
        measurements,
        tuple(value_curve(t, config, as_of)),
    )


def value_kpi(
    kpi: KpiDef, m: ValueMeasure, v: ProjectValue, start: int | None, as_of: int, unit: str
) -> KpiValue:
    """One value KPI of a project from its ``ProjectValue``; ``start`` is when it started."""
    out = KpiValue(None, "unknown", unit, kpi.target, start, as_of, None, v.note)
    if v.note is not None:
        return out
    if m.of == "to_date":
        out.value = v.to_date
    elif m.of == "net":
        out.value, out.note = v.net, v.roi_note if v.net is None else None
    elif m.of == "roi":
        out.value, out.note = v.roi, v.roi_note
    else:
        return _payback(kpi, v, start, as_of, out)
    if out.value is not None:
        out.status = judge(kpi, out.value)
    return out


def _payback(
    kpi: KpiDef, v: ProjectValue, start: int | None, as_of: int, out: KpiValue
) -> KpiValue:
    if start is None:
        out.status, out.note = "not_started", None
        return out
    if v.paid_back_at is not None:
        out.value = max(0.0, (v.paid_back_at - start) / DAY)
        out.to_at, out.status = v.paid_back_at, judge(kpi, out.value)
        return out
    if v.cost is None:
        out.note = v.payback_note
        return out
    out.value, out.to_at = max(0.0, (as_of - start) / DAY), None
    out.status = judge_running(kpi, out.value)
    out.projected_at, out.note = v.projected_payback_at, v.payback_note
    return out


def _pooled(value: float, cost: float) -> float | None:
    return (value - cost) / cost if cost > 0 else None


def portfolio_value(
    timelines: Sequence[Timeline],
    projects: Sequence[ProjectResult],
    config: Config,
    as_of: int,
    cost_to_date: float,
) -> PortfolioValue | None:
    """The portfolio's value: totals of the benefits that convert, quarter by quarter, the
    pooled return on ``cost_to_date`` (the portfolio's spend), and by team and label."""
    with_benefits = [t for t in timelines if t.benefits]
    if not with_benefits:
        return None
    money = Money(config)
    tz = zone(config.timezone)

    def totals(moment: int) -> tuple[float, float]:
        value = measured = 0.0
        for t in with_benefits:
            until = min(moment, _clock(t, as_of))
            counted = [b for b in t.benefits if money.has_rate(b)]
            value += _total(money, counted, until)
            measured += _total(money, [b for b in counted if b.basis == "measured"], until)
        return value, measured

    first = min(b.starts_at for t in with_benefits for b in t.benefits)
    ends = {label: end for label, _, end in quarters(as_of, as_of, tz)}
    by_quarter: list[tuple[str, float, float, bool]] = []
    before = (0.0, 0.0)
    for label, _, end in quarters(min(first, as_of), as_of, tz):
        now = totals(min(end, as_of))
        partial = label in ends and is_partial(ends[label], as_of)
        by_quarter.append(
            (label, round(now[0] - before[0], 2), round(now[1] - before[1], 2), partial)
        )
        before = now
    to_date, measured = totals(as_of)
    full = [(q, v) for q, v, _, partial in by_quarter if not partial]
    partial_projects = [p for p in projects if p.value is not None and p.value.left_out]
    left_out = LeftOut(
        tuple(p.id for p in partial_projects),
        tuple(sorted({c for p in partial_projects if p.value for c in p.value.left_out})),
    )
    return PortfolioValue(
        to_date=round(to_date, 2),
        measured_to_date=round(measured, 2),
        cost_to_date=cost_to_date,
        roi=_pooled(to_date, cost_to_date),
        by_quarter=tuple(by_quarter),
        last_quarter=full[-1] if full else None,
        paid_back=tuple(p.id for p in projects if p.value and p.value.paid_back_at is not None),
        groups=_groups(projects),
        left_out=left_out if partial_projects else None,
    )


def _groups(projects: Sequence[ProjectResult]) -> dict[str, dict[str, GroupValue]]:
    groups: dict[str, dict[str, GroupValue]] = {}
    for kind in ("team", "label"):
        sums: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])
        for p in projects:
            for name in [p.team] if kind == "team" else p.labels:
                entry = sums[name]
                if p.value is not None and p.value.to_date is not None:
                    entry[0] += p.value.to_date
                    entry[1] += p.value.measured or 0.0
                entry[2] += p.cost_converted
        groups[kind] = {
            name: GroupValue(round(v, 2), round(m, 2), round(c, 2), _pooled(v, c))
            for name, (v, m, c) in sorted(sums.items())
        }
    return groups


def value_curve(t: Timeline, config: Config, as_of: int) -> list[tuple[int, float, float, float]]:
    """Cumulative (moment, cost, estimated value, measured value) of ``t`` at each moment an
    item starts or ends, and at the as-of date: the points of its value-against-cost chart
    (straight lines between them). Empty without benefits."""
    if not t.benefits:
        return []
    money = Money(config)
    clock = _clock(t, as_of)
    costs: list[Accruing] = [c for c in t.costs if money.has_rate(c)]
    benefits = [b for b in t.benefits if money.has_rate(b)]
    measured: list[Accruing] = [b for b in benefits if b.basis == "measured"]
    estimated: list[Accruing] = [b for b in benefits if b.basis != "measured"]
    every: list[Accruing] = [*costs, *benefits]
    moments = {i.starts_at for i in every}
    moments |= {i.starts_at - 1 for i in every if i.per == "once"}  # the step
    moments |= {i.ends_at for i in every if i.ends_at is not None}
    points = []
    for moment in [*sorted(m for m in moments if m < clock), clock]:
        points.append(
            (
                moment,
                round(_total(money, costs, moment), 2),
                round(_total(money, estimated, moment), 2),
                round(_total(money, measured, moment), 2),
            )
        )
    return points
