"""`kpictl diff` shows everything a change does: kpictl.yaml changes and the KPIs they flip,
archives and moves, compact new projects, readable text, and no change where there is none."""

from __future__ import annotations

import pytest

from tests.conftest import run_kpictl
from tests.gitutil import HistoryRepo, git, project_yaml


@pytest.fixture
def repo(tmp_path) -> HistoryRepo:
    """Two projects whose teams assembled in 40 and 50 days, a third still assembling."""
    repo = HistoryRepo(tmp_path / "kpis")
    repo.commit(
        "2025-01-06T09:00:00+00:00",
        {
            "kpictl.yaml": "kpis:\n  - {id: time_to_assemble_team, target: 30}\n",
            "projects/a.yaml": project_yaml("a", "Alpha & <Co>"),
            "projects/b.yaml": project_yaml("b", "Beta_team"),
        },
    )
    repo.commit(
        "2025-02-15T09:00:00+00:00",
        {"projects/a.yaml": project_yaml("a", "Alpha & <Co>", team_assembled="done")},
    )
    repo.commit(
        "2025-02-25T09:00:00+00:00",
        {"projects/b.yaml": project_yaml("b", "Beta_team", team_assembled="done")},
    )
    repo.commit("2025-03-01T09:00:00+00:00", {"projects/c.yaml": project_yaml("c", "Gamma")})
    return repo


def diff(repo: HistoryRepo, *args: str) -> str:
    result = run_kpictl("diff", *args, cwd=repo.path)
    assert result.code == 0, result.err
    return result.out


def test_a_kpictl_yaml_change_alone_shows_the_kpis_it_flips(repo):
    repo.commit(
        "2025-03-03T09:00:00+00:00",
        {"kpictl.yaml": "kpis:\n  - {id: time_to_assemble_team, target: 60}\n"},
    )
    text = diff(repo, "HEAD~1", "HEAD")
    assert "No change" not in text
    assert "### kpictl.yaml" in text
    assert "- target of **Time to assemble the team**: 30.0 → 60.0" in text
    assert "### Projects whose KPIs move without a change to their file" in text
    assert "| Alpha &amp; &lt;Co&gt; | Time to assemble the team | 40.0 days (MISSED) | " in text
    assert "40.0 days (met) | 60.0 |" in text
    assert (
        "| Beta\\_team | Time to assemble the team | 50.0 days (MISSED) | 50.0 days (met)" in text
    )
    assert "| Gamma |" not in text  # still running, and not overdue either way


def test_a_rate_added_in_kpictl_yaml_is_shown(repo):
    repo.commit(
        "2025-03-03T09:00:00+00:00",
        {
            "kpictl.yaml": "kpis:\n  - {id: time_to_assemble_team, target: 30}\n"
            "currency: {rates: {EUR: 1.1}}\n"
        },
    )
    assert "- currency rates: none → EUR 1.1" in diff(repo, "HEAD~1", "HEAD")


def test_a_gate_changed_in_kpictl_yaml_reads_as_words(repo):
    repo.commit(
        "2025-03-03T09:00:00+00:00",
        {
            "kpictl.yaml": "gates:\n  - {milestone: launched, status: done, requires: "
            "[security_review, evaluation_suite], reason: Reviewed and evaluated first}\n"
        },
    )
    text = diff(repo, "HEAD~1", "HEAD")
    assert (
        "- gates: launched done needs security\\_review → launched done needs "
        "security\\_review and evaluation\\_suite"
    ) in text, text


def test_a_deleted_project_is_archived_and_a_moved_one_moved(repo):
    repo.commit("2025-03-03T09:00:00+00:00", {"projects/b.yaml": None})
    archived = diff(repo, "HEAD~1", "HEAD")
    assert "### Beta\\_team (`b`)" in archived
    assert "- archived: `projects/b.yaml` was deleted" in archived
    assert "no change to milestones" not in archived
    c = (repo.path / "projects/c.yaml").read_text()
    repo.commit("2025-03-04T09:00:00+00:00", {"projects/c.yaml": None, "projects/ml/c.yaml": c})
    moved = diff(repo, "HEAD~1", "HEAD")
    assert "- moved from `projects/c.yaml` to `projects/ml/c.yaml`" in moved


def test_a_new_project_gets_a_compact_summary(repo):
    text = project_yaml("d", "Delta", team_assembled="done") + (
        "costs:\n  - {item: Pilot, category: people, amount: 1000000, currency: USD, per: once}\n"
    )
    repo.commit("2025-03-03T09:00:00+00:00", {"projects/d.yaml": text})
    out = diff(repo, "HEAD~1", "HEAD")
    assert "### Delta (`d`), new project" in out
    assert "- milestones done: `team_assembled`" in out
    assert "- cost: **Pilot**, 1,000,000 USD, people" in out
    assert "not started" not in out  # no fifteen rows of KPIs that have not begun
    assert "e+06" not in out


def test_untouched_projects_show_no_change_and_both_sides_share_the_moment(repo):
    repo.commit(
        "2025-06-01T09:00:00+00:00",
        {
            "projects/a.yaml": project_yaml(
                "a", "Alpha & <Co>", team_assembled="done", problem_statement="done"
            )
        },
    )
    out = diff(repo, "HEAD~1", "HEAD")
    assert "both as of 2025-06-01 09:00 UTC" in out
    assert "Gamma" not in out and "Beta" not in out  # running clocks move alike on both sides
    assert "`problem_statement`: planned → done" in out


def test_an_unmerged_branch_lands_at_the_as_of_moment(repo):
    git(repo.path, "checkout", "-q", "-b", "feature")
    repo.commit(
        "2025-03-02T09:00:00+00:00",
        {"projects/c.yaml": project_yaml("c", "Gamma", team_assembled="done")},
    )
    out = diff(repo, "main", "feature", "--as-of", "2025-03-11T09:00:00+00:00")
    assert "1 commit of `feature` is not on `main` yet" in out
    assert "| Time to assemble the team | 10.0 days (running) | 10.0 days (met) | 30.0 |" in out


def test_no_change_says_so(repo):
    repo.commit("2025-03-03T09:00:00+00:00", {"README.md": "docs\n"})
    assert "No change to any project file, to kpictl.yaml, or to any KPI." in diff(
        repo, "HEAD~1", "HEAD"
    )


ID_NOTE = "**This change changes a project's id: its history is not carried over.**"


def test_an_id_changed_in_place_says_which_project_is_archived_and_which_starts(repo):
    repo.commit("2025-03-03T09:00:00+00:00", {"projects/a.yaml": project_yaml("alpha", "Alpha")})
    lines = diff(repo, "HEAD~1", "HEAD").splitlines()
    assert lines[:5] == [
        "## What this change does to the KPIs",
        "",
        ID_NOTE,
        "",
        "- `projects/a.yaml` now says `id: alpha` (it said `id: a`): `a` is archived and `alpha` "
        "starts as a new project, without the history of `a`. To keep the history instead, keep "
        "the id (`id: a`); rename the file freely.",
    ]
    assert "- archived: `projects/a.yaml` now says `id: alpha`" in lines
    assert "was deleted" not in "\n".join(lines)  # the file is still there
    assert "### Alpha (`alpha`), new project" in lines


def test_an_id_changed_with_the_file_renamed_names_both_paths(repo):
    repo.commit(
        "2025-03-03T09:00:00+00:00",
        {"projects/b.yaml": None, "projects/beta.yaml": project_yaml("beta", "Beta_team")},
    )
    text = diff(repo, "HEAD~1", "HEAD")
    assert text.index(ID_NOTE) < text.index("Comparing ")
    assert (
        "- `projects/b.yaml`, renamed `projects/beta.yaml`, now says `id: beta` (it said "
        "`id: b`): `b` is archived and `beta` starts as a new project"
    ) in text
    assert "- archived: `projects/b.yaml` was renamed `projects/beta.yaml` and says `id: beta`" in (
        text
    )


def test_a_rename_that_keeps_the_id_or_an_unrelated_delete_and_add_gets_no_id_note(repo):
    c = (repo.path / "projects/c.yaml").read_text()
    repo.commit("2025-03-03T09:00:00+00:00", {"projects/c.yaml": None, "projects/gamma.yaml": c})
    renamed = diff(repo, "HEAD~1", "HEAD")
    assert "- moved from `projects/c.yaml` to `projects/gamma.yaml`" in renamed
    assert "id" not in renamed.split("Comparing ")[0]

    repo.commit(
        "2025-03-04T09:00:00+00:00",
        {"projects/b.yaml": None, "projects/d.yaml": project_yaml("d", "Delta", kickoff="planned")},
    )
    replaced = diff(repo, "HEAD~1", "HEAD")
    assert ID_NOTE not in replaced
    assert "- archived: `projects/b.yaml` was deleted" in replaced
    assert "### Delta (`d`), new project" in replaced
