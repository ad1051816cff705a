"""Each project's history as the commands read it: found from a KPI root in a subfolder,
followed by its id across duplicate files and renames, no revision lost to clock skew, and a
milestone reopened and done again dated by its last completion."""

from __future__ import annotations

import json

from tests.conftest import run_kpictl
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
