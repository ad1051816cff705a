"""Benefits in `kpictl diff`: each added, changed, removed, or moved from estimate to measured,
as `publish: {value: ...}` allows; and the KPIs a diff may show under `publish:`."""

from __future__ import annotations

from typing import Any

from kpictl.config import Config, KpiDef
from kpictl.config.definitions import ValueMeasure
from kpictl.output.markdown import md_text

_ORDER = ("false", "totals", "true")  # from the least shown to the most
_WITHHELD = {
    "totals": "line items not published (`publish: {value: totals}`)",
    "false": "not published (`publish: {value: false}`)",
}
_RETURNS = ("net", "roi", "payback")  # reveal costs from value and value from costs


def value_shown(before: Config, after: Config) -> str:
    """The stricter `publish.value` of the two sides."""
    return min(before.publish.value, after.publish.value, key=_ORDER.index)


def shown_catalog(catalog: tuple[KpiDef, ...], costs: str, value: str) -> tuple[KpiDef, ...]:
    """The KPIs a diff may show: no KPI counted in costs when costs are withheld, no value KPI
    when value is, and net value, return and payback only where both are shown."""
    kept = []
    for k in catalog:
        m = k.measure
        if costs == "false" and m.type in ("cost", "tco"):
            continue
        if isinstance(m, ValueMeasure) and (
            value == "false" or (costs == "false" and m.of in _RETURNS)
        ):
            continue
        kept.append(k)
    return tuple(kept)


def _describe(entry: dict[str, Any]) -> str:
    per = "" if entry.get("per") == "once" else f"/{entry.get('per')}"
    return (
        f"{entry['amount']:,} {entry.get('currency', '')}{per}, {entry.get('kind', '')}, "
        f"{entry.get('basis', '')}"
    )


def benefit_changes(old: dict[str, Any], new: dict[str, Any], value: str) -> list[str]:
    """What a change does to a project's benefits, one line each."""
    before = {e["item"]: e for e in old.get("benefits") or []}
    after = {e["item"]: e for e in new.get("benefits") or []}
    if before == after:
        return []
    measured = [
        name
        for name in before.keys() & after.keys()
        if before[name].get("basis") == "estimate" and after[name].get("basis") == "measured"
    ]
    if value != "true":
        moved = f"; {len(measured)} moved from estimate to measured" if measured else ""
        return [f"- benefits changed: {_WITHHELD[value]}{moved}"]
    lines = []
    for name in after.keys() - before.keys():
        described = md_text(_describe(after[name]))
        lines.append(f"- benefit added: **{md_text(str(name))}** ({described})")
    for name in before.keys() - after.keys():
        lines.append(f"- benefit removed: **{md_text(str(name))}**")
    for name in before.keys() & after.keys():
        if before[name] == after[name]:
            continue
        verb = "moved from estimate to measured" if name in measured else "changed"
        lines.append(
            f"- benefit {verb}: **{md_text(str(name))}** "
            f"({md_text(_describe(before[name]))} → {md_text(_describe(after[name]))})"
        )
    return sorted(lines)


def new_project_benefits(data: dict[str, Any], value: str) -> list[str]:
    """A new project's benefits, in the few lines that summarise it."""
    items = data.get("benefits") or []
    if items and value != "true":
        return [f"- benefits: {_WITHHELD[value]}"]
    return [
        f"- benefit: **{md_text(str(b['item']))}**, {md_text(_describe(b))}"
        for b in (items if value == "true" else [])
    ]
