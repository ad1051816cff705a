"""`kpictl diff BASE [HEAD]`: what a pull request changes, as Markdown for the job summary.

Both sides are computed at the same as-of time (the head commit's, or now for the working tree,
as if the change landed now), so a KPI moves only because the change moves it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kpictl.dates import minute_text
from kpictl.kpis import KpiValue
from kpictl.output.report import STATUS_WORDS, md_escape, number_text
from kpictl.project.status import status_of

if TYPE_CHECKING:
    from kpictl.pipeline import Computed


def _code(text: str) -> str:
    """A ref as a Markdown code span (entities are not decoded inside one)."""
    return "`" + text.replace("`", "'").replace("\n", " ") + "`"


def _value(v: KpiValue | None) -> str:
    if v is None:
        return "—"
    if v.value is None:
        return STATUS_WORDS.get(v.status, v.status)
    return f"{number_text(v.value, v.unit)} {v.unit} ({STATUS_WORDS.get(v.status, v.status)})"


def _moved(before: KpiValue | None, after: KpiValue | None) -> bool:
    if before is None or after is None:
        return before is not after
    if before.status != after.status:
        return True
    if before.value is None or after.value is None:
        return before.value != after.value
    tolerance = 0.05 if after.unit == "days" else 0.5
    return abs(before.value - after.value) > tolerance


def _status_changes(old: dict[str, Any], new: dict[str, Any], section: str) -> list[str]:
    names = list(dict.fromkeys([*(old.get(section) or {}), *(new.get(section) or {})]))
    lines = []
    for name in names:
        was = status_of((old.get(section) or {}).get(name))
        now = status_of((new.get(section) or {}).get(name))
        if was != now:
            lines.append(f"- {section[:-1].replace('_', ' ')} **{md_escape(name)}**: {was} → {now}")
    return lines


def _entries(old: dict[str, Any], new: dict[str, Any], section: str, key: str) -> list[str]:
    before = {e[key]: e for e in old.get(section) or []}
    after = {e[key]: e for e in new.get(section) or []}
    lines = []
    label = {"updates": "update", "feedback_rounds": "feedback round", "costs": "cost"}[section]
    for name in after.keys() - before.keys():
        described = md_escape(_describe(after[name]))
        lines.append(f"- {label} added: **{md_escape(str(name))}** ({described})")
    for name in before.keys() - after.keys():
        lines.append(f"- {label} removed: **{md_escape(str(name))}**")
    for name in sorted(before.keys() & after.keys(), key=str):
        if before[name] != after[name]:
            lines.append(
                f"- {label} changed: **{md_escape(str(name))}** "
                f"({md_escape(_describe(before[name]))} → {md_escape(_describe(after[name]))})"
            )
    return sorted(lines)


def _describe(entry: dict[str, Any]) -> str:
    if "amount" in entry:
        per = "" if entry.get("per") == "once" else f"/{entry.get('per')}"
        return f"{entry['amount']:,} {entry.get('currency', '')}{per}, {entry.get('category', '')}"
    return ", ".join(str(entry.get(k)) for k in ("kind", "status") if entry.get(k) is not None)


def diff_markdown(before_side: Computed, after_side: Computed, base: str, head: str | None) -> str:
    """The change from ``before_side`` (BASE) to ``after_side`` (HEAD, or the working tree when
    ``head`` is None), both computed at the same moment."""
    moment = after_side.as_of
    after, before = after_side.report, before_side.report
    after_t = {t.id: t for t in after_side.timelines}
    before_t = {t.id: t for t in before_side.timelines}
    titles = {k.id: k for k in after.catalog}
    # Changed content, or new revisions that end where they began (reopened and done again).
    touched = sorted(
        pid
        for pid in before_t.keys() | after_t.keys()
        if pid not in before_t
        or pid not in after_t
        or before_t[pid].data != after_t[pid].data
        or before_t[pid].last_change_at != after_t[pid].last_change_at
    )
    where = "the working tree" if head is None else _code(head)
    lines = [
        "## What this change does to the KPIs",
        "",
        f"Comparing {_code(base)} with {where}, both as of {minute_text(moment)} UTC.",
        "",
    ]
    fresh = [w for w in after_side.history.warnings if w not in before_side.history.warnings]
    if fresh:
        lines += ["**Warnings**: files that did not validate are left out of this comparison:", ""]
        lines += [f"- {md_escape(w)}" for w in fresh] + [""]
    unpriced = [w for w in after.warnings if w not in before.warnings]
    if unpriced:
        lines += ["**Warnings**: costs without a conversion rate are left out:", ""]
        lines += [f"- {md_escape(w)}" for w in unpriced] + [""]
    if not touched:
        lines.append("No project file changes.")
        return "\n".join(lines) + "\n"
    before_r = {p.id: p for p in before.projects}
    after_r = {p.id: p for p in after.projects}
    for pid in touched:
        old = before_t[pid].data if pid in before_t else {}
        new = after_t[pid].data if pid in after_t else {}
        name = new.get("name") or old.get("name") or pid
        state = ""
        if pid not in before_t:
            state = " (new project)"
        elif pid not in after_t:
            state = " (removed)"
        lines += [f"### {md_escape(str(name))} (`{pid}`){state}", ""]
        changes = [
            *_status_changes(old, new, "milestones"),
            *_status_changes(old, new, "environments"),
            *_entries(old, new, "updates", "id"),
            *_entries(old, new, "feedback_rounds", "id"),
            *_entries(old, new, "costs", "item"),
        ]
        lines += changes or ["- no change to milestones, updates or costs"]
        rows = []
        for kpi_id, kpi in titles.items():
            was = before_r[pid].kpis.get(kpi_id) if pid in before_r else None
            now = after_r[pid].kpis.get(kpi_id) if pid in after_r else None
            if _moved(was, now):
                target = "—" if kpi.target is None else f"{kpi.target:,g}"
                title = md_escape(kpi.title)
                rows.append(f"| {title} | {_value(was)} | {_value(now)} | {target} |")
        if rows:
            lines += ["", "| KPI | before | after | target |", "|---|---|---|---|", *rows]
        lines.append("")
    portfolio = []
    for kpi_id, kpi in titles.items():
        old_s, new_s = before.portfolio.kpis[kpi_id], after.portfolio.kpis[kpi_id]
        if (old_s.n, old_s.median) != (new_s.n, new_s.median):
            unit = kpi.unit_in(after.currency)
            portfolio.append(
                f"| {md_escape(kpi.title)} | {number_text(old_s.median, unit)} (n={old_s.n}) | "
                f"{number_text(new_s.median, unit)} (n={new_s.n}) | {unit} |"
            )
    if portfolio:
        lines += [
            "### Portfolio medians that move",
            "",
            "| KPI | before | after | unit |",
            "|---|---|---|---|",
            *portfolio,
            "",
        ]
    return "\n".join(lines) + "\n"
