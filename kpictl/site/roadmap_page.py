"""The roadmap: every running project on one calendar timeline, grouped by team, with its phase
so far, its next milestone and its expected launch (the band from the date it is likely done by
to the date it is done by at the latest, or "not before" where the forecast only bounds it); and
the same as a sortable table.

The forecasts are the KPI engine's (results.Forecast); this page only draws and words them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from markupsafe import Markup

from kpictl.kpis import ProjectResult
from kpictl.site import charts
from kpictl.site.page_context import PageContext
from kpictl.site.roadmap_chart import Lane, roadmap_chart

RUNNING = ("poc", "production")


@dataclass(frozen=True)
class RoadmapRow:
    r: ProjectResult
    start: int | None  # when it started (the start milestone)
    go_at: int | None  # when it left proof of concept (the go milestone), if it has
    next_title: str | None  # the next milestone, by its title
    next_at: int | None  # when the next milestone is likely done
    p50: int | None  # likely launched by
    p85: int | None  # launched by, at the latest (85%)
    not_before: int | None  # the launch is not earlier than this
    late: bool | None  # longer on its current step than 85% of projects took (None: unknown)
    expected: str  # the expected launch in words
    latest: str  # at the latest, in words


def roadmap_rows(site: PageContext, projects: Iterable[ProjectResult]) -> list[RoadmapRow]:
    """The running projects of ``projects``, by team (display name), then by start."""
    go = site.config.roles.go
    day = site.times.long_day
    rows = []
    for r in projects:
        if r.standing.state not in RUNNING:
            continue
        f = r.forecast
        t = site.timelines[r.id]
        following = r.standing.next_milestone
        next_at = f.next.p50 if f is not None and f.next is not None else None
        if f is not None and f.next is not None and f.next.milestone != following:
            next_at = None  # a forecast of another milestone than the one that comes next
        p50 = f.p50 if f is not None else None
        p85 = f.p85 if f is not None else None
        not_before = f.not_before if f is not None else None
        if p50 is not None:
            expected = f"likely by {day(p50)}"
        elif not_before is not None:
            expected = f"not before {day(not_before)}"
        else:
            expected = _no_date(f.reason if f is not None else None)
        rows.append(
            RoadmapRow(
                r=r,
                start=r.start_at,
                go_at=t.milestones[go].done_at if go in t.milestones else None,
                next_title=site.titles.get(following, following) if following else None,
                next_at=next_at,
                p50=p50,
                p85=p85,
                not_before=not_before,
                late=f.past_p85 if f is not None else None,
                expected=expected,
                latest=day(p85) if p85 is not None else "not known yet",
            )
        )
    rows.sort(key=lambda w: (site.config.team_name(w.r.team).lower(), w.start or 0, w.r.id))
    return rows


def _no_date(reason: str | None) -> str:
    """Why a running project has no expected launch, in a reader's words (the forecaster's own
    reason names ids and percentiles)."""
    if reason is None:
        return "no forecast"
    if "longer than any project" in reason:
        return "no date: slower than every project that finished its step"
    if "still running" in reason:
        return "no date yet: comparable projects still running"
    if "too little history" in reason:
        return "no date yet: too few finished projects"
    if "skipped" in reason:
        return "no launch planned (skipped)"
    return "no date yet"


def lanes(site: PageContext, rows: list[RoadmapRow]) -> list[Lane]:
    day = site.times.long_day
    return [
        Lane(
            team=site.config.team_name(w.r.team),
            name=w.r.name,
            state=w.r.standing.state,
            start=w.start,
            go_at=w.go_at,
            next_at=w.next_at,
            next_title=w.next_title,
            p50=w.p50,
            p85=w.p85,
            not_before=w.not_before,
            late=bool(w.late),
            expected=f"likely {day(w.p50)}"
            if w.p50 is not None
            else f"not before {day(w.not_before)}"
            if w.not_before is not None
            else "no date yet",
        )
        for w in rows
    ]


def roadmap_figure(site: PageContext, rows: list[RoadmapRow], title: str, prefix: str) -> Markup:
    chart = roadmap_chart(charts.Ids(prefix), lanes(site, rows), site.report.as_of, title, site.tz)
    return Markup(chart)


def roadmap_page(site: PageContext) -> str:
    rows = roadmap_rows(site, site.report.projects)
    return site.render(
        "roadmap.md.j2",
        "",
        rows=rows,
        chart=roadmap_figure(site, rows, "Expected launches of the running projects, by team", "r"),
        teams=len({w.r.team for w in rows}),
        dated=sum(1 for w in rows if w.p50 is not None or w.not_before is not None),
    )
