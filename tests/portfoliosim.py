"""Portfolios whose stage durations are drawn from known distributions, for forecast tests.

Each project starts at a random moment; its proof-of-concept milestones and its go decision are
timed from the start, its production milestones from the go decision (in parallel), and its
launch from the last of them. Each duration is drawn independently from a lognormal with a slow
tail (one draw in five is three times longer), so slow projects are still running at any as-of
date. A few projects are abandoned (archived) at a random moment, whatever their pace.
"""

from __future__ import annotations

import math
import random
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from kpictl.dates import DAY
from kpictl.kpis.timeline import Dated, Timeline
from tests.gitutil import clean_env

POC = ("team_assembled", "problem_statement", "demo_ready")
PRODUCTION = ("production_data_connected", "evaluation_suite", "ui_finalized", "security_review")
MILESTONES = ("kickoff", *POC, "go_decision", *PRODUCTION, "launched")
# median days of each step: from kickoff for the proof of concept, from the go decision for
# production, from the last production milestone for the launch
MEDIAN_DAYS = {
    "team_assembled": 10,
    "problem_statement": 20,
    "demo_ready": 35,
    "go_decision": 50,
    "production_data_connected": 30,
    "evaluation_suite": 45,
    "ui_finalized": 25,
    "security_review": 60,
    "launched": 12,
}
T0 = 1_672_531_200  # 2023-01-01T00:00:00Z


def draw(rng: random.Random, median_days: float, spread: float = 0.45) -> float:
    days = median_days * math.exp(rng.gauss(0, spread))
    return days * (3 if rng.random() < 0.2 else 1)


@dataclass
class SimProject:
    id: str
    times: dict[str, int] = field(default_factory=dict)  # milestone → done, had it all gone on
    archived_at: int | None = None

    @property
    def launch(self) -> int:
        return self.times["launched"]

    def done_by(self, as_of: int) -> dict[str, int]:
        until = as_of if self.archived_at is None else min(as_of, self.archived_at - 1)
        return {m: t for m, t in self.times.items() if t <= until}


def simulate(
    count: int,
    seed: int,
    span_days: int = 900,
    abandon: float = 0.05,
    spread: float = 0.45,
    pace_per_year: float = 1.0,
    team_spread: float = 0.0,
) -> list[SimProject]:
    """``count`` projects started over ``span_days``; ``spread`` is the lognormal's sigma
    (a heavier tail above 0.45), ``abandon`` the share archived before launch, and each year
    later a project starts its steps take ``pace_per_year`` times as long (0.7: 30% faster);
    ``team_spread`` (a lognormal sigma) gives each project a pace of its own for all its steps,
    so a project slow before its go decision tends to be slow after it."""
    rng = random.Random(seed)
    projects = []
    for i in range(count):
        offset = rng.uniform(0, span_days)
        start = T0 + int(offset * DAY)
        pace = pace_per_year ** (offset / 365)
        if team_spread:
            pace *= math.exp(rng.gauss(0, team_spread))

        def days(m: str, pace: float = pace) -> float:
            return draw(rng, MEDIAN_DAYS[m], spread) * pace

        p = SimProject(f"p-{i:04d}", {"kickoff": start})
        go = start + int(days("go_decision") * DAY)
        for m in POC:  # before the go decision
            p.times[m] = start + int((go - start) * min(draw(rng, MEDIAN_DAYS[m]) / 50, 0.95))
        p.times["go_decision"] = go
        last = go
        for m in PRODUCTION:
            p.times[m] = go + int(days(m) * DAY)
            last = max(last, p.times[m])
        p.times["launched"] = last + int(days("launched") * DAY)
        if rng.random() < abandon:
            p.archived_at = start + int(rng.uniform(0, (p.launch - start) / DAY) * DAY) + 1
        projects.append(p)
    return projects


def timelines_at(projects: list[SimProject], as_of: int) -> list[Timeline]:
    """Each project's timeline as git would have seen it at ``as_of``."""
    out = []
    for p in projects:
        start = p.times["kickoff"]
        if start > as_of:
            continue
        done = p.done_by(as_of)
        milestones = {
            m: Dated("done", done_at=done[m], source="git", started_at=done[m])
            if m in done
            else Dated("planned")
            for m in MILESTONES
        }
        archived = p.archived_at is not None and p.archived_at <= as_of
        out.append(
            Timeline(
                id=p.id,
                path=f"projects/{p.id}.yaml",
                data={"name": p.id, "team": "platform", "milestones": {}},
                created_at=start,
                created_commit=None,
                archived=archived,
                milestones=milestones,
                last_change_at=p.archived_at if archived and p.archived_at else max(done.values()),
            )
        )
    return out


def _project_yaml(p: SimProject, done: set[str]) -> str:
    lines = [
        "schema_version: 1",
        f"id: {p.id}",
        f"name: Project {p.id}",
        "team: platform",
        "owner: lead@example.com",
        "milestones:",
        *(f"  {m}: {'done' if m in done else 'planned'}" for m in MILESTONES),
    ]
    return "\n".join(lines) + "\n"


def write_repository(projects: list[SimProject], path: Path, until: int) -> Path:
    """A KPI repository where each milestone of each project lands in its own commit at its
    time (up to ``until``), and an abandoned project's file is deleted when it is archived;
    written with one ``git fast-import``."""
    path.mkdir(parents=True, exist_ok=True)
    env = clean_env()
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=path, env=env, check=True)
    changes: list[tuple[int, str, str | None]] = []  # (time, project, text or None: deleted)
    for p in projects:
        done: set[str] = set()
        for m, when in sorted(p.times.items(), key=lambda item: item[1]):
            if when > until or (p.archived_at is not None and when >= p.archived_at):
                break
            done.add(m)
            changes.append((when, p.id, _project_yaml(p, done)))
        if p.archived_at is not None and p.archived_at <= until:
            changes.append((p.archived_at, p.id, None))
    changes.sort(key=lambda c: (c[0], c[1]))
    stream = bytearray()
    config = b"forecast: {window_days: null}\n"
    when0 = changes[0][0] - 1
    stream += b"commit refs/heads/main\nmark :1\n"
    stream += b"committer Sim <sim@example.com> %d +0000\ndata 5\nsetup\n" % when0
    stream += b"M 100644 inline kpictl.yaml\ndata %d\n%s\n" % (len(config), config)
    last = when0
    for mark, (when, pid, text) in enumerate(changes, start=2):
        when = max(when, last)  # committer times never go backwards on the branch
        last = when
        stream += b"commit refs/heads/main\nmark :%d\n" % mark
        stream += b"committer Sim <sim@example.com> %d +0000\ndata 6\nchange\n" % when
        stream += b"from :%d\n" % (mark - 1)
        if text is None:
            stream += f"D projects/{pid}.yaml\n\n".encode()
        else:
            raw = text.encode()
            stream += f"M 100644 inline projects/{pid}.yaml\n".encode()
            stream += b"data %d\n%s\n\n" % (len(raw), raw)
    subprocess.run(
        ["git", "fast-import", "--quiet"], cwd=path, env=env, input=bytes(stream), check=True
    )
    subprocess.run(["git", "reset", "-q", "--hard", "main"], cwd=path, env=env, check=True)
    return path


@dataclass
class Coverage:
    """How a portfolio's forecasts, made at several as-of dates, came out against the truth the
    simulation knows (every project run to its launch or its archiving)."""

    dated: int = 0  # forecasts with p50 and p85 of projects that launched
    by_p50: int = 0
    by_p85: int = 0
    running: int = 0  # forecasts made
    with_history: int = 0  # ... of projects whose steps have enough history
    unanswered: list[str] = field(default_factory=list)  # ... with neither a date nor a bound
    p_launch: list[float] = field(default_factory=list)
    launched: int = 0  # forecasts (with p_launch) of projects that went on to launch
    quarters: int = 0
    quarters_held: int = 0  # the count reached with 85% confidence was reached
    reasons: set[str] = field(default_factory=set)
    distinct: set[str] = field(default_factory=set)  # projects with a dated forecast

    @property
    def share_by_p50(self) -> float:
        return self.by_p50 / self.dated

    @property
    def share_by_p85(self) -> float:
        return self.by_p85 / self.dated

    @property
    def mean_p_launch(self) -> float:
        return sum(self.p_launch) / len(self.p_launch)

    @property
    def share_launched(self) -> float:
        return self.launched / len(self.p_launch)

    @property
    def share_quarters_held(self) -> float:
        return self.quarters_held / self.quarters

    def line(self) -> str:
        return (
            f"by p50 {self.share_by_p50:.1%}, by p85 {self.share_by_p85:.1%} of {self.dated} "
            f"dated ({len(self.distinct)} projects); p_launch mean {self.mean_p_launch:.2f} vs "
            f"launched {self.share_launched:.2f}; 85% count held in {self.quarters_held}/"
            f"{self.quarters} quarters; no date nor bound: {len(self.unanswered)}"
        )


def coverage(
    projects: list[SimProject], as_ofs: list[int], config: object, into: Coverage | None = None
) -> Coverage:
    """Forecast the portfolio at each as-of date and score the forecasts against the truth
    (added to ``into`` when given)."""
    from kpictl.kpis.forecast.forecaster import forecast_portfolio

    by_id = {p.id: p for p in projects}
    out = Coverage() if into is None else into
    for as_of in as_ofs:
        result = forecast_portfolio(timelines_at(projects, as_of), config, as_of)  # type: ignore[arg-type]
        for pid, f in result.projects.items():
            truth = by_id[pid]
            launches = truth.archived_at is None
            out.running += 1
            if f.reason is not None and f.reason.startswith("too little history"):
                continue
            out.with_history += 1
            if f.reason:
                out.reasons.add(f.reason)
            if f.p50 is None and f.not_before is None:
                out.unanswered.append(f"{pid} at {as_of}: {f.reason}")
            if f.p_launch is not None:
                out.p_launch.append(f.p_launch)
                out.launched += launches
            if launches and f.p50 is not None and f.p85 is not None:
                out.dated += 1
                out.by_p50 += truth.launch <= f.p50
                out.by_p85 += truth.launch <= f.p85
                out.distinct.add(f"{id(projects)}:{pid}")
        for count in result.launches:
            actual = sum(
                1
                for pid in result.projects
                if by_id[pid].archived_at is None and count.begin <= by_id[pid].launch < count.end
            )
            out.quarters += 1
            out.quarters_held += actual >= count.at_least_85
    return out
