"""Value and return on the site: the home page's sentence, a project's header card and its
chart of value against cost, and the portfolio's value by quarter and return by team, each
with the figures of kpis.json."""

from __future__ import annotations

import json
import re
from html import unescape
from pathlib import Path

import pytest

from tests.acceptance.test_value_exact import AS_OF, repo  # noqa: F401  (a fixture)
from tests.conftest import run_kpictl
from tests.gitutil import HistoryRepo


@pytest.fixture(scope="module")
def site(repo: HistoryRepo, tmp_path_factory) -> Path:  # noqa: F811
    out = tmp_path_factory.mktemp("value-site") / "site"
    result = run_kpictl("build", "--out", str(out), "--as-of", AS_OF, cwd=repo.path)
    assert result.code == 0, result.err
    return out


def text(site: Path, page: str) -> str:
    html = (site / page).read_text(encoding="utf-8")
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).replace("\xa0", " ").split())


def money(value: float) -> str:
    """As the site writes amounts: $1.2M, $61k, $9.5k."""
    if abs(value) >= 9_995:
        return f"${abs(value) / 1e3:.0f}k"
    return f"${abs(value) / 1e3:.1f}".rstrip("0").rstrip(".") + "k"


def test_the_home_page_says_value_beside_spend_return_measured_share_and_who_paid_back(site):
    data = json.loads((site / "kpis.json").read_text(encoding="utf-8"))
    value = data["portfolio"]["value"]
    home = text(site, "index.html")
    roi = f"−{abs(value['roi']) * 100:.0f}%" if value["roi"] < 0 else f"{value['roi'] * 100:.0f}%"
    share = f"{value['measured_share'] * 100:.0f}%"
    sentence = (
        f"Value : {money(value['to_date'])} to date beside {money(value['cost_to_date'])} spent, "
        f"a return of {roi} ; {share} of it measured, the rest estimated; 1 project paid back "
        "( Alpha )."
    )
    assert sentence in home, home[:2000]


def test_a_project_page_shows_value_return_payback_and_the_chart(site):
    data = json.loads((site / "kpis.json").read_text(encoding="utf-8"))
    alpha = next(p for p in data["projects"] if p["id"] == "alpha")
    page = text(site, "projects/alpha.html")
    assert f"Value to date {money(alpha['value']['to_date'])} , 100% measured" in page
    roi, cost = alpha["value"]["roi"], alpha["value"]["cost_to_date"]
    assert f"Return {roi * 100:.0f}% on {money(cost)}" in page
    assert "Payback paid back on 17 Aug 2024, 229 days after kickoff" in page
    html = (site / "projects/alpha.html").read_text(encoding="utf-8").replace("\xa0", " ")
    assert 'class="kpictl-chart kpictl-value-chart"' in html
    assert "value reached cost on 17 Aug 2024" in html  # the chart's description
    assert "Tickets deflected" in page and "measured" in page
    beta = text(site, "projects/beta.html")
    assert "not yet; at the current rates by 3 Feb 2025" in beta
    assert "dashed line: value with estimates" in beta
    gamma = text(site, "projects/gamma.html")
    assert "Value to date unknown: no benefits recorded" in gamma


def test_the_portfolio_page_shows_value_and_spend_by_quarter_and_return_by_team(site):
    page = text(site, "portfolio.html")
    assert "What it gives back" in page
    assert "Value and spend by quarter" in page and "2024-Q3" in page
    assert "Return on investment by team" in page and "platform" in page


def test_kpis_without_a_value_for_one_reason_are_named_once_not_a_row_each(site):
    data = json.loads((site / "kpis.json").read_text(encoding="utf-8"))
    gamma = next(p for p in data["projects"] if p["id"] == "gamma")
    unknown = sorted(
        k for k, v in gamma["kpis"].items() if v["status"] == "unknown" and v["value"] is None
    )
    assert len(unknown) >= 4 and all(
        gamma["kpis"][k]["note"] == "no benefits recorded" for k in unknown
    )
    titles = {k["id"]: k["title"] for k in data["catalog"]}
    html = (site / "projects/gamma.html").read_text(encoding="utf-8")
    said = re.search(r"<p data-search-exclude>([^<]*): unknown, no benefits recorded\.</p>", html)
    assert said is not None
    assert sorted(n.strip() for n in said[1].split(",")) == sorted(titles[k] for k in unknown)
    kpi_table = html[html.index('aria-label="KPIs"') :]
    kpi_table = kpi_table[: kpi_table.index("</table>")]
    assert not any(f"kpis/{k}.html" in kpi_table for k in unknown)
    # the KPI's page lists gamma under the reason, not as a row of the table
    net = (site / "kpis/net_value.html").read_text(encoding="utf-8")
    table = net[net.index("<table", net.index("per project")) :]
    table = table[: table.index("</table>")]
    assert "projects/gamma.html" not in table
    unknown_part = net[net.index('<details class="kpictl-unknown"') :]
    summary = re.search(r"<summary>(\d+) projects? (?:has|have) no value: ([^<]*)</summary>", net)
    assert summary is not None
    listed = unknown_part[: unknown_part.index("</details>")]
    assert "projects/gamma.html" in listed
    assert int(summary[1]) == listed.count('<a href="../projects/')
