"""`kpictl diff` writes the summary a pull request shows, where the site's readers may read it:
it follows `publish: {costs: ...}` as the site does. `report` prints everything (a local tool)."""

from __future__ import annotations

import pytest

from tests.conftest import run_kpictl
from tests.gitutil import HistoryRepo, project_yaml

VENDOR = "Quasar Vendor Ltd"
BUILD = "  - {item: Build, category: people, amount: 1000, currency: USD, per: once}\n"
LINE = f"  - {{item: {VENDOR}, category: services, amount: 987654, currency: USD, per: once}}\n"
NEW = (
    "costs:\n  - {item: Secret Seats, category: people, amount: 424242, currency: USD, per: once}\n"
)
AMOUNTS = ("987,654", "987654", "988,654", "988654", "424,242", "424242", "1,000", "425,242")


def make(tmp_path, publish: str) -> str:
    repo = HistoryRepo(tmp_path / "kpis")
    repo.commit(
        "2025-01-06T09:00:00+00:00",
        {
            "kpictl.yaml": publish,
            "projects/a.yaml": project_yaml("a", "Alpha") + "costs:\n" + BUILD,
        },
    )
    repo.commit(
        "2025-02-06T09:00:00+00:00",
        {
            "projects/a.yaml": project_yaml("a", "Alpha", team_assembled="done")
            + "costs:\n"
            + BUILD
            + LINE,
            "projects/b.yaml": project_yaml("b", "Beta") + NEW,
        },
    )
    result = run_kpictl("diff", "HEAD~1", "HEAD", "--as-of", "2025-03-01", cwd=repo.path)
    assert result.code == 0, result.err
    return result.out


def test_with_costs_published_the_diff_shows_line_items_and_totals(tmp_path):
    text = make(tmp_path, "# defaults\n")
    assert VENDOR in text and "Secret Seats" in text and "987,654" in text
    assert "| Total cost of ownership | 1,000 USD (met) | 988,654 USD (met) |" in text


def test_with_costs_totals_the_diff_shows_totals_but_no_line_item(tmp_path):
    text = make(tmp_path, "publish: {costs: totals}\n")
    assert VENDOR not in text and "Secret Seats" not in text
    assert "- cost added:" not in text and "- cost: " not in text  # no line item
    assert "- costs changed: line items not published (`publish: {costs: totals}`)" in text
    assert "- costs: line items not published" in text  # the new project's
    assert "| Total cost of ownership | 1,000 USD (met) | 988,654 USD (met) |" in text


@pytest.mark.parametrize("publish", ["publish: {costs: false}\n"])
def test_with_costs_withheld_no_amount_appears(tmp_path, publish):
    text = make(tmp_path, publish)
    assert VENDOR not in text and "Secret Seats" not in text
    for amount in AMOUNTS:
        assert amount not in text, amount
    assert "USD" not in text and "Total cost of ownership" not in text
    assert "- costs changed: not published (`publish: {costs: false}`)" in text
    assert "Time to assemble the team" in text  # the rest of the summary is there


def test_the_stricter_side_wins(tmp_path):
    """A change that withholds costs is already withheld in its own summary."""
    repo = HistoryRepo(tmp_path / "kpis")
    repo.commit(
        "2025-01-06T09:00:00+00:00",
        {"projects/a.yaml": project_yaml("a", "Alpha") + "costs:\n" + BUILD},
    )
    repo.commit(
        "2025-02-06T09:00:00+00:00",
        {
            "kpictl.yaml": "publish: {costs: false}\n",
            "projects/a.yaml": project_yaml("a", "Alpha") + "costs:\n" + BUILD + LINE,
        },
    )
    result = run_kpictl("diff", "HEAD~1", "HEAD", "--as-of", "2025-03-01", cwd=repo.path)
    assert result.code == 0, result.err
    assert VENDOR not in result.out and "987,654" not in result.out
    report = run_kpictl("report", "--format", "json", "--as-of", "2025-03-01", cwd=repo.path)
    assert '"cost_to_date": 988654' in report.out  # report prints everything: a local tool
