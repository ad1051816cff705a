"""Formats by name: each command offers exactly the formats its output registry holds, and
`report --project` shows only the projects asked for, in every format, over the whole portfolio."""

from __future__ import annotations

import csv
import io
import json

import click
import pytest

from kpictl.cli.main import cli
from kpictl.output.findings import FINDINGS_FORMATS
from kpictl.output.forecast import BACKTEST_FORMATS, FORECAST_FORMATS
from kpictl.output.history import HISTORY_FORMATS
from kpictl.output.projects import PROJECTS_FORMATS
from kpictl.output.report import REPORT_FORMATS
from tests.conftest import run_kpictl
from tests.gitutil import HistoryRepo, project_yaml


@pytest.mark.parametrize(
    ("command", "registry"),
    [
        ("validate", FINDINGS_FORMATS),
        ("projects", PROJECTS_FORMATS),
        ("history", HISTORY_FORMATS),
        ("report", REPORT_FORMATS),
        ("forecast", FORECAST_FORMATS),
    ],
)
def test_a_commands_formats_are_its_registrys_names(command, registry):
    option = next(p for p in cli.commands[command].params if p.name == "fmt")
    assert isinstance(option.type, click.Choice)
    assert list(option.type.choices) == list(registry)


def test_backtest_has_the_formats_of_the_forecast():
    assert list(BACKTEST_FORMATS) == list(FORECAST_FORMATS)


@pytest.fixture(scope="module")
def two_projects(tmp_path_factory) -> HistoryRepo:
    repo = HistoryRepo(tmp_path_factory.mktemp("kpis") / "kpis")
    repo.commit("2025-01-06T09:00:00+00:00", {"projects/alpha.yaml": project_yaml("alpha")})
    repo.commit("2025-01-07T09:00:00+00:00", {"projects/beta.yaml": project_yaml("beta")})
    return repo


def test_report_project_shows_only_that_project_in_every_format(two_projects):
    def report(fmt: str, *more: str) -> str:
        result = run_kpictl("report", "--format", fmt, *more, cwd=two_projects.path)
        assert result.code == 0, result.err
        return result.out

    data = json.loads(report("json", "--project", "beta"))
    assert [p["id"] for p in data["projects"]] == ["beta"]
    assert sum(data["portfolio"]["phases"].values()) == 2  # the portfolio still covers all
    rows = list(csv.DictReader(io.StringIO(report("csv", "--project", "beta"))))
    assert rows and {r["project"] for r in rows} == {"beta"}
    markdown = report("markdown", "--project", "beta")
    assert "(`beta`)" in markdown and "(`alpha`)" not in markdown
    table = report("table", "--project", "beta")
    assert "Portfolio" not in table and table.count("beta  ·") == 1 and "alpha" not in table
    everything = report("table")
    assert "Portfolio: 2 projects" in everything and "alpha  ·" in everything
