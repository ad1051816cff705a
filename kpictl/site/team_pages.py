"""A page per team, for its lead: where each of its projects stands, what comes next and by when,
what needs attention, and its KPIs against the portfolio's; and an index of the teams.

Values and statuses are the KPI engine's (the portfolio's summaries by team); a comparison says
which side of the portfolio's median the team is on, by the KPI's own direction.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from kpictl.kpis import ProjectResult
from kpictl.site.attention_page import attention_items
from kpictl.site.page_context import PageContext
from kpictl.site.roadmap_page import roadmap_figure, roadmap_rows

STATES = ("poc", "production", "launched", "archived")


def team_ids(site: PageContext) -> list[str]:
    """Every team with a project, by display name."""
    teams = {r.team for r in site.report.projects}
    return sorted(teams, key=lambda t: (site.config.team_name(t).lower(), t))


def _band(site: PageContext, projects: list[ProjectResult]) -> dict[str, Any]:
    states = {s: sum(1 for r in projects if r.standing.state == s) for s in STATES}
    unknown = [r for r in projects if r.cost_to_date is None]
    return {
        "total": len(projects),
        "states": states,
        "stuck": sum(1 for r in projects if r.standing.stuck),
        "spend": sum(r.cost_converted for r in projects),
        "spend_unknown": unknown,
        "currencies": sorted({c for r in unknown for c in r.costs_left_out}),
    }


def team_index(site: PageContext) -> str:
    rows = []
    for team in team_ids(site):
        projects = [r for r in site.report.projects if r.team == team]
        rows.append(
            {
                "team": team,
                "band": _band(site, projects),
                "attention": len(attention_items(site, projects)),
            }
        )
    return site.render("teams.md.j2", "../", rows=rows)


def _compare(site: PageContext, team: str) -> list[dict[str, Any]]:
    """Each KPI: the team's median (all time), the portfolio's, and which side the team is on."""
    p = site.report.portfolio
    own = p.groups.get("team", {}).get(team, {})
    found = []
    for kpi in site.report.catalog:
        mine, all_ = own.get(kpi.id), p.kpis.get(kpi.id)
        side, diff = None, 0.0
        if mine and all_ and mine.median is not None and all_.median is not None:
            diff = mine.median - all_.median
            better = diff < 0 if kpi.direction == "lower" else diff > 0
            side = "same" if abs(diff) < 1e-9 else "better" if better else "worse"
        found.append(
            {
                "kpi": kpi,
                "unit": site.units[kpi.id],
                "mine": mine,
                "all": all_,
                "now": p.current.get(kpi.id),
                "side": side,
                "diff": abs(diff),
            }
        )
    return found


def team_page(site: PageContext, team: str) -> str:
    projects = sorted(
        (r for r in site.report.projects if r.team == team), key=lambda r: (r.name.lower(), r.id)
    )
    rows = roadmap_rows(site, projects)
    name = site.config.team_name(team)
    next_of = {w.r.id: w for w in rows}
    return site.render(
        "team.md.j2",
        "../",
        team=team,
        name=name,
        band=_band(site, projects),
        projects=projects,
        next_of=next_of,
        attention=attention_items(site, projects),
        rows=rows,
        chart=roadmap_figure(site, rows, f"Expected launches of {name}'s running projects", "t")
        if rows
        else "",
        compare=_compare(site, team),
        limits={r.id: site.limits(r) for r in projects},
        titles=site.titles,
    )


def team_pages(site: PageContext) -> Iterator[tuple[str, str]]:
    """(path, text) of the team index and each team's page."""
    yield "teams/index.md", team_index(site)
    for team in team_ids(site):
        yield f"teams/{team}.md", team_page(site, team)
