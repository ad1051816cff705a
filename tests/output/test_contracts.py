"""Real report, kpis.json and history output against the JSON Schemas of docs/reference/."""

from __future__ import annotations

import json

import pytest
from jsonschema import Draft202012Validator

from tests.conftest import REPO, run_kpictl
from tests.gitutil import HistoryRepo, project_yaml

FULL = """\
environments: {dev: done, uat: in_progress}
feedback_rounds:
  - {id: beta-1, status: addressed, participants: 4}
updates:
  - {id: fix, kind: simple, status: live}
costs:
  - {item: Build, category: people, amount: 1000, currency: USD, per: once}
  - {item: API, category: inference, amount: 10, currency: USD, per: month}
"""


@pytest.fixture(scope="module")
def repo(tmp_path_factory) -> HistoryRepo:
    repo = HistoryRepo(tmp_path_factory.mktemp("contracts") / "kpis")
    repo.commit("2025-01-06T09:00:00+00:00", {"projects/a.yaml": project_yaml("a", "A") + FULL})
    done = project_yaml(
        "a", "A", team_assembled="done", demo_ready="{status: done, date: 2025-01-02}"
    )
    repo.commit("2025-02-06T09:00:00+00:00", {"projects/a.yaml": done + FULL})
    repo.commit("2025-02-07T09:00:00+00:00", {"projects/b.yaml": project_yaml("b", "B")})
    repo.commit("2025-03-07T09:00:00+00:00", {"projects/b.yaml": None})  # archived
    repo.commit("2025-03-08T09:00:00+00:00", {"projects/c.yaml": "id: [broken"})  # a warning
    return repo


def check(document: dict, schema_file: str) -> None:
    schema = json.loads((REPO / "docs" / "reference" / schema_file).read_text(encoding="utf-8"))
    errors = [
        f"{list(e.absolute_path)}: {e.message}"
        for e in Draft202012Validator(schema).iter_errors(document)
    ]
    assert errors == []


def test_the_report_json_fits_its_schema(repo):
    result = run_kpictl("report", "--format", "json", "--group-by", "team", cwd=repo.path)
    data = json.loads(result.out)
    assert data["schema_version"] == 1 and data["warnings"]
    check(data, "report.schema.json")


def test_kpis_json_fits_the_report_schema(repo, tmp_path):
    assert run_kpictl("build", "--out", str(tmp_path / "site"), cwd=repo.path).code == 0
    check(json.loads((tmp_path / "site" / "kpis.json").read_text()), "report.schema.json")


def test_the_history_json_fits_its_schema(repo):
    data = json.loads(run_kpictl("history", "--format", "json", cwd=repo.path).out)
    assert data["schema_version"] == 1
    check(data, "history.schema.json")


def test_the_schemas_refuse_what_they_do_not_describe(repo):
    data = json.loads(run_kpictl("report", "--format", "json", cwd=repo.path).out)
    data["projects"][0]["surprise"] = 1
    with pytest.raises(AssertionError):
        check(data, "report.schema.json")
