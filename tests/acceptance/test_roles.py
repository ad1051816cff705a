"""An organisation that replaces a default milestone keeps every feature that depended on it.

Its kpictl.yaml removes `launched`, adds `live`, makes `live` the launch role and redefines the
KPIs that measured to `launched`; phases, the learning curve, purgatory and the site follow.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest

from kpictl.dates import DAY
from tests.conftest import run_kpictl
from tests.gitutil import HistoryRepo

CONFIG = """\
milestones:
  - {id: launched, removed: true}
  - {id: live, title: Live, phase: production, description: In front of its users.}
roles: {launch: live}
gates:
  - {milestone: live, status: done, requires: [security_review]}
kpis:
  - {id: time_to_launch, measure: {type: duration, from: go_decision, to: live}}
  - {id: time_to_first_launch, measure: {type: duration, from: kickoff, to: live}}
  - {id: cost_per_additional_project, measure: {type: cost, from: kickoff, to: live}}
"""
COSTS = (
    "costs:\n"
    "  - {item: Build, category: people, amount: 100000, currency: USD, per: once}\n"
    "  - {item: API, category: inference, amount: 1000, currency: USD, per: month}\n"
)
UTC = timezone.utc


def project(pid: str, **milestones: str) -> str:
    lines = [
        "schema_version: 1",
        f"id: {pid}",
        f"name: Project {pid}",
        "team: platform",
        "owner: lead@example.com",
        "milestones:",
        "  kickoff: done",
        *(f"  {name}: {status}" for name, status in milestones.items()),
    ]
    return "\n".join(lines) + "\n" + COSTS


def iso(moment: datetime) -> str:
    return moment.isoformat()


# (project, created, go decision, days from kickoff to live); None: not there yet
LAUNCHES = [
    ("alpha", datetime(2024, 1, 1, 9, tzinfo=UTC), datetime(2024, 2, 15, 9, tzinfo=UTC), 200),
    ("beta", datetime(2024, 2, 1, 9, tzinfo=UTC), datetime(2024, 3, 15, 9, tzinfo=UTC), 160),
    ("gamma", datetime(2024, 3, 1, 10, tzinfo=UTC), datetime(2024, 4, 15, 10, tzinfo=UTC), 140),
    ("delta", datetime(2024, 5, 1, 9, tzinfo=UTC), datetime(2024, 6, 1, 9, tzinfo=UTC), None),
    ("stuck", datetime(2024, 6, 15, 9, tzinfo=UTC), None, None),
]
AS_OF = "2024-12-31"


@pytest.fixture(scope="module")
def repo(tmp_path_factory) -> HistoryRepo:
    repo = HistoryRepo(tmp_path_factory.mktemp("roles") / "kpis")
    repo.write({"kpictl.yaml": CONFIG})
    changes: list[tuple[datetime, str, str]] = []
    for pid, created, go, days in LAUNCHES:
        changes.append((created, pid, project(pid)))
        if go is not None:
            changes.append((go, pid, project(pid, go_decision="done")))
        if go is not None and days is not None:
            live = project(pid, go_decision="done", security_review="done", live="done")
            changes.append((created + timedelta(days=days), pid, live))
    for when, pid, text in sorted(changes):
        repo.commit(iso(when), {f"projects/{pid}.yaml": text}, message=f"{pid} at {when}")
    return repo


def test_the_files_validate_against_the_organisations_catalog(repo):
    assert run_kpictl("validate", cwd=repo.path).code == 0
    schema = json.loads(run_kpictl("schema", cwd=repo.path).out)
    milestones = schema["properties"]["milestones"]["properties"]
    assert "live" in milestones and "launched" not in milestones
    repo.write({"projects/old.yaml": project("old", launched="done")})
    try:
        result = run_kpictl("validate", "projects/old.yaml", cwd=repo.path)
        assert result.code == 1 and 'unknown milestone "launched"' in result.out
    finally:
        (repo.path / "projects/old.yaml").unlink()


def test_phases_follow_the_launch_role(repo):
    listed = json.loads(run_kpictl("projects", "--format", "json", cwd=repo.path).out)
    phases = {p["id"]: p["phase"] for p in listed["projects"]}
    assert phases == {
        "alpha": "scale",
        "beta": "scale",
        "gamma": "scale",
        "delta": "production",
        "stuck": "poc",
    }
    table = run_kpictl("report", "--as-of", AS_OF, cwd=repo.path)
    assert table.code == 0, table.err
    assert "Portfolio: 5 projects (1 proof of concept, 1 in production, 3 launched)" in table.out


def test_the_learning_curve_purgatory_and_the_redefined_kpis(repo):
    result = run_kpictl("report", "--format", "json", "--as-of", AS_OF, cwd=repo.path)
    assert result.code == 0, result.err
    data = json.loads(result.out)
    portfolio = data["portfolio"]
    assert portfolio["phases"] == {"poc": 1, "production": 1, "scale": 3}
    assert list(portfolio["learning_curve"]) == [
        "time_to_first_launch",
        "cost_per_additional_project",
    ]
    order = portfolio["launch_order"]["time_to_first_launch"]
    assert order == [
        {"id": "alpha", "value": 200.0},
        {"id": "beta", "value": 160.0},
        {"id": "gamma", "value": 140.0},
    ]
    curve = portfolio["learning_curve"]["time_to_first_launch"]
    assert (curve["n"], curve["rate_per_doubling"]) == (3, 0.799)
    costs = [e["value"] for e in portfolio["launch_order"]["cost_per_additional_project"]]
    assert costs == [
        pytest.approx(100_000 + 1_000 * 12 / 365.25 * days, abs=0.01) for days in (200, 160, 140)
    ]
    stuck_since = datetime(2024, 6, 15, 9, tzinfo=UTC)
    as_of = datetime(2024, 12, 31, 23, 59, 59, tzinfo=UTC)  # a date is the whole day
    assert portfolio["purgatory"] == [
        {
            "id": "stuck",
            "team": "platform",
            "days_in_poc": round((as_of - stuck_since).total_seconds() / DAY, 6),
            "kickoff_at": "2024-06-15T09:00:00Z",
        }
    ]
    projects = {p["id"]: p for p in data["projects"]}
    launch = projects["alpha"]["kpis"]["time_to_launch"]  # 15 February to 19 July
    assert (launch["value"], launch["status"], launch["to"]) == (
        155.0,
        "missed",
        "2024-07-19T09:00:00Z",
    )
    # Running since the go decision on 1 June: past the 120-day target, so overdue.
    assert projects["delta"]["kpis"]["time_to_launch"]["status"] == "overdue"
    catalog = {k["id"]: k for k in data["catalog"]}
    assert catalog["time_to_first_launch"]["definition"] == "kickoff → live"


def test_the_site_builds_with_the_learning_curve(repo, tmp_path):
    out = tmp_path / "site"
    result = run_kpictl("build", "--as-of", AS_OF, "--out", str(out), cwd=repo.path)
    assert result.code == 0, result.err
    portfolio = (out / "portfolio.html").read_text(encoding="utf-8")
    assert ">Time for the next team to launch</h3>" in portfolio
    assert "time for the next team to launch falls by 20%" in portfolio
    home = (out / "index.html").read_text(encoding="utf-8")
    assert "<strong>3</strong> launched" in home and "projects/stuck.html" in home
    # the launch role's milestone (live) dates the launch on the project page
    assert (
        'kpictl-state-launched">Launched</span> for'
        in (out / "projects" / "alpha.html").read_text()
    )
    alpha = (out / "projects" / "alpha.html").read_text(encoding="utf-8")
    assert "<td>Live</td><td>done</td>" in alpha
