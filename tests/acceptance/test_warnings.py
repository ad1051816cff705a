"""Every warning of a run is in its JSON output and on the site; --strict makes it a failure."""

from __future__ import annotations

import json

import pytest

from tests.conftest import run_kpictl
from tests.gitutil import HistoryRepo, git, project_yaml


@pytest.fixture
def repo(tmp_path) -> HistoryRepo:
    repo = HistoryRepo(tmp_path / "kpis")
    repo.commit("2025-01-06T09:00:00+00:00", {"projects/a.yaml": project_yaml("a", "A")})
    repo.commit("2025-01-20T09:00:00+00:00", {"projects/a.yaml": "id: a\nname: [unclosed\n"})
    repo.commit(
        "2025-02-03T09:00:00+00:00",
        {"projects/a.yaml": project_yaml("a", "A", team_assembled="done")},
    )
    return repo


def broken_commit(repo: HistoryRepo) -> str:
    return git(repo.path, "rev-parse", "HEAD~1").strip()[:10]


def test_report_json_carries_the_warnings_and_strict_fails_after_printing(repo):
    result = run_kpictl("report", "--format", "json", cwd=repo.path)
    assert result.code == 0, result.err
    warnings = json.loads(result.out)["warnings"]
    assert len(warnings) == 1 and broken_commit(repo) in warnings[0]
    assert "projects/a.yaml" in warnings[0] and "line 2" in warnings[0]

    strict = run_kpictl("report", "--format", "json", "--strict", cwd=repo.path)
    assert strict.code == 1
    assert json.loads(strict.out)["warnings"] == warnings  # the report is still printed
    assert "--strict" in strict.err


def test_the_site_shows_the_warnings_and_strict_refuses_to_publish(repo, tmp_path):
    out = tmp_path / "site"
    refused = run_kpictl("build", "--strict", "--out", str(out), cwd=repo.path)
    assert refused.code == 1
    assert broken_commit(repo) in refused.err and "last good site" in refused.err
    assert not out.exists()

    built = run_kpictl("build", "--out", str(out), cwd=repo.path)
    assert built.code == 0, built.err
    data = json.loads((out / "kpis.json").read_text(encoding="utf-8"))
    assert len(data["warnings"]) == 1 and broken_commit(repo) in data["warnings"][0]
    home = (out / "index.html").read_text(encoding="utf-8")
    assert "1 data warning" in home and 'href="warnings.html"' in home
    page = (out / "warnings.html").read_text(encoding="utf-8")
    assert broken_commit(repo)[:8] in page  # the site shows commit ids as 8 characters, linked


def test_a_clean_history_has_no_warnings_page(tmp_path):
    repo = HistoryRepo(tmp_path / "kpis")
    repo.commit("2025-01-06T09:00:00+00:00", {"projects/a.yaml": project_yaml("a", "A")})
    out = tmp_path / "site"
    assert run_kpictl("build", "--strict", "--out", str(out), cwd=repo.path).code == 0
    assert json.loads((out / "kpis.json").read_text(encoding="utf-8"))["warnings"] == []
    assert not (out / "warnings.html").exists()
    assert "data warning" not in (out / "index.html").read_text(encoding="utf-8")
