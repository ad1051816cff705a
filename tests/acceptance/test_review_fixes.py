"""Cases found by trying kpictl as a new user would: each was a wrong answer before."""

from __future__ import annotations

import json

from tests.conftest import VALID_PROJECT, run_kpictl
from tests.gitutil import HistoryRepo, git, project_yaml


def history(path, *args):
    result = run_kpictl("history", "--format", "json", *args, cwd=path)
    assert result.code == 0, result.err
    return json.loads(result.out)


def test_a_kpi_root_in_a_subfolder_of_the_repository(tmp_path):
    repo = HistoryRepo(tmp_path / "repo")
    repo.write({"kpis/kpictl.yaml": "# the KPI root\n"})
    repo.commit("2025-01-06T09:00:00+00:00", {"kpis/projects/a.yaml": project_yaml("a")})
    repo.commit(
        "2025-01-16T09:00:00+00:00",
        {"kpis/projects/a.yaml": project_yaml("a", team_assembled="done")},
    )
    for where in (repo.path / "kpis", repo.path / "kpis" / "projects"):
        data = history(where)
        assert [p["id"] for p in data["projects"]] == ["a"]
        assert data["projects"][0]["path"] == "projects/a.yaml"
        assert (
            data["projects"][0]["milestones"]["team_assembled"]["done_at"] == "2025-01-16T09:00:00Z"
        )
    (repo.path / "kpis/projects/a.yaml").write_text(project_yaml("a", team_assembled="skipped"))
    assert (
        history(repo.path / "kpis", "--worktree")["projects"][0]["milestones"]["team_assembled"][
            "status"
        ]
        == "skipped"
    )
    result = run_kpictl("history", cwd=repo.path)  # the git root holds no KPI repository
    assert result.code == 2 and "no projects/ folder" in result.err


def test_a_duplicate_file_takes_over_when_the_original_is_deleted(tmp_path):
    repo = HistoryRepo(tmp_path / "repo")
    repo.commit("2024-01-01T00:00:00+00:00", {"projects/a.yaml": project_yaml("p")})
    repo.commit(
        "2024-01-10T00:00:00+00:00", {"projects/b.yaml": project_yaml("p", team_assembled="done")}
    )
    repo.commit("2024-01-20T00:00:00+00:00", {"projects/a.yaml": None})
    data = history(repo.path)
    project = data["projects"][0]
    assert project["path"] == "projects/b.yaml" and project["archived"] is False
    assert project["milestones"]["team_assembled"]["done_at"] == "2024-01-20T00:00:00Z"


def test_a_rename_in_the_working_tree_is_not_an_archive(tmp_path):
    repo = HistoryRepo(tmp_path / "repo")
    repo.commit("2024-01-01T00:00:00+00:00", {"projects/zeta.yaml": project_yaml("zeta")})
    git(repo.path, "mv", "projects/zeta.yaml", "projects/alpha.yaml")
    project = history(repo.path, "--worktree")["projects"][0]
    assert project["archived"] is False and project["path"] == "projects/alpha.yaml"


def test_a_launched_project_without_a_go_decision_is_launched(tmp_path):
    repo = HistoryRepo(tmp_path / "repo")
    repo.commit("2024-01-01T00:00:00+00:00", {"projects/n.yaml": project_yaml("n")})
    repo.commit(
        "2024-03-01T00:00:00+00:00",
        {
            "projects/n.yaml": project_yaml(
                "n", go_decision="skipped", security_review="done", launched="done"
            )
        },
    )
    report = json.loads(
        run_kpictl("report", "--format", "json", "--as-of", "2024-09-01", cwd=repo.path).out
    )
    assert report["projects"][0]["phase"] == "scale"
    assert report["portfolio"]["purgatory"] == [] and report["portfolio"]["stale"] == []


def test_clock_skew_does_not_drop_revisions_from_the_default_report(tmp_path):
    repo = HistoryRepo(tmp_path / "repo")
    repo.commit("2024-01-01T00:00:00+00:00", {"projects/g.yaml": project_yaml("g")})
    repo.commit(
        "2024-05-01T00:00:00+00:00", {"projects/g.yaml": project_yaml("g", go_decision="done")}
    )
    repo.commit(
        "2024-04-10T00:00:00+00:00",
        {
            "projects/g.yaml": project_yaml(
                "g", go_decision="done", production_data_connected="done"
            )
        },
    )
    result = run_kpictl("report", "--format", "json", cwd=repo.path)
    value = json.loads(result.out)["projects"][0]["kpis"]["time_to_production_data"]
    # The go decision, dated after the head, counts as landing with the head: no revision lost.
    assert value["status"] == "met" and value["value"] == 0
    assert "clock skew" in result.err


def test_numbers_must_be_finite_and_bounded(kpi_repo):
    for amount, code in ((".inf", "not-finite"), (".nan", "not-finite"), ("1e13", "invalid-value")):
        kpi_repo.project("demo-project", VALID_PROJECT.replace("amount: 100", f"amount: {amount}"))
        payload = json.loads(kpi_repo.run("validate", "--format", "json").out)
        assert [d["code"] for d in payload["diagnostics"]] == [code], payload


def test_a_currency_without_a_rate_is_caught_by_validate(kpi_repo):
    kpi_repo.project("demo-project", VALID_PROJECT.replace("currency: USD", "currency: JPY"))
    result = kpi_repo.run("validate")
    assert result.code == 1 and "error[no-rate]" in result.out and "JPY" in result.out


def test_each_missing_key_is_reported_once(kpi_repo):
    kpi_repo.write("projects/x.yaml", "foo: 1\n")
    payload = json.loads(kpi_repo.run("validate", "--format", "json").out)
    missing = [d["message"] for d in payload["diagnostics"] if d["code"] == "missing-key"]
    assert len(missing) == len(set(missing)) == 6


def test_a_symlinked_project_file_is_an_error(kpi_repo, tmp_path):
    target = tmp_path / "elsewhere.yaml"
    target.write_text(VALID_PROJECT)
    (kpi_repo.root / "projects" / "demo-project.yaml").symlink_to(target)
    result = kpi_repo.run("validate")
    assert result.code == 1 and "error[symlink]" in result.out


def test_patterns_refuse_a_trailing_line_break(kpi_repo):
    kpi_repo.project("demo-project", VALID_PROJECT.replace("team: platform", 'team: "platform\\n"'))
    result = kpi_repo.run("validate")
    assert result.code == 1 and "team" in result.out


def test_diff_sees_a_milestone_reopened_and_done_again(tmp_path):
    repo = HistoryRepo(tmp_path / "repo")
    repo.commit("2024-01-01T00:00:00+00:00", {"projects/p.yaml": project_yaml("p")})
    repo.commit(
        "2024-01-11T00:00:00+00:00", {"projects/p.yaml": project_yaml("p", team_assembled="done")}
    )
    repo.commit(
        "2024-01-20T00:00:00+00:00",
        {"projects/p.yaml": project_yaml("p", team_assembled="in_progress")},
    )
    repo.commit(
        "2024-02-28T00:00:00+00:00", {"projects/p.yaml": project_yaml("p", team_assembled="done")}
    )
    text = run_kpictl("diff", "HEAD~2", "HEAD", cwd=repo.path).out
    assert "Comparing `HEAD~2` with `HEAD`" in text
    assert "| Time to assemble the team | 10.0 days (met) | 58.0 days (MISSED) | 21.0 |" in text
