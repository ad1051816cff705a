"""A landed revision counts only if `kpictl validate` would accept it: bad revisions landed with
the hook skipped are refused with one warning each, the project keeps its last good revision,
and a later change of kpictl.yaml re-dates nothing."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from kpictl.project import rules
from tests.conftest import run_kpictl
from tests.gitutil import HistoryRepo, project_yaml

P = "projects/assistant.yaml"
SITE = {"site/mkdocs.yml": "site_name: Test KPIs\ntheme:\n  name: material\n  font: false\n"}
GOOD = "2025-01-06T09:00:00+00:00"
BAD = "2025-02-03T09:00:00+00:00"
FIXED = "2025-03-03T09:00:00+00:00"

DUPLICATE_UPDATES = (
    "updates:\n"
    "  - {id: tone, kind: simple, status: live}\n"
    "  - {id: tone, kind: version, status: requested}\n"
)
# Each: the bad file (demo_ready done, landed with the hook skipped), its rule, its line.
BAD_REVISIONS = {
    "future-date": (
        project_yaml("assistant", demo_ready="{status: done, date: 2030-01-01}"),
        "date-after-landing",
        7,
    ),
    "overflowing-date": (
        project_yaml("assistant", demo_ready="{status: done, date: '9999-12-31T23:00:00-05:00'}"),
        "invalid-date",
        7,
    ),
    "5000-digit-integer": (
        project_yaml("assistant", demo_ready="done") + "x-serial: 1" + "0" * 5000 + "\n",
        "number-too-large",
        8,
    ),
    "duplicate-item-id": (
        project_yaml("assistant", demo_ready="done") + DUPLICATE_UPDATES,
        "duplicate-item",
        10,
    ),
}


def kpictl(repo: HistoryRepo, *args: str):
    result = run_kpictl(*args, cwd=repo.path)
    assert result.code == 0, result.err
    assert "Traceback" not in result.err + result.out
    return result


def history(repo: HistoryRepo, *args: str) -> dict:
    return json.loads(kpictl(repo, "history", "--format", "json", *args).out)


def warnings_about(payload: dict, sha: str) -> list[str]:
    return [w for w in payload["warnings"] if sha[:10] in w]


@pytest.mark.parametrize("case", list(BAD_REVISIONS))
def test_a_bad_revision_is_skipped_and_the_fix_counts(tmp_path, case):
    text, rule, line = BAD_REVISIONS[case]
    repo = HistoryRepo(tmp_path / "kpis")
    repo.write(SITE)
    good = repo.commit(GOOD, {P: project_yaml("assistant", demo_ready="in_progress")})
    bad = repo.commit(BAD, {P: text}, message="Demo ready (pre-commit skipped)")
    fixed = repo.commit(FIXED, {P: project_yaml("assistant", demo_ready="done")})

    payload = history(repo)
    assert len(payload["warnings"]) == 1, payload["warnings"]
    warning = payload["warnings"][0]
    assert bad[:10] in warning and P in warning and "skipped" in warning
    assert f"(line {line}: [{rule}] " in warning
    demo = payload["projects"][0]["milestones"]["demo_ready"]
    assert (demo["done_at"], demo["commit"], demo["source"]) == (
        "2025-03-03T09:00:00Z",
        fixed,
        "git",
    )
    assert demo["started_at"] == "2025-01-06T09:00:00Z"

    # Before the fix, the project is its last good revision.
    before = history(repo, "--ref", bad)["projects"][0]
    assert before["milestones"]["demo_ready"]["status"] == "in_progress"

    report = json.loads(kpictl(repo, "report", "--format", "json").out)
    value = report["projects"][0]["kpis"]["time_to_demo"]
    assert (value["to"], value["value"], value["commit"]) == ("2025-03-03T09:00:00Z", 56.0, fixed)
    assert "2030" not in json.dumps(report["projects"])

    built = kpictl(repo, "build", "--out", str(tmp_path / "site"))
    assert bad[:10] in built.err
    assert (tmp_path / "site" / "index.html").is_file()
    assert "time_to_demo" in (tmp_path / "site" / "kpis.json").read_text()

    diff = kpictl(repo, "diff", good, fixed).out
    assert "| Time to a cohesive demo | — (0 projects) | 56.0 (1 project) | days |" in diff
    diff = kpictl(repo, "diff", good, bad).out  # the bad revision alone: a warning, no change
    assert (
        bad[:10] in diff and "No change to any project file, to kpictl.yaml, or to any KPI." in diff
    )


def test_a_declared_date_moved_after_its_commit_by_a_one_line_change_is_refused(tmp_path):
    # The one-line fast path patches the previous revision; the landing rule still sees the date.
    repo = HistoryRepo(tmp_path / "kpis")
    block = "  demo_ready:\n    status: done\n    date: {}\n"
    text = project_yaml("assistant", team_assembled="done") + "x-end: 1\n"
    dated = text.replace("  team_assembled: done\n", "  team_assembled: done\n" + block)
    first = repo.commit(GOOD, {P: dated.format("2024-12-02")})
    late = repo.commit(BAD, {P: dated.format("2025-02-10")})
    payload = history(repo)
    [warning] = payload["warnings"]
    assert late[:10] in warning and "(line 10: [date-after-landing] " in warning
    demo = payload["projects"][0]["milestones"]["demo_ready"]
    assert (demo["done_at"], demo["commit"]) == ("2024-12-02T00:00:00Z", first)


def test_a_future_date_is_refused_by_validate_too(tmp_path):
    repo = HistoryRepo(tmp_path / "kpis")
    text, _, line = BAD_REVISIONS["future-date"]
    repo.write({P: text})
    result = run_kpictl("validate", cwd=repo.path)
    assert result.code == 1
    assert f"{P}:{line}:" in result.out and "error[future-date]" in result.out


def test_a_date_declared_in_an_uncommitted_change_is_checked_against_now(tmp_path):
    repo = HistoryRepo(tmp_path / "kpis")
    repo.commit(GOOD, {P: project_yaml("assistant", demo_ready="in_progress")})
    repo.write({P: BAD_REVISIONS["future-date"][0]})
    payload = history(repo, "--worktree")
    assert payload["projects"][0]["milestones"]["demo_ready"]["status"] == "in_progress"
    [warning] = payload["warnings"]
    assert f"uncommitted {P}" in warning and "line 7: [date-after-landing]" in warning


CATALOG = """\
milestones:
  - {id: legal_review, title: Legal review, phase: production}
"""


def landed_history(repo: HistoryRepo) -> None:
    """A project that launched without an evaluation suite, with a custom legal review."""
    repo.write({"kpictl.yaml": CATALOG})
    base = dict(team_assembled="done", problem_statement="done", demo_ready="done")
    repo.commit(GOOD, {P: project_yaml("assistant", **base, legal_review="in_progress")})
    repo.commit(
        BAD, {P: project_yaml("assistant", **base, legal_review="done", go_decision="done")}
    )
    launch = project_yaml(
        "assistant",
        **base,
        legal_review="done",
        go_decision="done",
        security_review="done",
        launched="done",
        env_dev="done",
    )
    repo.commit(FIXED, {P: launch})


def test_a_gate_added_later_skips_and_re_dates_nothing(tmp_path):
    repo = HistoryRepo(tmp_path / "kpis")
    landed_history(repo)
    before = history(repo)
    assert before["warnings"] == []
    repo.commit(
        "2025-04-01T09:00:00+00:00",
        {
            "kpictl.yaml": CATALOG
            + "gates:\n  - {milestone: launched, requires: [evaluation_suite, legal_review]}\n"
        },
    )
    after = history(repo)
    assert after["warnings"] == []
    assert after["projects"][0]["milestones"] == before["projects"][0]["milestones"]
    assert after["projects"][0]["environments"] == before["projects"][0]["environments"]
    launched = after["projects"][0]["milestones"]["launched"]
    assert launched["done_at"] == "2025-03-03T09:00:00Z"
    # The gate is for changes from now on: validate refuses the file as it stands.
    result = run_kpictl("validate", cwd=repo.path)
    assert result.code == 1 and "error[gate]" in result.out and "evaluation_suite" in result.out


def test_a_milestone_removed_from_the_catalog_is_ignored_with_one_warning(tmp_path):
    repo = HistoryRepo(tmp_path / "kpis")
    landed_history(repo)
    before = history(repo)
    assert before["projects"][0]["milestones"]["legal_review"]["done_at"] == "2025-02-03T09:00:00Z"
    repo.commit("2025-04-01T09:00:00+00:00", {"kpictl.yaml": "# the default catalog\n"})
    after = history(repo)
    kept = {k: v for k, v in before["projects"][0]["milestones"].items() if k != "legal_review"}
    assert after["projects"][0]["milestones"] == kept
    assert after["projects"][0]["environments"] == before["projects"][0]["environments"]
    # Three revisions carry legal_review: one warning, naming the project, the file and the key.
    assert len(after["warnings"]) == 1
    [warning] = after["warnings"]
    assert "project assistant" in warning and P in warning and "'legal_review'" in warning
    assert "kpictl.yaml" in warning
    for command in (("report",), ("build", "--out", str(tmp_path / "site"))):
        repo.write(SITE)
        result = kpictl(repo, *command)
        assert result.err.count("legal_review") == 1


def test_a_crash_in_one_revision_skips_it_and_is_not_cached(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache-home"))
    repo = HistoryRepo(tmp_path / "kpis")
    repo.commit(GOOD, {P: project_yaml("assistant", demo_ready="in_progress")})
    crash = repo.commit(BAD, {P: project_yaml("assistant", demo_ready="done") + "x-crash: 1\n"})
    fixed = repo.commit(FIXED, {P: project_yaml("assistant", demo_ready="done")})
    check_content = rules.check_content

    def explode(doc):
        if "x-crash" in doc.data:
            raise RuntimeError("boom")
        return check_content(doc)

    monkeypatch.setattr(rules, "check_content", explode)
    payload = history(repo)
    [warning] = payload["warnings"]
    assert crash[:10] in warning and P in warning and "RuntimeError: boom" in warning
    log = Path(re.search(r"details in (\S+?kpictl-crash-\S+?\.log)", warning)[1])
    assert log.is_file() and "RuntimeError: boom" in log.read_text()
    demo = payload["projects"][0]["milestones"]["demo_ready"]
    assert (demo["done_at"], demo["commit"]) == ("2025-03-03T09:00:00Z", fixed)
    report = kpictl(repo, "report", "--format", "json")
    assert crash[:10] in report.err
    assert json.loads(report.out)["projects"][0]["kpis"]["time_to_demo"]["commit"] == fixed

    # Once kpictl no longer fails, the revision is read again, though its blob was seen before.
    monkeypatch.setattr(rules, "check_content", check_content)
    payload = history(repo)
    assert payload["warnings"] == []
    demo = payload["projects"][0]["milestones"]["demo_ready"]
    assert (demo["done_at"], demo["commit"]) == ("2025-02-03T09:00:00Z", crash)
