"""`kpictl demo --size large`: a portfolio of an organisation's size, the same on every run."""

from __future__ import annotations

import json
import subprocess
from collections import Counter

import pytest

from tests.conftest import run_kpictl
from tests.gitutil import clean_env

pytestmark = pytest.mark.slow


def _git(path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=path, capture_output=True, text=True, check=True, env=clean_env()
    ).stdout


def test_the_large_demo_has_an_organisations_portfolio_and_the_same_bytes_every_run(tmp_path):
    first = tmp_path / "one"
    made = run_kpictl("demo", "--size", "large", "--no-site", str(first), cwd=tmp_path)
    assert made.code == 0, made.err
    report = json.loads(run_kpictl("report", "--format", "json", cwd=first).out)
    projects = report["projects"]
    assert 140 <= len(projects) <= 160
    teams = Counter(p["team"] for p in projects)
    assert len(teams) == 8 and min(teams.values()) >= 10 and max(teams.values()) >= 25
    p = report["portfolio"]
    assert p["states"]["archived"] == 14
    assert 50 <= len(p["stuck"]) <= 70
    assert p["states"]["launched"] >= 40 and p["states"]["production"] >= 10
    # Costs in USD, EUR, GBP and INR convert; CHF has no rate and is left out, and said so.
    currencies = {c["currency"] for f in first.glob("projects/*.yaml") for c in _costs(f)}
    assert currencies == {"USD", "EUR", "GBP", "INR", "CHF"}
    assert p["spend"]["left_out"]["currencies"] == ["CHF"]
    # Benefits: a business case for every project; most launched ones measured, one of them
    # far below its case (never paid back); CHF benefits left out of the value, and said so.
    value = p["value"]
    assert 0.5 < value["measured_to_date"] / value["to_date"] < 1
    assert value["left_out"]["currencies"] == ["CHF"]
    launched = [q for q in projects if q["state"] == "launched"]
    measured = [q for q in launched if q["value"] and q["value"]["measurements"]]
    assert len(measured) >= 0.7 * len(launched)
    assert any(
        q["kpis"]["payback_time"]["status"] == "running" and q["kpis"]["net_value"]["value"] < 0
        for q in measured
    )
    running = [q for q in projects if q["state"] in ("poc", "production")]
    assert all(q["value"] for q in running)
    # One revision does not validate: it is skipped with a warning naming its commit.
    assert any("did not validate" in w and "sponsor" in w for w in report["warnings"])
    settings = (first / "kpictl.yaml").read_text()
    assert "repo_url: https://github.com/example-org/ai-portfolio-kpis" in settings
    assert "Engineering productivity and developer platform" in settings
    # Made again elsewhere, from another folder: the same commits.
    second = tmp_path / "two"
    again = run_kpictl("demo", "--size", "large", "--no-site", str(second), cwd=first)
    assert again.code == 0, again.err
    assert _git(first, "rev-parse", "HEAD") == _git(second, "rev-parse", "HEAD")
    small = run_kpictl("demo", "--no-site", str(tmp_path / "small"), cwd=tmp_path)
    assert small.code == 0
    assert len(list((tmp_path / "small" / "projects").glob("*.yaml"))) == 14  # the default


def _costs(path) -> list[dict[str, str]]:
    import yaml

    return yaml.safe_load(path.read_text(encoding="utf-8")).get("costs") or []
