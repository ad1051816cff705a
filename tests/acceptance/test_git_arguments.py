"""A ref given on the command line never reaches git as an option: `--output=FILE` truncates
no file, `--upload-pack=...` runs nothing, and a real branch whose name starts with '-' is
refused with the way to name it; and kpictl says which git it needs."""

from __future__ import annotations

from pathlib import Path

import pytest

from kpictl.git.repository import git_version_problem
from tests.conftest import run_kpictl
from tests.gitutil import HistoryRepo, git, project_yaml

REFUSED = "starts with '-', so git would take it for an option"


@pytest.fixture
def repo(tmp_path: Path) -> HistoryRepo:
    repo = HistoryRepo(tmp_path / "kpis")
    repo.commit(
        "2025-01-06T09:00:00+00:00",
        {"kpictl.yaml": "# defaults\n", "projects/a.yaml": project_yaml("a")},
    )
    repo.commit(
        "2025-02-06T09:00:00+00:00", {"projects/a.yaml": project_yaml("a", demo_ready="done")}
    )
    git(repo.path, "update-ref", "refs/heads/-x", "HEAD")  # a real branch named -x
    return repo


def _commands(ref: str, site: Path) -> list[tuple[str, ...]]:
    """Every command that takes a ref, with ``ref`` in each place a ref goes."""
    return [
        ("diff", "--", ref),
        ("diff", "--", "main", ref),
        ("diff", "--", ref, "main"),
        ("history", f"--ref={ref}"),
        ("report", f"--ref={ref}"),
        ("build", "--out", str(site), f"--ref={ref}"),
        ("forecast", f"--ref={ref}"),
        ("forecast", "--backtest", f"--ref={ref}"),
    ]


@pytest.mark.parametrize("kind", ["output", "upload-pack", "exec-path", "branch"])
def test_a_ref_starting_with_a_dash_is_refused_and_touches_no_file(repo, tmp_path, kind):
    kept = tmp_path / "kept.txt"
    missing = tmp_path / "missing.txt"
    refs = {
        "output": [f"--output={kept}", f"--output={missing}"],
        "upload-pack": [f"--upload-pack=touch {missing}"],
        "exec-path": ["--exec-path", f"--exec-path={tmp_path}"],
        "branch": ["-x"],
    }[kind]
    for ref in refs:
        for args in _commands(ref, tmp_path / "site"):
            kept.write_text("precious\n")
            result = run_kpictl(*args, cwd=repo.path)
            assert kept.read_text() == "precious\n", args
            assert not missing.exists(), args
            assert not (tmp_path / "site").exists(), args
            assert result.code == 2, (args, result.err)
            assert result.out == ""
            assert result.err == (
                f"kpictl: error: the ref {ref!r} {REFUSED}, and kpictl refuses it; a branch or "
                f"tag of that name is read by its full name (refs/heads/{ref})\n"
            ), args


def test_the_branch_named_in_full_is_read(repo):
    result = run_kpictl("history", "--ref", "refs/heads/-x", "--format", "json", cwd=repo.path)
    assert result.code == 0, result.err
    assert '"ref":"refs/heads/-x"' in result.out
    diffed = run_kpictl("diff", "refs/heads/-x", "main", cwd=repo.path)
    assert diffed.code == 0, diffed.err


def test_an_unknown_ref_that_looks_like_a_path_or_range_is_unknown(repo, tmp_path):
    for ref in ("main..main", "no-such-branch", f"{tmp_path}/x"):
        result = run_kpictl("report", "--ref", ref, cwd=repo.path)
        assert result.code == 2
        assert result.err == (
            f"kpictl: error: unknown ref {ref!r}; give a branch, tag or commit that exists\n"
        )


@pytest.mark.parametrize(
    ("printed", "problem"),
    [
        ("git version 2.39.5\n", None),
        ("git version 2.30.0.windows.1\n", None),
        ("git version 3.0.0 (Apple Git-200)\n", None),
        ("git version 2.29.2\n", "git 2.29 is too old: kpictl needs git 2.30 or later"),
        ("git version 1.8.3.1\n", "git 1.8 is too old: kpictl needs git 2.30 or later"),
        ("something else\n", "cannot tell which git this is ('something else')"),
    ],
)
def test_the_git_version_is_checked(printed, problem):
    found = git_version_problem(printed)
    if problem is None:
        assert found is None
    else:
        assert found is not None and found.startswith(problem)


def test_the_readme_says_which_git_is_needed():
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    assert "git 2.30 or later" in readme
