"""The home page: a tile per KPI with its trend, the KPIs missed now, the learning curve in a
sentence, the stuck projects, the latest milestones and the launches expected."""

from __future__ import annotations

from typing import Any

from markupsafe import Markup

from kpictl.config import KpiDef
from kpictl.site import charts, phrases
from kpictl.site.page_context import PageContext
from kpictl.site.value_pages import home_value

LATEST = 10  # milestones in the home page's latest list


def home_page(site: PageContext) -> str:
    p = site.report.portfolio
    ids = charts.Ids("h")
    tiles: dict[str, list[dict[str, Any]]] = {phase: [] for phase in phrases.PHASE_TITLES}
    for kpi in site.report.catalog:
        tiles.setdefault(kpi.phase, []).append(_tile(site, kpi, ids))
    missed = [
        (k, p.current[k.id]) for k in site.report.catalog if p.current[k.id].status == "missed"
    ]
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
    stuck = [results[i] for i in p.stuck]
    window = next(iter(p.current.values())).quarters if p.current else ()
    return site.render(
        "index.md.j2",
        "",
        p=p,
        tiles=tiles,
        missed=missed,
        window=window,
        curve=_curve_sentence(site),
        stuck=stuck,
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
    }


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
