"""A bidi override in a name (U+202E shows "Invoice\u202efdp.exe" as "Invoiceexe.pdf") is shown
as its escape in every output, never passed on raw: the terminal, Markdown, diff, JSON, the site.
"""

from __future__ import annotations

import json
from html import unescape
from pathlib import Path

import pytest

from tests.conftest import run_kpictl
from tests.gitutil import HistoryRepo, project_yaml

RLO = "\u202e"
NAME = f"Invoice{RLO}fdp.exe"
ESCAPED = "Invoice\\u202efdp.exe"  # what a reader sees: the escape, in plain characters


@pytest.fixture(scope="module")
def repo(tmp_path_factory) -> HistoryRepo:
    repo = HistoryRepo(tmp_path_factory.mktemp("bidi") / "kpis")
    repo.commit("2025-01-06T09:00:00+00:00", {"projects/a.yaml": project_yaml("a", "Alpha")})
    # YAML's "\u202E" escape: the file itself holds only ASCII, the value the override.
    named = project_yaml("evil", "x").replace("name: x", 'name: "Invoice\\u202Efdp.exe"')
    named += 'summary: "Pay \\u2067now\\u2069 please"\n'
    repo.commit("2025-02-06T09:00:00+00:00", {"projects/evil.yaml": named})
    cost = (
        'costs:\n  - {{item: "LLM\\u202EAPI", category: services, amount: {}, currency: USD, '
        "per: once}}\n"
    )
    repo.commit("2025-03-06T09:00:00+00:00", {"projects/evil.yaml": named + cost.format(10)})
    repo.commit("2025-03-07T09:00:00+00:00", {"projects/evil.yaml": named + cost.format(20)})
    return repo


def run(repo: HistoryRepo, *args: str) -> str:
    result = run_kpictl(*args, cwd=repo.path)
    assert result.code == 0, result.err
    return result.out


def raw_bidi(text: str) -> list[str]:
    return sorted(
        {
            ch
            for ch in text
            if ch in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
        }
    )


def test_the_terminal_table_shows_the_escape(repo):
    table = run(repo, "report")
    assert raw_bidi(table) == []
    assert f"evil  ·  {ESCAPED}  ·  platform  ·  poc" in table


def test_json_carries_the_escape_and_the_same_value(repo):
    text = run(repo, "report", "--format", "json")
    assert raw_bidi(text) == []
    assert f'"name": "{ESCAPED}"' in text  # the JSON escape \u202e
    data = json.loads(text)
    assert {p["id"]: p["name"] for p in data["projects"]}["evil"] == NAME  # the value is kept
    forecast = run(repo, "forecast", "--format", "json")
    assert raw_bidi(forecast) == [] and ESCAPED in forecast
    history = run(repo, "history", "--format", "json")
    assert raw_bidi(history) == [] and ESCAPED in history


def test_report_markdown_and_diff_show_the_escape(repo):
    markdown = run(repo, "report", "--format", "markdown")
    assert raw_bidi(markdown) == []
    assert "## Invoice&#92;u202efdp&#46;exe (`evil`)" in markdown  # renders as Invoice\u202efdp.exe
    diff = run(repo, "diff", "HEAD~3", "HEAD")
    assert raw_bidi(diff) == []
    assert raw_bidi(run(repo, "diff", "HEAD~1", "HEAD")) == []  # a cost item's change
    assert "### Invoice\\\\u202efdp.exe (`evil`), new project" in diff  # Markdown's \\ is \


def test_the_site_shows_the_escape(repo, tmp_path):
    out = tmp_path / "site"
    run(repo, "build", "--out", str(out))
    pages = {f: f.read_text(encoding="utf-8") for f in out.rglob("*.html")}
    page = pages[out / "projects" / "evil.html"]
    assert f">{ESCAPED}</h1>" in unescape(page)
    assert f"<title>{ESCAPED}" in page  # the page title too
    for path, html in pages.items():
        assert raw_bidi(html) == [], path
    index = Path(out / "search" / "search_index.json").read_text(encoding="utf-8")
    assert raw_bidi(index) == []
    assert "Pay \\u2067now\\u2069 please" in unescape(page)  # the summary
    data = (out / "kpis.json").read_text(encoding="utf-8")
    assert raw_bidi(data) == []
    evil = next(p for p in json.loads(data)["projects"] if p["id"] == "evil")
    assert evil["name"] == NAME  # the escape reads back as the character itself


def test_history_shows_the_escape_in_names_and_changes(repo):
    text = run(repo, "history")
    assert raw_bidi(text) == []
    assert "LLM\\u202eAPI" in text  # the cost item, in the changes it made
