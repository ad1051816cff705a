"""The sites the browser tests read: a small KPI repository with real history and a hostile
project, and the two demos (`kpictl demo`, `kpictl demo --size large`), built."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import run_kpictl
from tests.gitutil import HistoryRepo, project_yaml

HOSTILE_NAME = "</title><script>window.__pwned=1</script>[x](javascript:alert(1))"


def make_repo(path: Path) -> HistoryRepo:
    repo = HistoryRepo(path)
    repo.write(
        {
            "kpictl.yaml": "repo_url: https://github.com/example/kpis\n",
            "site/mkdocs.yml": "site_name: Test KPIs\ntheme:\n  name: material\n  font: false\n",
            "site/about.md": "# About\n\nHand-written page.\n",
        }
    )
    launched = dict(
        team_assembled="done",
        problem_statement="done",
        demo_ready="done",
        go_decision="done",
        security_review="done",
        launched="done",
    )
    events: list[tuple[str, dict[str, str | None]]] = []
    for k, (start, team) in enumerate(
        [("2024-01-08", "red"), ("2024-04-01", "blue"), ("2024-07-01", "red")]
    ):
        pid = f"project-{k + 1}"
        started = project_yaml(pid, f"Project {k + 1}").replace("team: platform", f"team: {team}")
        events.append((f"{start}T09:00:00+00:00", {f"projects/{pid}.yaml": started}))
        months = 8 - 2 * k
        done = project_yaml(pid, f"Project {k + 1}", **launched)
        events.append(
            (
                f"{start[:5]}{int(start[5:7]) + months:02d}-15T12:00:00+00:00",
                {f"projects/{pid}.yaml": done.replace("team: platform", f"team: {team}")},
            )
        )
    hostile = project_yaml("hostile", "x").replace("name: x", f"name: '{HOSTILE_NAME}'") + (
        "summary: '<img src=x onerror=window.__pwned=2> **bold** [link](javascript:alert(3))'\n"
        "links:\n  - {title: '<b>evil</b>', url: 'https://example.com/?q=<x>'}\n"
        "labels: [internal-tools]\n"
    )
    events.append(("2024-09-01T09:00:00+00:00", {"projects/hostile.yaml": hostile}))
    stuck = project_yaml("stuck", "Stuck in PoC", team_assembled="done")
    events.append(("2025-01-06T09:00:00+00:00", {"projects/stuck.yaml": stuck}))
    for when, files in sorted(events):  # in landing order: the clock never goes back
        repo.commit(when, files)
    return repo


def build(repo: HistoryRepo, out: Path, *args: str) -> None:
    result = run_kpictl("build", "--out", str(out), *args, cwd=repo.path)
    assert result.code == 0, result.err


def build_demo(base: Path, size: str = "small") -> Path:
    """`kpictl demo --size SIZE` in ``base``; the folder of its built site."""
    made = run_kpictl("demo", "--size", size, str(base / f"demo-{size}"), cwd=base)
    assert made.code == 0, made.err
    return base / f"demo-{size}" / "build" / "site"
