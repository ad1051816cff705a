"""Any one scalar of a valid kpictl.yaml replaced by any other scalar, or a small list or
mapping, is read or refused as configuration (exit 0, 1 or 2), never a crash (exit 3)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.acceptance.test_fuzz import at_most
from tests.acceptance.test_gated_typos import REPLACEMENT, leaves, render, replaced
from tests.conftest import run_kpictl
from tests.gitutil import HistoryRepo, project_yaml

CONFIG: dict[str, Any] = {
    "projects_dir": "projects",
    "timezone": "Europe/Paris",
    "milestones": [
        {"id": "legal_review", "title": "Legal review", "phase": "production"},
        {"id": "ui_finalized", "removed": True},
    ],
    "roles": {"go": "go_decision", "launch": "launched"},
    "environments": ["dev", "prod"],
    "gates": [
        {
            "milestone": "launched",
            "status": "done",
            "requires": ["security_review", "legal_review"],
            "reason": "legal and security first",
        }
    ],
    "currency": {"reporting": "EUR", "rates": {"USD": 0.92}},
    "purgatory": {"poc_days": 90, "stale_days": 60},
    "forecast": {"enabled": True, "min_basis": 2, "window_days": 365},
    "current": {"quarters": 4},
    "publish": {"people": "initials", "emails": False, "costs": "totals"},
    "teams": {"platform": "Platform team"},
    "site": {"dir": "site", "out": "build/site"},
    "repo_url": "https://example.com/kpis",
    "kpis": [
        {"id": "time_to_launch", "target": 30, "direction": "lower", "headline": True},
        {
            "id": "time_to_legal",
            "title": "Time to legal review",
            "unit": "days",
            "measure": {"type": "duration", "from": "kickoff", "to": "legal_review"},
        },
        {"id": "total_cost_of_ownership", "measure": {"type": "tco", "projection_years": 3}},
        {"id": "time_to_finalize_ui", "removed": True},
    ],
}
PATHS = leaves(CONFIG)
PROJECT = project_yaml("a", "A", kickoff="done", legal_review="done") + (
    "costs:\n  - {item: Build, category: people, amount: 1000, currency: USD, per: month}\n"
)


@pytest.fixture(scope="module")
def repo(tmp_path_factory) -> HistoryRepo:
    repo = HistoryRepo(tmp_path_factory.mktemp("config-scalars") / "kpis")
    repo.commit(
        "2025-01-06T09:00:00+00:00",
        {
            "kpictl.yaml": replaced(("timezone",), "Europe/Paris", CONFIG),
            "projects/a.yaml": PROJECT,
        },
    )
    for args in (["validate"], ["report", "--worktree"]):
        result = run_kpictl(*args, cwd=repo.path)
        assert result.code == 0, (args, result.err)
    return repo


def test_the_valid_configuration_renders_as_the_one_read():
    assert replaced(("timezone",), "Europe/Paris", CONFIG) == "\n".join(render(CONFIG)) + "\n"


@given(path=st.sampled_from(PATHS), text=REPLACEMENT)
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_any_scalar_of_kpictl_yaml_replaced_by_anything_small_never_crashes(repo, path, text):
    (repo.path / "kpictl.yaml").write_text(replaced(path, text, CONFIG), encoding="utf-8")
    for args in (["validate"], ["report", "--worktree"]):
        with at_most(60):
            result = run_kpictl(*args, cwd=repo.path)
        assert result.code in (0, 1, 2), (args, result.err)
        assert "Traceback" not in result.out + result.err, args
        if result.code == 2:
            assert result.err.startswith("kpictl: "), result.err
            assert result.out == "", result.out
