"""The home page: a tile per KPI with its trend, the KPIs missed now (the biggest miss first),
the learning curve in a sentence, the most urgent stuck projects, the latest milestones and the
launches expected. It stays short at any size: lists show the few that matter most and link to
the page with all of them (the attention list, the roadmap)."""

from __future__ import annotations

from typing import Any

from markupsafe import Markup

from kpictl.config import KpiDef
from kpictl.site import charts, phrases
from kpictl.site.attention_page import attention_items
from kpictl.site.page_context import PageContext
from kpictl.site.roadmap_page import RUNNING
from kpictl.site.value_pages import home_value

LATEST = 3  # milestones in the home page's latest list (each project's page has all)
VALUE_PHASE = "value"
STUCK_SHOWN = 5  # the most urgent stuck projects; the attention list has them all


def home_page(site: PageContext) -> str:
    p = site.report.portfolio
    ids = charts.Ids("h")
    tiles: dict[str, list[dict[str, Any]]] = {phase: [] for phase in phrases.PHASE_TITLES}
    for kpi in site.report.catalog:
        # Value and return are answered by the home's value sentence, in portfolio totals and
        # the pooled return; a tile of per-project medians beside it would answer differently
        # (the KPIs page has their tiles).
        if kpi.phase != VALUE_PHASE:
            tiles.setdefault(kpi.phase, []).append(_tile(site, kpi, ids))
    missed = [
        (k, p.current[k.id]) for k in site.report.catalog if p.current[k.id].status == "missed"
    ]
    # The biggest miss first, as a share of the target (a 160% miss before a 3% one).
    missed.sort(key=lambda kc: -(kc[1].miss_pct if kc[1].miss_pct is not None else -1))
    latest: list[dict[str, Any]] = [
        {
            "done_at": d.done_at,
            "project": t.id,
            "milestone": site.titles.get(name, name),
            "commit": d.commit,
            "source": d.source,
            "provisional": d.provisional,
        }
        for t in site.timelines.values()
        for name, d in t.milestones.items()
        if d.done_at is not None and d.source in ("git", "declared", "added")
    ]
    latest.sort(key=lambda row: (-row["done_at"], row["project"], row["milestone"]))
    results = {r.id: r for r in site.report.projects}
    stuck = sorted(
        (results[i] for i in p.stuck),
        key=lambda r: (-max(k.days - k.allowed for k in r.standing.stuck), r.name.lower()),
    )
    window = next(iter(p.current.values())).quarters if p.current else ()
    return site.render(
        "index.md.j2",
        "",
        p=p,
        tiles=tiles,
        missed=missed,
        window=window,
        curve=_curve_sentence(site),
        stuck=stuck[:STUCK_SHOWN],
        stuck_count=len(stuck),
        attention_count=len(attention_items(site, site.report.projects)),
        running_count=sum(1 for r in site.report.projects if r.standing.state in RUNNING),
        owners={i: str(site.timelines[i].data.get("owner", "")) for i in p.stuck},
        limits={r.id: site.limits(r) for r in stuck},
        latest=latest[:LATEST],
        warnings=site.warnings,
        expected_launches=_expected_launches(site),
        value=home_value(site),
    )


def _tile(site: PageContext, kpi: KpiDef, ids: charts.Ids) -> dict[str, Any]:
    p = site.report.portfolio
    trend = site.trend(kpi)
    known = [q for q in trend if q.median is not None]
    return {
        "kpi": kpi,
        "unit": site.units[kpi.id],
        "summary": p.kpis[kpi.id],
        "status": p.statuses[kpi.id],
        "current": p.current[kpi.id],
        "overdue": p.overdue.get(kpi.id, 0),
        "spark": Markup(
            charts.sparkline(
                ids, [q.median for q in trend], f"{kpi.title}: median by quarter", kpi.target
            )
        ),
        "first": known[0] if len(known) > 1 else None,
        "last": known[-1] if len(known) > 1 else None,
        "change": _change_words(kpi, p.current[kpi.id].change, site.units[kpi.id]),
    }


def _change_words(kpi: KpiDef, change: float | None, unit: str) -> str | None:
    """The value now against the all-time median, in words that say better or worse: "3.2 days
    shorter: better"; "the same"."""
    if change is None:
        return None
    size = phrases.short_amount(abs(change), unit)
    if size in (phrases.short_amount(0.0, unit), ""):
        return "the same"
    if unit == "days":
        way = "longer" if change > 0 else "shorter"
    else:
        way = "higher" if change > 0 else "lower"
    better = change < 0 if kpi.direction == "lower" else change > 0
    return f"{size} {way}: {'better' if better else 'worse'}"


def _curve_sentence(site: PageContext) -> dict[str, Any] | None:
    """Each doubling of launched projects cuts the time to launch by 17%, in parts."""
    p = site.report.portfolio
    parts, launches, reliable = [], 0, True
    for kpi in site.report.catalog:
        fit = p.learning_curve.get(kpi.id)
        if fit is None:
            continue
        launches = max(launches, fit.n)
        if fit.rate_per_doubling is None:
            continue
        change = (1 - fit.rate_per_doubling) * 100
        verb = "cuts" if change >= 0 else "raises"
        title = kpi.title[:1].lower() + kpi.title[1:]
        parts.append(f"{verb} the {title} by {abs(change):.0f}%")
        reliable = reliable and fit.note.startswith("each doubling")
    if not parts and not launches:
        return None
    return {"parts": parts, "launches": launches, "reliable": reliable}


def _expected_launches(site: PageContext) -> str | None:
    """Launches expected in the next full quarter, with the count reached with 85%
    confidence, and in the rest of this one."""
    launches = site.report.portfolio.launches_expected
    if not launches:
        return None
    parts = []
    for row, label in zip(launches[:2], ("the rest of ", "next quarter, "), strict=False):
        parts.append(
            f"{label}{row.quarter}: {row.median} expected "
            f"(at least {row.at_least_85} with 85% confidence)"
        )
    return "Launches " + "; ".join(parts) + ". Forecast from the portfolio's own pace."
