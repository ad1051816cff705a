"""kpictl needs no network: a partial clone, whose missing blobs git would fetch one by one
from the remote, is refused with the fix, before any blob is asked for."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import run_kpictl
from tests.gitutil import HistoryRepo, git, project_yaml

REFUSED = (
    "kpictl: error: this is a partial clone (objects left on the remote 'origin'), so git would "
    "fetch every project file revision over the network, one at a time; kpictl reads history "
    "offline: make a full clone (`git clone URL`, without --filter), or in GitHub Actions set "
    "`filter: ''` on actions/checkout\n"
)


def _objects(repo: Path) -> dict[str, str]:
    counted = git(repo, "count-objects", "-v")
    return dict(line.split(": ") for line in counted.splitlines() if line)


@pytest.fixture
def source(tmp_path: Path) -> HistoryRepo:
    repo = HistoryRepo(tmp_path / "source")
    repo.commit(
        "2025-01-06T09:00:00+00:00",
        {"kpictl.yaml": "# defaults\n", "projects/a.yaml": project_yaml("a")},
    )
    done: dict[str, str] = {}
    for month, milestone in ((2, "team_assembled"), (3, "problem_statement"), (4, "demo_ready")):
        done[milestone] = "done"
        repo.commit(
            f"2025-0{month}-06T09:00:00+00:00", {"projects/a.yaml": project_yaml("a", **done)}
        )
    git(repo.path, "config", "uploadpack.allowFilter", "true")
    return repo


def test_a_partial_clone_is_refused_and_fetches_nothing(source, tmp_path):
    clone = tmp_path / "clone"
    url = source.path.as_uri()
    git(tmp_path, "clone", "-q", "--filter=blob:none", "--no-local", url, str(clone))
    before = _objects(clone)
    for args in (
        ("history",),
        ("report",),
        ("forecast", "--backtest"),
        ("build", "--out", str(tmp_path / "site")),
        ("diff", "HEAD~2", "HEAD"),
        ("diff", "HEAD~1"),
    ):
        result = run_kpictl(*args, cwd=clone)
        assert _objects(clone) == before, args  # no blob fetched
        assert result.code == 2, (args, result.err)
        assert result.err == REFUSED, args
    assert not (tmp_path / "site").exists()
    # A full clone of the same repository reads.
    full = tmp_path / "full"
    git(tmp_path, "clone", "-q", "--no-local", url, str(full))
    assert run_kpictl("history", cwd=full).code == 0


def test_a_promisor_remote_alone_is_refused(source, tmp_path):
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--no-local", source.path.as_uri(), str(clone))
    git(clone, "config", "remote.origin.promisor", "true")
    result = run_kpictl("report", cwd=clone)
    assert result.code == 2 and result.err == REFUSED


def test_no_git_that_kpictl_runs_can_fetch_a_missing_blob(source, tmp_path):
    """The second lock, should a partial clone get past the first: every git kpictl runs is
    barred from any transport, so a missing blob is missing, not fetched."""
    from kpictl.errors import KpictlError
    from kpictl.git.log import blob_sizes, cat_blobs
    from kpictl.git.repository import Git

    clone = tmp_path / "clone"
    git(
        tmp_path,
        "clone",
        "-q",
        "--filter=blob:none",
        "--no-local",
        source.path.as_uri(),
        str(clone),
    )
    first = git(clone, "rev-list", "--max-parents=0", "HEAD").strip()
    old = git(clone, "rev-parse", f"{first}:projects/a.yaml").strip()
    before = _objects(clone)
    kpictl_git = Git(clone)
    assert kpictl_git.run("cat-file", "-e", old, check=False).returncode != 0
    for read in (
        lambda: blob_sizes(kpictl_git, [old]),
        lambda: list(cat_blobs(kpictl_git, [old], 1)),
    ):
        with pytest.raises(KpictlError, match=r"could not fetch \w+ from promisor remote"):
            read()
    assert _objects(clone) == before
    # The same command without kpictl's options fetches it: the lock is what stops it.
    git(clone, "cat-file", "-e", old)
    assert _objects(clone) != before
