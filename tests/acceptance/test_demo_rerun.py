"""`kpictl demo DIR` over an unchanged demo replaces only what the demo made (its files and its
history): the user's hooks, build/ files, remotes and .git/info files stay."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import run_kpictl
from tests.gitutil import clean_env, git


@pytest.fixture(scope="module")
def first_head(tmp_path_factory) -> str:
    base = tmp_path_factory.mktemp("reference")
    assert run_kpictl("demo", "--no-site", str(base / "demo"), cwd=base).code == 0
    return git(base / "demo", "rev-parse", "HEAD").strip()


def demo(base: Path, *args: str):
    return run_kpictl("demo", *args, str(base / "demo"), cwd=base)


def test_a_rerun_keeps_the_users_hook_build_files_remote_and_info_files(tmp_path, first_head):
    assert demo(tmp_path).code == 0
    target = tmp_path / "demo"
    hook = target / ".git" / "hooks" / "pre-commit"
    hook.write_text("#!/bin/sh\nexit 0\n")
    hook.chmod(0o755)
    (target / "build" / "notes").mkdir(parents=True)
    (target / "build" / "notes" / "plan.txt").write_text("mine\n")
    git(target, "remote", "add", "upstream", "https://example.com/kpis.git")
    (target / ".git" / "info" / "exclude").write_text("*.local\n")
    (target / ".git" / "info" / "attributes").write_text("*.yaml text eol=lf\n")

    again = demo(tmp_path)
    assert again.code == 0, again.err
    assert hook.read_text() == "#!/bin/sh\nexit 0\n"
    assert (target / "build" / "notes" / "plan.txt").read_text() == "mine\n"
    assert git(target, "remote", "get-url", "upstream").strip() == "https://example.com/kpis.git"
    assert (target / ".git" / "info" / "exclude").read_text() == "*.local\n"
    assert (target / ".git" / "info" / "attributes").read_text() == "*.yaml text eol=lf\n"
    assert (target / "build" / "site" / "index.html").is_file()  # the demo's own site, again
    assert git(target, "rev-parse", "HEAD").strip() == first_head
    assert git(target, "status", "--porcelain").strip() == ""


def test_a_demo_an_older_kpictl_made_gets_the_new_history_and_files(tmp_path, first_head):
    """An unchanged demo whose history differs from this version's (as one made by an older
    kpictl does): main moves to the new history, the old demo's files go, the user's stay."""
    assert demo(tmp_path, "--no-site").code == 0
    target = tmp_path / "demo"
    env = clean_env(GIT_COMMITTER_DATE="2026-11-01T09:00:00Z", GIT_AUTHOR_DATE="2026-11-01T09:00")
    (target / "projects" / "retired.yaml").write_text("# a project file an older demo had\n")
    git(target, "add", "projects/retired.yaml")
    git(target, "commit", "-qm", "what an older demo had", env=env)
    old_head = git(target, "rev-parse", "HEAD").strip()
    marker = target / ".git" / "kpictl-demo"
    marker.write_text(marker.read_text().replace(first_head, old_head))
    hook = target / ".git" / "hooks" / "pre-commit"
    hook.write_text("#!/bin/sh\nexit 0\n")

    again = demo(tmp_path, "--no-site")
    assert again.code == 0, again.err
    assert git(target, "rev-parse", "HEAD").strip() == first_head
    assert not (target / "projects" / "retired.yaml").exists()
    assert git(target, "for-each-ref", "--format=%(refname)").split() == ["refs/heads/main"]
    assert hook.read_text() == "#!/bin/sh\nexit 0\n"
    assert first_head in marker.read_text()


@pytest.mark.parametrize("change", ["stash", "tag", "detached", "worktree"])
def test_a_rerun_refuses_when_what_the_user_added_makes_it_unsafe(tmp_path, change):
    assert demo(tmp_path, "--no-site").code == 0
    target = tmp_path / "demo"
    project = next((target / "projects").iterdir())
    if change == "stash":
        project.write_text(project.read_text() + "# my edit\n")
        git(target, "stash", "-q", env=clean_env(GIT_COMMITTER_DATE="2026-11-01T09:00:00Z"))
    elif change == "tag":
        git(target, "tag", "mine")
    elif change == "detached":
        git(target, "checkout", "-q", "--detach")
    else:
        git(target, "worktree", "add", "-q", "--detach", str(tmp_path / "other"))
    before = project.read_text()
    result = demo(tmp_path, "--no-site")
    assert result.code == 2 and "not an unchanged kpictl demo" in result.err, result.err
    assert "Traceback" not in result.err
    assert project.read_text() == before
    if change == "stash":
        assert git(target, "stash", "list").strip()


def test_a_rerun_refuses_before_anything_changes_when_its_site_holds_a_users_file(tmp_path):
    assert demo(tmp_path).code == 0
    target = tmp_path / "demo"
    cname = target / "build" / "site" / "CNAME"
    cname.write_text("kpis.example.com\n")
    marker = (target / ".git" / "kpictl-demo").read_text()
    result = demo(tmp_path)
    assert result.code == 2, result.err
    assert f"{target / 'build' / 'site'} holds CNAME, which the build" in result.err
    assert "move them out, or put them in site/" in result.err and "Traceback" not in result.err
    assert cname.read_text() == "kpis.example.com\n"
    assert (target / ".git" / "kpictl-demo").read_text() == marker
    cname.unlink()
    assert demo(tmp_path).code == 0
