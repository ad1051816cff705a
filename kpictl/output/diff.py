"""`kpictl diff BASE [HEAD]`: what a change does, as Markdown for a pull request's job summary.

Both sides are computed at the same moment, each with its own kpictl.yaml, so a KPI moves only
because the change moves it: through a project file, or through the configuration.

The summary is posted where the site's readers may read it (a pull request), so it follows
`publish: {costs: ..., value: ...}` as the site does, the stricter of the two sides: `totals`
leaves out line items (items, vendors, amounts), `false` every amount and the KPIs counted in
it (net value, return and payback need both).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from kpictl.config import Config, KpiDef
from kpictl.config.definitions import Gate
from kpictl.dates import day_text, minute_text
from kpictl.kpis import Forecast, KpiValue, ProjectResult
from kpictl.kpis.timeline import Timeline
from kpictl.output.benefits_diff import (
    benefit_changes,
    new_project_benefits,
    shown_catalog,
    value_shown,
)
from kpictl.output.id_changes import IdChange, find_id_changes, id_change_note
from kpictl.output.markdown import code, md_text
from kpictl.output.report import STATUS_WORDS, number_text
from kpictl.project.status import status_of

if TYPE_CHECKING:
    from kpictl.pipeline import Computed

_FINAL = ("met", "missed", "measured")
_COSTS_ORDER = ("false", "totals", "true")  # from the least shown to the most
_WITHHELD = {
    "totals": "line items not published (`publish: {costs: totals}`)",
    "false": "not published (`publish: {costs: false}`)",
}


def _costs_shown(before: Config, after: Config) -> str:
    """The stricter `publish.costs` of the two sides: a change that withholds costs is already
    withheld in its own summary."""
    return min(before.publish.costs, after.publish.costs, key=_COSTS_ORDER.index)


@dataclass(frozen=True)
class _Side:
    timelines: dict[str, Timeline]
    results: dict[str, ProjectResult]


def diff_markdown(before_side: Computed, after_side: Computed, base: str, head: str | None) -> str:
    """The change from ``before_side`` (BASE) to ``after_side`` (HEAD, or the working tree when
    ``head`` is None), both computed at the same moment."""
    before = _side(before_side)
    after = _side(after_side)
    where = "the working tree" if head is None else code(head)
    id_changes = {c.old_id: c for c in find_id_changes(before.timelines, after.timelines)}
    lines = [
        "## What this change does to the KPIs",
        "",
        *id_change_note(list(id_changes.values())),
        f"Comparing {code(base)} with {where}, both as of {minute_text(after_side.as_of)} UTC.",
    ]
    pending = after_side.history.pending_commits
    if pending:
        many = pending != 1
        lines.append(
            f"{pending} commit{'s' if many else ''} of {code(head) if head else 'this branch'} "
            f"{'are' if many else 'is'} not on "
            f"{code(base)} yet: {'they count' if many else 'it counts'} as landing at that "
            "moment, as when merged."
        )
    lines.append("")
    lines += _warnings(before_side, after_side)
    costs = _costs_shown(before_side.config, after_side.config)
    configuration = _configuration(before_side.config, after_side.config, costs)
    lines += configuration
    touched = sorted(
        pid
        for pid in before.timelines.keys() | after.timelines.keys()
        if _content_changed(before.timelines.get(pid), after.timelines.get(pid))
    )
    value = value_shown(before_side.config, after_side.config)
    catalog = shown_catalog(after_side.report.catalog, costs, value)
    moved_elsewhere = [
        pid
        for pid in sorted(before.results.keys() & after.results.keys())
        if pid not in touched and _kpi_rows(before.results[pid], after.results[pid], catalog)
    ]
    if not touched and not moved_elsewhere and not configuration:
        lines.append("No change to any project file, to kpictl.yaml, or to any KPI.")
        return "\n".join(lines) + "\n"
    for pid in touched:
        lines += _project(pid, before, after, catalog, (costs, value), id_changes.get(pid))
    if moved_elsewhere:
        lines += [
            "### Projects whose KPIs move without a change to their file",
            "",
            "| project | KPI | before | after | target |",
            "|---|---|---|---|---|",
        ]
        for pid in moved_elsewhere:
            name = md_text(after.results[pid].name)
            for row in _kpi_rows(before.results[pid], after.results[pid], catalog):
                lines.append(f"| {name} {row}")
        lines.append("")
    lines += _forecasts(before, after, touched)
    lines += _portfolio(before_side, after_side, catalog)
    return "\n".join(lines) + "\n"


def _side(computed: Computed) -> _Side:
    return _Side({t.id: t for t in computed.timelines}, {p.id: p for p in computed.report.projects})


def _content_changed(old: Timeline | None, new: Timeline | None) -> bool:
    if old is None or new is None:
        return old is not new
    # Changed content, a move or an archive, or new revisions that end where they began.
    return (old.data, old.path, old.archived, old.last_change_at) != (
        new.data,
        new.path,
        new.archived,
        new.last_change_at,
    )


def _warnings(before_side: Computed, after_side: Computed) -> list[str]:
    fresh = [w for w in after_side.warnings if w not in before_side.warnings]
    if not fresh:
        return []
    lines = ["**Warnings** (what this change leaves out of the numbers):", ""]
    return [*lines, *(f"- {md_text(w)}" for w in fresh), ""]


def _configuration(old: Config, new: Config, costs: str) -> list[str]:
    """What kpictl.yaml changes: targets, the catalog, rates, limits, the time zone."""
    changes: list[str] = []
    old_kpis, new_kpis = {k.id: k for k in old.kpis}, {k.id: k for k in new.kpis}
    for kpi_id in new_kpis.keys() - old_kpis.keys():
        changes.append(f"- KPI added: **{md_text(new_kpis[kpi_id].title)}** ({code(kpi_id)})")
    for kpi_id in old_kpis.keys() - new_kpis.keys():
        changes.append(f"- KPI removed: **{md_text(old_kpis[kpi_id].title)}** ({code(kpi_id)})")
    for kpi_id in sorted(old_kpis.keys() & new_kpis.keys()):
        was, now = old_kpis[kpi_id], new_kpis[kpi_id]
        unit = now.unit_in(new.reporting_currency)
        if was.target != now.target and (costs != "false" or now.unit != "currency"):
            changes.append(
                f"- target of **{md_text(now.title)}**: {_target(was.target, unit)} → "
                f"{_target(now.target, unit)}"
            )
        if (was.measure, was.direction) != (now.measure, now.direction):
            changes.append(f"- definition of **{md_text(now.title)}**: {md_text(now.definition)}")
    old_ms, new_ms = {m.id: m for m in old.milestones}, {m.id: m for m in new.milestones}
    for name in new_ms.keys() - old_ms.keys():
        changes.append(f"- milestone added: **{md_text(new_ms[name].title)}** ({code(name)})")
    for name in old_ms.keys() - new_ms.keys():
        changes.append(f"- milestone removed: **{md_text(old_ms[name].title)}** ({code(name)})")
    for label, was_value, now_value in (
        ("reporting currency", old.reporting_currency, new.reporting_currency),
        ("currency rates", dict(old.rates), dict(new.rates)),
        ("time zone", old.timezone, new.timezone),
        ("proof-of-concept limit (days)", old.poc_days, new.poc_days),
        ("stale limit (days)", old.stale_days, new.stale_days),
        ("environments", old.environments, new.environments),
        ("gates", _gates(old.gates), _gates(new.gates)),
        ("roles", old.roles, new.roles),
    ):
        if was_value != now_value:
            changes.append(
                f"- {label}: {md_text(_plain(was_value))} → {md_text(_plain(now_value))}"
            )
    if not changes:
        return []
    return ["### kpictl.yaml", "", *sorted(changes), ""]


def _gates(gates: tuple[Gate, ...]) -> tuple[str, ...]:
    """Each gate as a reader says it: "launched done needs security_review"."""
    return tuple(f"{g.milestone} {g.status} needs {' and '.join(g.requires)}" for g in gates)


def _plain(value: Any) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{k} {v:g}" for k, v in sorted(value.items())) or "none"
    if isinstance(value, tuple):
        return ", ".join(_plain(v) if not isinstance(v, str) else v for v in value) or "none"
    if hasattr(value, "__dataclass_fields__"):
        return " ".join(f"{k} {_plain(getattr(value, k))}" for k in value.__dataclass_fields__)
    return str(value)


def _project(
    pid: str,
    before: _Side,
    after: _Side,
    catalog: tuple[KpiDef, ...],
    shown: tuple[str, str],
    id_change: IdChange | None,
) -> list[str]:
    costs, value = shown
    old_t, new_t = before.timelines.get(pid), after.timelines.get(pid)
    old = old_t.data if old_t else {}
    new = new_t.data if new_t else {}
    name = md_text(str(new.get("name") or old.get("name") or pid))
    if old_t is None and new_t is not None:
        return _new_project(pid, name, new_t, after.results.get(pid), catalog, shown)
    states = []
    if old_t is not None and new_t is not None:
        if new_t.archived and not old_t.archived and id_change is not None:
            renamed = id_change.new_path != old_t.path
            states.append(
                f"archived: {code(old_t.path)} "
                + (f"was renamed {code(id_change.new_path)} and " if renamed else "now ")
                + f"says {code('id: ' + id_change.new_id)}"
            )
        elif new_t.archived and not old_t.archived:
            states.append(f"archived: {code(old_t.path)} was deleted")
        elif old_t.archived and not new_t.archived:
            states.append(f"restored in {code(new_t.path)}")
        elif old_t.path != new_t.path:
            states.append(f"moved from {code(old_t.path)} to {code(new_t.path)}")
    lines = [f"### {name} ({code(pid)})", ""]
    lines += [f"- {state}" for state in states]
    changes = [
        *_status_changes(old, new, "milestones"),
        *_status_changes(old, new, "environments"),
        *_entries(old, new, "updates", "id"),
        *_entries(old, new, "feedback_rounds", "id"),
        *(
            _entries(old, new, "costs", "item")
            if costs == "true"
            else [f"- costs changed: {_WITHHELD[costs]}"]
            if (old.get("costs") or []) != (new.get("costs") or [])
            else []
        ),
        *benefit_changes(old, new, value),
    ]
    if not changes and not states:
        changes = ["- milestones, updates and costs unchanged; a revision landed and was undone"]
    lines += changes
    old_r, new_r = before.results.get(pid), after.results.get(pid)
    if old_r is not None and new_r is not None:
        rows = _kpi_rows(old_r, new_r, catalog)
        if rows:
            lines += ["", "| KPI | before | after | target |", "|---|---|---|---|", *rows]
    return [*lines, ""]


def _new_project(
    pid: str,
    name: str,
    timeline: Timeline,
    result: ProjectResult | None,
    catalog: tuple[KpiDef, ...],
    shown: tuple[str, str],
) -> list[str]:
    costs, value = shown
    team = md_text(str(timeline.data.get("team", "")))
    lines = [
        f"### {name} ({code(pid)}), new project",
        "",
        f"- team {team}, file {code(timeline.path)}",
    ]
    done = [code(n) for n, d in timeline.milestones.items() if d.status == "done"]
    lines.append(f"- milestones done: {', '.join(done) if done else 'none yet'}")
    items = timeline.data.get("costs") or []
    if items and costs != "true":
        lines.append(f"- costs: {_WITHHELD[costs]}")
    for cost in items if costs == "true" else []:
        lines.append(f"- cost: **{md_text(str(cost['item']))}**, {md_text(_describe(cost))}")
    lines += new_project_benefits(timeline.data, value)
    if result is not None:
        final = [
            f"{md_text(k.title)} {_value(result.kpis[k.id])}"
            for k in catalog
            if result.kpis[k.id].status in _FINAL
        ]
        if final:
            lines.append(f"- KPIs with a value: {'; '.join(final)}")
    return [*lines, ""]


def _status_changes(old: dict[str, Any], new: dict[str, Any], section: str) -> list[str]:
    names = list(dict.fromkeys([*(old.get(section) or {}), *(new.get(section) or {})]))
    lines = []
    label = section[:-1]
    for name in names:
        was = status_of((old.get(section) or {}).get(name))
        now = status_of((new.get(section) or {}).get(name))
        if was != now:
            lines.append(f"- {label} {code(name)}: {was} → {now}")
    return lines


def _entries(old: dict[str, Any], new: dict[str, Any], section: str, key: str) -> list[str]:
    before = {e[key]: e for e in old.get(section) or []}
    after = {e[key]: e for e in new.get(section) or []}
    lines = []
    label = {"updates": "update", "feedback_rounds": "feedback round", "costs": "cost"}[section]
    for name in after.keys() - before.keys():
        described = md_text(_describe(after[name]))
        lines.append(f"- {label} added: **{md_text(str(name))}** ({described})")
    for name in before.keys() - after.keys():
        lines.append(f"- {label} removed: **{md_text(str(name))}**")
    for name in sorted(before.keys() & after.keys(), key=str):
        if before[name] != after[name]:
            lines.append(
                f"- {label} changed: **{md_text(str(name))}** "
                f"({md_text(_describe(before[name]))} → {md_text(_describe(after[name]))})"
            )
    return sorted(lines)


def _describe(entry: dict[str, Any]) -> str:
    if "amount" in entry:
        per = "" if entry.get("per") == "once" else f"/{entry.get('per')}"
        return f"{entry['amount']:,} {entry.get('currency', '')}{per}, {entry.get('category', '')}"
    return ", ".join(str(entry.get(k)) for k in ("kind", "status") if entry.get(k) is not None)


def _kpi_rows(old: ProjectResult, new: ProjectResult, catalog: tuple[KpiDef, ...]) -> list[str]:
    rows = []
    for kpi in catalog:
        was, now = old.kpis.get(kpi.id), new.kpis.get(kpi.id)
        if _moved(was, now):
            unit = now.unit if now else (was.unit if was else "")
            rows.append(
                f"{md_text(kpi.title)} | {_value(was)} | {_value(now)} | "
                f"{_target(now.target if now else kpi.target, unit)} |"
            )
    return [f"| {row}" for row in rows]


def _value(v: KpiValue | None) -> str:
    if v is None:
        return "—"
    if v.value is None:
        return STATUS_WORDS.get(v.status, v.status)
    unit = "" if v.unit == "ratio" else f" {v.unit}"  # a return reads as a percentage
    return f"{number_text(v.value, v.unit)}{unit} ({STATUS_WORDS.get(v.status, v.status)})"


def _target(target: float | None, unit: str) -> str:
    return "none" if target is None else number_text(target, unit)


def _moved(before: KpiValue | None, after: KpiValue | None) -> bool:
    if before is None or after is None:
        return before is not after
    if before.status != after.status:
        return True
    if before.value is None or after.value is None:
        return before.value != after.value
    tolerance = {"days": 0.05, "ratio": 0.0005}.get(after.unit, 0.5)
    return abs(before.value - after.value) > tolerance


def _forecast_text(forecast: Forecast | None) -> str:
    if forecast is None:
        return "none (launched or archived)"
    if forecast.p50 is None:
        return "no date"
    p85 = "no date" if forecast.p85 is None else day_text(forecast.p85)
    return f"{day_text(forecast.p50)} (85%: {p85})"


def _forecasts(before: _Side, after: _Side, touched: list[str]) -> list[str]:
    """Launch forecasts that move: those of the projects the change touched, one by one; the
    others (moved only through the durations every forecast shares) in one line."""
    rows, shared = [], []
    for pid in sorted(before.results.keys() & after.results.keys()):
        was, now = before.results[pid].forecast, after.results[pid].forecast
        if _forecast_text(was) == _forecast_text(now):
            continue
        if pid in touched:
            name = md_text(after.results[pid].name)
            rows.append(f"| {name} | {_forecast_text(was)} | {_forecast_text(now)} |")
        else:
            shared.append(pid)
    if not rows and not shared:
        return []
    lines = ["### Launch forecasts that move", ""]
    if rows:
        lines += ["| project | expected launch before | after |", "|---|---|---|", *rows, ""]
    if shared:
        lines += [
            f"{len(shared)} other forecast{'s' if len(shared) != 1 else ''} moved with the "
            "durations every forecast shares.",
            "",
        ]
    return lines


def _portfolio(
    before_side: Computed, after_side: Computed, catalog: tuple[KpiDef, ...]
) -> list[str]:
    before, after = before_side.report, after_side.report
    rows = []
    for kpi in catalog:
        old_s, new_s = before.portfolio.kpis.get(kpi.id), after.portfolio.kpis[kpi.id]
        if old_s is None or (old_s.n, old_s.median) != (new_s.n, new_s.median):
            unit = kpi.unit_in(after.currency)
            was = "—" if old_s is None else f"{number_text(old_s.median, unit)} ({_count(old_s.n)})"
            rows.append(
                f"| {md_text(kpi.title)} | {was} | {number_text(new_s.median, unit)} "
                f"({_count(new_s.n)}) | {unit} |"
            )
    if not rows:
        return []
    return [
        "### Portfolio medians that move",
        "",
        "| KPI | before | after | unit |",
        "|---|---|---|---|",
        *rows,
        "",
    ]


def _count(n: int) -> str:
    return f"{n} project{'s' if n != 1 else ''}"
