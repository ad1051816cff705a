"""`kpictl diff` says what a change does to benefits: added, changed, removed, or moved from
estimate to measured, and the value KPIs it moves; under `publish: {value: ...}` as the site."""

from __future__ import annotations

from tests.conftest import run_kpictl
from tests.gitutil import HistoryRepo, project_yaml

COST = "costs:\n  - {item: Build, category: people, amount: 10000, currency: USD, per: once}\n"
ESTIMATE = (
    "  - {item: Tickets deflected, kind: savings, amount: 2000, currency: USD, per: month, "
    "from: 2025-01-01, basis: estimate}\n"
)
MEASURED = (
    "  - {item: Tickets deflected, kind: savings, amount: 2500, currency: USD, per: month, "
    "from: 2025-01-01, basis: measured, source: https://wiki.example.com/t}\n"
)
UPSELL = (
    "  - {item: Upsell, kind: revenue, amount: 5000, currency: USD, per: once, "
    "from: 2025-02-01, basis: estimate}\n"
)


def repo_with(tmp_path, publish: str = "# defaults\n") -> HistoryRepo:
    repo = HistoryRepo(tmp_path / "kpis")
    base = project_yaml("a", "Alpha") + COST
    repo.commit(
        "2025-01-06T09:00:00+00:00",
        {"kpictl.yaml": publish, "projects/a.yaml": base + "benefits:\n" + ESTIMATE},
    )
    repo.commit(
        "2025-03-06T09:00:00+00:00",
        {"projects/a.yaml": base + "benefits:\n" + MEASURED + UPSELL},
    )
    repo.commit("2025-04-06T09:00:00+00:00", {"projects/a.yaml": base})
    return repo


def diff(repo: HistoryRepo, base: str, head: str) -> str:
    result = run_kpictl("diff", base, head, "--as-of", "2025-05-01", cwd=repo.path)
    assert result.code == 0, result.err
    return result.out


def test_a_benefit_measured_added_and_removed_are_each_one_line(tmp_path):
    repo = repo_with(tmp_path)
    text = diff(repo, "HEAD~2", "HEAD~1")
    assert (
        "- benefit moved from estimate to measured: **Tickets deflected** (2,000 USD/month, "
        "savings, estimate → 2,500 USD/month, savings, measured)"
    ) in text
    assert "- benefit added: **Upsell** (5,000 USD, revenue, estimate)" in text
    assert "| Value to date |" in text and "| Return on investment |" in text
    removed = diff(repo, "HEAD~1", "HEAD")
    assert "- benefit removed: **Tickets deflected**" in removed
    assert "- benefit removed: **Upsell**" in removed
    assert "| Value to date |" in removed and "unknown" in removed


def test_value_totals_and_false_withhold_the_lines_and_what_reveals_them(tmp_path):
    totals = diff(repo_with(tmp_path / "t", "publish: {value: totals}\n"), "HEAD~2", "HEAD~1")
    assert "Tickets deflected" not in totals and "Upsell" not in totals
    assert (
        "- benefits changed: line items not published (`publish: {value: totals}`); "
        "1 moved from estimate to measured"
    ) in totals
    hidden = diff(repo_with(tmp_path / "f", "publish: {value: false}\n"), "HEAD~2", "HEAD~1")
    assert "Tickets deflected" not in hidden and "Value to date" not in hidden
    assert "Return on investment" not in hidden and "Payback" not in hidden
    costs = diff(repo_with(tmp_path / "c", "publish: {costs: false}\n"), "HEAD~2", "HEAD~1")
    assert "| Value to date |" in costs
    assert "Return on investment" not in costs and "Net value" not in costs
