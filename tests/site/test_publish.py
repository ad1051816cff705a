"""What the site publishes is the organisation's choice: a withheld value appears nowhere in
the built site (pages, search index, kpis.json, sitemap)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import run_kpictl
from tests.gitutil import HistoryRepo, project_yaml

OWNER = "ada.secret@example.com"
PERSON = "Grace Hopperstein"
VENDOR = "Quasar Vendor Ltd"
AMOUNT = 987654
MAILTO = "team.secret@example.com"
IN_URL = "ops.secret@example.com"
LINKS = (
    "links:\n"
    f"  - {{title: Write to us, url: 'mailto:{MAILTO}'}}\n"
    "  - {title: Ask ops, url: 'https://example.com/contact?to=ops.secret%40example.com'}\n"
    "  - {title: Design notes, url: 'https://example.com/design'}\n"
)


def make(tmp_path: Path, publish: str) -> Path:
    repo = HistoryRepo(tmp_path / "kpis")
    text = (
        project_yaml("alpha", "Alpha", team_assembled="done").replace(
            "owner: lead@example.com", f"owner: {OWNER}"
        )
        + f"roles:\n  product_owner: {PERSON}\n"
        + LINKS
        + f"costs:\n  - {{item: {VENDOR}, category: services, amount: {AMOUNT}, "
        "currency: USD, per: once}\n"
    )
    repo.commit(
        "2025-01-06T09:00:00+00:00",
        {"kpictl.yaml": publish, "projects/alpha.yaml": text},
    )
    out = tmp_path / "site"
    result = run_kpictl("build", "--out", str(out), "--as-of", "2025-03-01", cwd=repo.path)
    assert result.code == 0, result.err
    return out


def everything(site: Path) -> str:
    return "\n".join(
        f.read_text(encoding="utf-8", errors="replace") for f in site.rglob("*") if f.is_file()
    )


def test_by_default_no_email_address_is_published(tmp_path):
    site = make(tmp_path, "# defaults\n")
    text = everything(site)
    for withheld in (OWNER, "ada.secret", MAILTO, "team.secret", IN_URL, "ops.secret"):
        assert withheld not in text, withheld
    assert "mailto:" not in text.lower() and "Write to us" not in text and "Ask ops" not in text
    assert "https://example.com/design" in text  # a link without an address stays
    assert PERSON in text and VENDOR in text  # names and costs are published by default


def test_initials_and_cost_totals(tmp_path):
    site = make(tmp_path, "publish: {people: initials, costs: totals}\n")
    text = everything(site)
    assert PERSON not in text and "Hopperstein" not in text and "G. H." in text
    assert VENDOR not in text  # the line item is withheld
    data = json.loads((site / "kpis.json").read_text())
    assert data["projects"][0]["cost_to_date"] == AMOUNT  # the total is not


@pytest.mark.parametrize("people", ["none"])
def test_no_people_and_no_money(tmp_path, people):
    site = make(tmp_path, f"publish: {{people: {people}, costs: false, emails: true}}\n")
    text = everything(site)
    for withheld in (PERSON, "G. H.", OWNER, VENDOR, "987,654", "987654", "987.7k", "$988k"):
        assert withheld not in text, withheld
    data = json.loads((site / "kpis.json").read_text())
    # No KPI counted in costs; value to date is value, published unless `value: false` says so.
    assert [k["id"] for k in data["catalog"] if k["unit"] == "USD"] == ["value_to_date"]
    assert not {"net_value", "return_on_investment", "payback_time"} & {
        k["id"] for k in data["catalog"]
    }
    assert data["portfolio"]["costs_by_category"] == {} and data["portfolio"]["spend"] is None
    assert "cost_to_date" not in data["projects"][0]  # no money at all, not even a zero


def test_emails_are_published_when_asked(tmp_path):
    text = everything(make(tmp_path, "publish: {emails: true}\n"))
    assert OWNER in text and f"mailto:{MAILTO}" in text and "Ask ops" in text


def test_a_warning_quoting_an_address_does_not_publish_it(tmp_path):
    repo = HistoryRepo(tmp_path / "kpis")
    good = project_yaml("alpha", "Alpha", team_assembled="done")
    repo.commit("2025-01-06T09:00:00+00:00", {"projects/alpha.yaml": good})
    leaked = "leak.secret@example.com"
    bad = good + f"links:\n  - {{title: Write, url: 'MAILTO:{leaked}'}}\n"
    repo.commit("2025-01-07T09:00:00+00:00", {"projects/alpha.yaml": bad})
    report = run_kpictl("report", "--format", "json", cwd=repo.path)
    assert leaked in report.out  # the warning names the value (report prints everything)
    out = tmp_path / "site"
    result = run_kpictl("build", "--out", str(out), cwd=repo.path)
    assert result.code == 0, result.err
    text = everything(out)
    assert leaked not in text and "leak.secret" not in text
    assert "(an e-mail address, withheld)" in text  # the warning itself is still published
