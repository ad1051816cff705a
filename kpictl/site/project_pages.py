"""The project pages: the index of projects by where they stand, and a page per project with
its milestone chart, KPIs, costs, links and launch forecast.

Links from project files keep only http, https and mailto addresses.
"""

from __future__ import annotations

import re
from typing import Any

from markupsafe import Markup

from kpictl.config.definitions import TcoMeasure
from kpictl.dates import DAY
from kpictl.kpis import ProjectResult
from kpictl.kpis.forecast.forecaster import TOO_FEW_FOR_P85
from kpictl.kpis.timeline import Timeline
from kpictl.site import charts, phrases
from kpictl.site.environment import took
from kpictl.site.links import without_userinfo
from kpictl.site.page_context import PageContext
from kpictl.site.value_pages import project_value_facts, project_value_section

SAFE_SCHEMES = ("https://", "http://", "mailto:")


def project_page(site: PageContext, result: ProjectResult) -> str:
    t = site.timelines[result.id]
    ids = charts.Ids("c")
    rows = [
        (site.titles.get(m, m), d.status, d.started_at, d.done_at) for m, d in t.milestones.items()
    ]
    forecasts = _chart_forecasts(site, result)
    start, end = _span(site, result, t)
    end = max([end, *(p85 or p50 for p50, p85 in forecasts.values())])
    chart = charts.timeline(
        ids,
        rows,
        start,
        end,
        site.report.as_of,
        f"Milestones of {result.name}",
        site.tz,
        forecasts,
    )
    links = [
        {"title": link.get("title", ""), "url": url}
        for link in t.data.get("links") or []
        if (url := _safe_url(link.get("url")))
    ]
    roles = sorted((t.data.get("roles") or {}).items())
    every = [(k, result.kpis[k.id]) for k in site.report.catalog]
    # A learning-curve KPI is the portfolio's (each new team against the ones before): one
    # project's value only counts towards it, so it is not listed as if the project met it.
    kpis = [(k, v) for k, v in every if not k.learning_curve]
    # KPIs with no value for the same reason ("no benefits recorded") are one sentence, not a
    # table row each with nothing in it.
    unknown: dict[str, list[str]] = {}
    kpi_rows = []
    for k, v in kpis:
        if (reason := phrases.no_value_reason(v)) is not None:
            unknown.setdefault(reason, []).append(k.title)
        elif v.status != "not_started":
            kpi_rows.append((k, v))
    portfolio_kpis = [(k, v) for k, v in every if k.learning_curve and v.status != "not_started"]
    tco_kpi = next((k for k in site.report.catalog if isinstance(k.measure, TcoMeasure)), None)
    counts = {
        s: sum(1 for _, v in kpis if v.status == s) for s in ("met", "missed", "overdue", "running")
    }
    following = result.standing.next_milestone
    return site.render(
        "project.md.j2",
        "../",
        r=result,
        s=result.standing,
        t=t,
        data=t.data,
        chart=Markup(chart),
        titles=site.titles,
        roles=roles,
        links=links,
        kpis=kpis,
        kpi_rows=kpi_rows,
        unknown=sorted(unknown.items()),
        counts=counts,
        health="missed" if counts["missed"] or counts["overdue"] else "met" * bool(counts["met"]),
        portfolio_kpis=portfolio_kpis,
        tco=result.kpis[tco_kpi.id] if tco_kpi else None,
        tco_years=tco_kpi.measure.projection_years
        if tco_kpi and isinstance(tco_kpi.measure, TcoMeasure)
        else None,
        following=(site.titles.get(following, following), t.milestones[following])
        if following
        else None,
        limits=site.limits(result),
        edit=site.links.edit(t.path),
        took=took,
        expected_launch=_expected_launch(site, result),
        forecast_drawn=bool(forecasts),
        value_facts=project_value_facts(site, result),
        value_section=project_value_section(site, result, t),
    )


def project_index(site: PageContext) -> str:
    groups: dict[str, list[dict[str, Any]]] = {s: [] for s in phrases.STATE_TITLES}
    for r in sorted(site.report.projects, key=lambda r: (r.name.lower(), r.id)):
        statuses = [v.status for v in r.kpis.values()]
        groups[r.standing.state].append(
            {
                "r": r,
                "s": r.standing,
                "missed": statuses.count("missed"),
                "overdue": statuses.count("overdue"),
                "limits": site.limits(r),
                "next": site.titles.get(n, n) if (n := r.standing.next_milestone) else "",
                "launch": _launch_cell(site, r),
            }
        )
    return site.render("projects.md.j2", "../", groups=groups)


def _chart_forecasts(site: PageContext, result: ProjectResult) -> dict[str, tuple[int, int | None]]:
    """The forecast dates the milestone chart draws, by milestone title: the launch and the
    next milestone, each from its likely to its latest date."""
    f = result.forecast
    if f is None:
        return {}
    shown = {}
    for m in (f, f.next):
        if m is not None and m.p50 is not None:
            shown[site.titles.get(m.milestone, m.milestone)] = (m.p50, m.p85)
    return shown


def _launch_cell(site: PageContext, result: ProjectResult) -> tuple[str, str, int]:
    """The expected launch in a board cell: its words, the latest date, and a sort key."""
    f = result.forecast
    if f is None:
        return "", "", 0
    day = site.times.long_day
    if f.p50 is not None:
        return f"likely by {day(f.p50)}", f"at the latest {day(f.p85)}" if f.p85 else "", f.p50
    if f.not_before is not None:
        return f"not before {day(f.not_before)}", "", f.not_before
    return "no date yet", "", 2**62


def _safe_url(url: Any) -> str | None:
    """A link's URL as the site may publish it: a safe scheme, and no user name or password."""
    if not isinstance(url, str) or not url.lower().startswith(SAFE_SCHEMES):
        return None
    return without_userinfo(url)


def _span(site: PageContext, result: ProjectResult, t: Timeline) -> tuple[int, int]:
    """The milestone chart's span: from the start to the launch, or to the as-of date
    (for an archived project, to when its file was deleted) while it runs."""
    dated = [x for d in t.milestones.values() for x in (d.started_at, d.done_at) if x]
    start = min([*dated, *([result.start_at] if result.start_at is not None else []), t.created_at])
    standing = result.standing
    if standing.state == "launched" and standing.since is not None:
        end = max([standing.since, *dated])
    elif standing.state == "archived" and standing.since is not None:
        end = standing.since
    else:
        end = max([site.report.as_of, *dated])
    return start, max(end, start + DAY)


def _expected_launch(site: PageContext, result: ProjectResult) -> str | None:
    """The launch forecast in plain words: "likely by 12 Mar 2027, at the latest 2 May 2027",
    or "not before ..." and why; then the next milestone, and a flag when the project is past
    what 85% of the projects took on its step."""
    forecast = result.forecast
    if forecast is None:
        return None
    day = site.times.long_day
    why = None
    if forecast.not_before is not None and forecast.p50 is None:
        why = _why_not_before(site, result)
    text = phrases.forecast_words(
        day(forecast.p50) if forecast.p50 is not None else None,
        day(forecast.p85) if forecast.p85 is not None else None,
        day(forecast.not_before) if forecast.not_before is not None else None,
        why,
        forecast.p_launch,
        *_why_no_latest(forecast.reason),
    )
    if forecast.p50 is None and forecast.not_before is None:
        text += ": " + _no_date(site, result)
    upcoming = forecast.next
    if upcoming and upcoming.p50 is not None and upcoming.milestone != forecast.milestone:
        name = site.titles.get(upcoming.milestone, upcoming.milestone)
        text += f"; next, {name}: likely by {day(upcoming.p50)}"
    if forecast.past_p85:
        text += "; late: longer on its current step than 85% of the projects that took it"
    return text


def _why_no_latest(reason: str | None) -> tuple[str, ...]:
    """Why a forecast with a likely date has no latest one, when it is not the slowest projects
    still running: too few projects finished a step for a date 85% of them meet."""
    if reason is not None and TOO_FEW_FOR_P85 in reason:
        return ("too few projects have finished its steps to give one",)
    return ()


def _why_not_before(site: PageContext, result: ProjectResult) -> str:
    reason = (result.forecast.reason if result.forecast else None) or ""
    found = re.search(
        r"already longer in (.+?) \((\d+) days\) than any project that finished it \((\d+) days\)",
        reason,
    )
    if found:
        return (
            f"{found[2]} days in {found[1]}, longer than any project that finished it took "
            f"({found[3]} days)"
        )
    if "still running" in reason:
        return "the slowest comparable projects are still running"
    days = result.standing.days
    state = phrases.STATE_WORDS.get(result.standing.state, result.standing.state)
    if days is None:
        return "longer than the portfolio has seen a project take"
    return f"{days:,.0f} days {state}, longer than any project that finished it took"


def _no_date(site: PageContext, result: ProjectResult) -> str:
    """Why there is no date, in words a reader knows (the forecaster's reason names ids)."""
    reason = (result.forecast.reason if result.forecast else None) or ""
    if reason.startswith("too little history"):
        return "too few projects have finished this step to forecast from"
    if "is skipped" in reason:
        return "its launch is skipped"
    if "has no date" in reason:
        return "a milestone it counts from has no date; declare it in the project file"
    if "longer than any project" in reason:
        spent = re.search(r"spent (\d+) days on", reason)
        longest = re.search(r"\((\d+) days at most\)", reason)
        state = phrases.STATE_WORDS.get(result.standing.state, result.standing.state)
        if spent and longest:
            return (
                f"{phrases.days(float(spent[1]))} {state}, longer than any project that finished "
                f"it took ({phrases.days(float(longest[1]))})"
            )
        return f"longer {state} than any project that finished it took"
    if "still running" in reason:
        return "the slowest comparable projects are still running"
    return "the portfolio cannot forecast it yet"
