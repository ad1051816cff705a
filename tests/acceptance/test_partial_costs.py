"""A cost that cannot be converted is never counted as zero: the project's cost to date is
unknown, with the reason, in every output, and the portfolio's totals say what they leave out.

One project has its costs in CHF, for which kpictl.yaml has no rate; the other in USD.
"""

from __future__ import annotations

import csv
import io
import json
import re
from html import unescape
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from tests.conftest import REPO, run_kpictl
from tests.gitutil import HistoryRepo, project_yaml

CHF = "costs:\n  - {item: Zurich team, category: people, amount: 5000, currency: CHF, per: once}\n"
USD = "costs:\n  - {item: Build, category: people, amount: 1234, currency: USD, per: once}\n"


@pytest.fixture(scope="module")
def repo(tmp_path_factory) -> HistoryRepo:
    repo = HistoryRepo(tmp_path_factory.mktemp("partial") / "kpis")
    repo.commit(
        "2025-01-06T09:00:00+00:00",
        {
            "kpictl.yaml": "repo_url: https://github.com/example/kpis\n",
            "projects/franc.yaml": project_yaml("franc", "Franc") + CHF,
            "projects/dollar.yaml": project_yaml("dollar", "Dollar") + USD,
        },
    )
    return repo


def report(repo: HistoryRepo, *args: str) -> str:
    result = run_kpictl("report", "--as-of", "2025-03-01", *args, cwd=repo.path)
    assert result.code == 0, result.err
    assert "costs in CHF have no conversion rate to USD" in result.err  # the run warns
    return result.out


def test_the_json_says_unknown_and_why_and_what_the_portfolio_leaves_out(repo):
    data = json.loads(report(repo, "--format", "json"))
    projects = {p["id"]: p for p in data["projects"]}
    franc, dollar = projects["franc"], projects["dollar"]
    assert franc["cost_to_date"] is None
    assert franc["costs_left_out"] == {
        "currencies": ["CHF"],
        "note": "costs in CHF have no conversion rate to USD; add "
        "`currency: {rates: {CHF: <USD per CHF>}}` to kpictl.yaml",
    }
    assert dollar["cost_to_date"] == 1234 and "costs_left_out" not in dollar
    spend = data["portfolio"]["spend"]
    assert spend["to_date"] == 1234  # what converts, and it says what it leaves out
    assert spend["left_out"]["projects"] == ["franc"]
    assert spend["left_out"]["currencies"] == ["CHF"]
    assert "leave out the costs in CHF of 1 project (franc)" in spend["left_out"]["note"]
    schema = json.loads((REPO / "docs/reference/report.schema.json").read_text(encoding="utf-8"))
    assert list(Draft202012Validator(schema).iter_errors(data)) == []


def test_csv_table_and_markdown_never_show_a_zero_for_it(repo):
    rows = list(csv.DictReader(io.StringIO(report(repo, "--format", "csv"))))
    cost_kpis = ("cost_per_additional_project", "total_cost_of_ownership")
    money = {row["kpi"]: row for row in rows if row["project"] == "franc" and row["unit"] == "USD"}
    money = {kpi: row for kpi, row in money.items() if kpi in cost_kpis}
    assert len(money) == 2
    for row in money.values():
        assert (row["value"], row["status"]) == ("", "unknown"), row
        assert row["note"].startswith("costs in CHF have no conversion rate to USD")
    table = report(repo)
    franc = next(block for block in table.split("\n\n") if block.startswith("franc  ·"))
    assert "Cost to date: unknown: costs in CHF have no conversion rate to USD" in franc
    amounts = [line.split()[-3] for line in franc.splitlines() if "(USD)" in line and "ost" in line]
    assert amounts == ["—", "—"]  # its cost KPIs: no value, never 0
    assert "Costs: the cost totals leave out the costs in CHF of 1 project (franc)" in table
    markdown = unescape(report(repo, "--format", "markdown"))
    assert "Cost to date: unknown: costs in CHF have no conversion rate to USD" in markdown
    assert "Costs: the cost totals leave out the costs in CHF of 1 project (franc)" in markdown


@pytest.fixture(scope="module")
def site(repo: HistoryRepo, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("partial-site") / "site"
    built = run_kpictl("build", "--out", str(out), "--as-of", "2025-03-01", cwd=repo.path)
    assert built.code == 0, built.err
    return out


def text(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def test_the_site_shows_unknown_never_zero_and_the_spend_says_what_it_leaves_out(site):
    page = text((site / "projects" / "franc.html").read_text(encoding="utf-8"))
    assert "Cost to date unknown: costs in CHF do not convert to USD" in page
    assert "$0" not in page
    dollar = text((site / "projects" / "dollar.html").read_text(encoding="utf-8"))
    assert "Cost to date $1.2k" in dollar
    board = (site / "projects" / "index.html").read_text(encoding="utf-8")
    heads = [text(h) for h in re.findall(r"<th[^>]*>(.*?)</th>", board.split("</thead>")[0])]
    cost = heads.index("Cost to date")
    cells = {
        text(re.sub(r"<small.*", "", row[0])): text(row[cost])
        for row in map(lambda tr: re.findall(r"<td[^>]*>(.*?)</td>", tr), board.split("<tr>"))
        if row
    }
    assert (cells["Franc"], cells["Dollar"]) == ("unknown CHF do not convert", "$1.2k")
    home = text((site / "index.html").read_text(encoding="utf-8"))
    assert "$1.2k spent to date" in home
    assert "This leaves out the costs in CHF of 1 project (Franc)" in home
    portfolio = text((site / "portfolio.html").read_text(encoding="utf-8"))
    assert "This leaves out the costs in CHF of 1 project (Franc)" in portfolio
    data = json.loads((site / "kpis.json").read_text(encoding="utf-8"))
    franc = next(p for p in data["projects"] if p["id"] == "franc")
    assert franc["cost_to_date"] is None and franc["costs_left_out"]["currencies"] == ["CHF"]
    assert data["portfolio"]["spend"]["left_out"]["projects"] == ["franc"]


def test_the_left_out_sentence_names_up_to_three_projects_and_counts_more():
    from kpictl.site.phrases import left_out

    three = left_out(["A", "B", "C"], ("CHF",), "USD")
    assert "3 projects (A, B, C), which do not convert to USD" in three
    five = left_out(["A", "B", "C", "D", "E"], ("CHF", "SEK"), "USD")
    assert five == (
        "This leaves out the costs in CHF, SEK of 5 projects, which do not convert to USD: "
        "see the warnings."
    )
