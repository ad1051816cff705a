"""Folders kpictl writes belong to kpictl: it replaces only a site it built, refuses the rest
with nothing touched, publishes only regular files, and leaves no scratch folder behind."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.conftest import run_kpictl
from tests.gitutil import HistoryRepo, project_yaml


@pytest.fixture
def repo(tmp_path) -> HistoryRepo:
    repo = HistoryRepo(tmp_path / "kpis")
    repo.commit("2025-01-06T09:00:00+00:00", {"projects/alpha.yaml": project_yaml("alpha", "A")})
    return repo


def build(repo: HistoryRepo, *args: str):
    return run_kpictl("build", *args, cwd=repo.path)


def scratch_left(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(".kpictl-build-"))


def test_a_folder_with_a_kpis_json_but_no_marker_is_not_replaced(repo, tmp_path):
    out = tmp_path / "public"
    (out / "private").mkdir(parents=True)
    (out / "kpis.json").write_text("{}")
    (out / "CNAME").write_text("kpis.example.com\n")
    (out / "private" / "notes.txt").write_text("mine")
    result = build(repo, "--out", str(out))
    assert result.code == 2 and ".kpictl-site" in result.err
    assert sorted(p.name for p in out.iterdir()) == ["CNAME", "kpis.json", "private"]
    assert (out / "private" / "notes.txt").read_text() == "mine"


def test_a_site_kpictl_built_is_marked_and_replaced(repo, tmp_path):
    out = tmp_path / "public"
    assert build(repo, "--out", str(out)).code == 0
    assert (out / ".kpictl-site").is_file() and (out / "kpis.json").is_file()
    assert build(repo, "--out", str(out)).code == 0
    assert (out / "index.html").is_file()
    assert scratch_left(tmp_path) == [] and not list(tmp_path.glob(".public.old-*"))
    empty = tmp_path / "empty"
    empty.mkdir()
    assert build(repo, "--out", str(empty)).code == 0


def test_the_old_default_folder_is_accepted_once_and_marked(repo):
    old = repo.path / "build" / "site"
    old.mkdir(parents=True)
    (old / "kpis.json").write_text("{}")
    (old / "index.html").write_text("an unmarked site built by an earlier kpictl")
    assert build(repo).code == 0
    assert (old / ".kpictl-site").is_file()
    assert "an unmarked site" not in (old / "index.html").read_text()


def test_the_old_default_folder_holding_files_of_its_own_is_not_replaced(repo):
    old = repo.path / "build" / "site"
    (old / "private").mkdir(parents=True)
    (old / "kpis.json").write_text("{}")
    (old / "index.html").write_text("an unmarked site built by an earlier kpictl")
    (old / "CNAME").write_text("kpis.example.com\n")
    (old / "private" / "notes.txt").write_text("mine")
    result = build(repo)
    assert result.code == 2, result.err
    assert "site.out build/site in kpictl.yaml" in result.err
    assert "CNAME, private/" in result.err and "move those files out" in result.err
    assert sorted(p.name for p in old.iterdir()) == ["CNAME", "index.html", "kpis.json", "private"]
    assert (old / "private" / "notes.txt").read_text() == "mine"
    assert (old / "CNAME").read_text() == "kpis.example.com\n"


@pytest.mark.parametrize(
    "stray",
    ["assets/notes.txt", "kpis/draft.docx", "drafts/index.html", "search/.env", "README"],
)
def test_any_file_an_old_build_did_not_write_keeps_the_old_default_folder(repo, tmp_path, stray):
    assert build(repo, "--out", str(tmp_path / "built")).code == 0
    old = repo.path / "build" / "site"
    old.parent.mkdir()
    (tmp_path / "built").rename(old)
    (old / ".kpictl-site").unlink()  # as an earlier kpictl left it: every file a build writes
    (old / stray).parent.mkdir(parents=True, exist_ok=True)
    (old / stray).write_text("mine")
    result = build(repo)
    assert result.code == 2 and stray.split("/")[0] in result.err, result.err
    assert (old / stray).read_text() == "mine" and not (old / ".kpictl-site").exists()
    (old / stray).unlink()  # nothing but what a build writes: accepted, and marked
    if stray.startswith("drafts/"):
        (old / "drafts").rmdir()
    assert build(repo).code == 0
    assert (old / ".kpictl-site").is_file()


@pytest.mark.parametrize("setting", ["../outside", "/tmp/kpictl-site-out-elsewhere"])
def test_site_out_outside_the_repository_is_refused(repo, tmp_path, setting):
    (repo.path / "kpictl.yaml").write_text(f"site:\n  out: {setting}\n")
    result = build(repo)
    assert result.code == 2, result.err
    assert f"site.out {setting} in kpictl.yaml is outside the repository" in result.err
    assert not (tmp_path / "outside").exists()
    assert not Path("/tmp/kpictl-site-out-elsewhere").exists()


def test_out_inside_another_repositorys_git_folder_is_refused(repo, tmp_path):
    from tests.gitutil import git, init_repo

    other = init_repo(tmp_path / "other")
    bare = tmp_path / "bare.git"
    git(tmp_path, "init", "-q", "--bare", str(bare))
    for out in (other / ".git" / "site", other / ".git" / "refs" / "x", bare / "site", bare):
        result = build(repo, "--out", str(out))
        assert result.code == 2 and "a git repository's own folder" in result.err, result.err
        assert not (out / "index.html").exists()
    assert sorted(p.name for p in bare.iterdir() if p.name.startswith(".kpictl")) == []


@pytest.mark.parametrize(
    ("where", "words"),
    [
        ("site/public", "inside site/"),
        ("projects/out", "inside projects/"),
        (".git/out", "inside .git/"),
        (".", "holds the repository"),
        ("..", "holds the repository"),
        ("/", "file system root"),
    ],
)
def test_out_folders_that_would_eat_the_repository_are_refused(repo, where, words):
    (repo.path / "site").mkdir(exist_ok=True)
    before = sorted(p.name for p in repo.path.iterdir())
    result = build(repo, "--out", where)
    assert result.code == 2 and words in result.err, result.err
    assert sorted(p.name for p in repo.path.iterdir()) == before


def test_an_out_symlink_or_file_is_refused(repo, tmp_path):
    real = tmp_path / "real"
    real.mkdir()
    link = tmp_path / "link"
    link.symlink_to(real)
    assert "symbolic link" in build(repo, "--out", str(link)).err
    file = tmp_path / "file"
    file.write_text("x")
    result = build(repo, "--out", str(file))
    assert result.code == 2 and "is a file" in result.err and file.read_text() == "x"


@pytest.mark.parametrize(
    ("name", "make"),
    [
        ("env.txt", lambda path: path.symlink_to("/proc/self/environ")),
        ("leak.md", lambda path: path.symlink_to("/etc/hostname")),
        ("pipe.md", lambda path: os.mkfifo(path)),
        ("folder", lambda path: path.symlink_to("/etc")),
    ],
)
def test_only_regular_files_under_site_are_published(repo, tmp_path, name, make):
    (repo.path / "site").mkdir()
    make(repo.path / "site" / name)
    out = tmp_path / "out"
    result = build(repo, "--out", str(out))
    assert result.code == 2, result.err
    assert f"site/{name}" in result.err and "regular files inside the repository" in result.err
    assert not out.exists() and scratch_left(tmp_path) == []


def test_scratch_left_by_a_killed_build_is_swept_by_the_next(repo, tmp_path):
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    stale = tmp_path / f".kpictl-build-{dead.pid}-abc123"
    (stale / "site").mkdir(parents=True)
    alive = tmp_path / f".kpictl-build-{os.getpid()}-def456"
    alive.mkdir()
    assert build(repo, "--out", str(tmp_path / "out")).code == 0
    assert not stale.exists()
    assert alive.exists()  # its run is still going: not ours to remove


def test_sigterm_during_a_build_removes_its_scratch_folder(repo, tmp_path):
    out = tmp_path / "out"
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    run = subprocess.Popen(
        [sys.executable, "-m", "kpictl", "build", "--out", str(out)],
        cwd=repo.path,
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.time() + 60
    while not scratch_left(tmp_path):
        assert run.poll() is None and time.time() < deadline, "the build ended before the signal"
        time.sleep(0.01)
    run.send_signal(signal.SIGTERM)
    _, err = run.communicate(timeout=60)
    assert run.returncode == 143 and "terminated" in err
    assert scratch_left(tmp_path) == [] and not out.exists()


def test_serve_refuses_an_out_folder_that_is_not_a_site(repo, tmp_path):
    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / "thesis.txt").write_text("mine")
    result = run_kpictl("serve", "--out", str(precious), cwd=repo.path)
    assert result.code == 2 and "kpictl did not build" in result.err
    assert [p.name for p in precious.iterdir()] == ["thesis.txt"]


def test_serve_refuses_a_bad_or_taken_port_before_building(repo, tmp_path):
    assert run_kpictl("serve", "--port", "70000", cwd=repo.path).code == 2
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        started = time.perf_counter()
        result = run_kpictl("serve", "--port", str(port), cwd=repo.path)
        assert result.code == 2 and "cannot listen" in result.err
        assert time.perf_counter() - started < 5


def test_serve_removes_its_scratch_folder_when_it_stops(repo, tmp_path, monkeypatch):
    from kpictl.config import load_config
    from kpictl.site.serve import serve_site

    monkeypatch.setenv("TMPDIR", str(tmp_path))
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", None)
    messages: list[str] = []
    stop = threading.Event()
    kwargs = {"port": 0, "out": None, "echo": messages.append, "poll_seconds": 0.1}
    thread = threading.Thread(
        target=serve_site, args=(load_config(repo.path),), kwargs={**kwargs, "stop": stop}
    )
    thread.start()
    deadline = time.time() + 60
    while not any(m.startswith("serving") for m in messages):
        assert time.time() < deadline and thread.is_alive(), messages
        time.sleep(0.05)
    assert [p.name for p in tmp_path.glob("kpictl-serve-*")]
    stop.set()
    thread.join(timeout=30)
    assert list(tmp_path.glob("kpictl-serve-*")) == []


def test_serve_exits_at_once_when_there_is_nothing_to_build(tmp_path):
    from tests.gitutil import init_repo

    empty = init_repo(tmp_path / "empty")
    (empty / "projects").mkdir()
    result = run_kpictl("serve", "--port", "0", cwd=empty)
    assert result.code == 2 and "no commits" in result.err


def _files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.mark.parametrize("added", ["CNAME", "private/x", "notes.md", "git init"])
def test_a_file_added_to_a_built_site_is_never_deleted(repo, tmp_path, added):
    from tests.gitutil import git, init_repo

    out = repo.path / "build" / "site"
    assert build(repo).code == 0
    if added == "git init":
        init_repo(out)
        git(out, "add", "-A")
        git(out, "commit", "-qm", "deploy")
        shown = ".git/"
    else:
        (out / added).parent.mkdir(parents=True, exist_ok=True)
        (out / added).write_text("mine\n")
        shown = added.split("/")[0] + ("/" if "/" in added else "")
    before = _files(out)
    result = build(repo)
    assert result.code == 2, result.err
    assert f"site.out build/site in kpictl.yaml holds {shown}, which the build" in result.err
    assert "nothing was deleted: move them out, or put them in site/" in result.err
    assert _files(out) == before
    if added == "git init":
        assert git(out, "log", "--format=%s").strip() == "deploy"


def test_the_refusal_names_three_paths_and_the_count_of_the_rest(repo, tmp_path):
    out = tmp_path / "public"
    assert build(repo, "--out", str(out)).code == 0
    for name in ("a", "b", "c", "d", "e"):
        (out / name).write_text("mine")
    result = build(repo, "--out", str(out))
    assert result.code == 2 and "holds a, b, c and 2 more, which" in result.err, result.err


def test_a_cname_kept_in_site_is_published_by_every_build(repo, tmp_path):
    (repo.path / "site").mkdir()
    (repo.path / "site" / "CNAME").write_text("kpis.example.com\n")
    out = tmp_path / "public"
    for _ in range(2):
        result = build(repo, "--out", str(out))
        assert result.code == 0, result.err
        assert (out / "CNAME").read_text() == "kpis.example.com\n"


def test_the_same_commit_gives_the_same_site_marker_included(repo, tmp_path):
    first, second = tmp_path / "first", tmp_path / "second"
    assert build(repo, "--out", str(first)).code == 0
    assert build(repo, "--out", str(second)).code == 0
    assert build(repo, "--out", str(second)).code == 0  # built again over its own site: fine
    assert _files(first) == _files(second)
    assert '"index.html"' in (first / ".kpictl-site").read_text()


def test_a_marker_without_a_list_accepts_only_what_a_build_writes(repo, tmp_path):
    out = tmp_path / "public"
    assert build(repo, "--out", str(out)).code == 0
    old_marker = "This folder is a site built by kpictl; `kpictl build` replaces it whole\n"
    (out / ".kpictl-site").write_text(old_marker)  # as a build before the list wrote it
    assert build(repo, "--out", str(out)).code == 0
    assert '"files"' in (out / ".kpictl-site").read_text()
    (out / ".kpictl-site").write_text(old_marker)
    (out / "CNAME").write_text("kpis.example.com\n")
    result = build(repo, "--out", str(out))
    assert result.code == 2 and "holds CNAME, which" in result.err, result.err
    assert (out / "CNAME").read_text() == "kpis.example.com\n"


def test_a_password_in_repo_url_is_never_published(repo, tmp_path):
    url = "https://kpi-bot:s3cr3t-pa55@github.com/x/y"
    repo.commit("2025-01-07T09:00:00+00:00", {"kpictl.yaml": f"repo_url: {url}\n"})
    out = tmp_path / "out"
    result = build(repo, "--out", str(out))
    assert result.code == 0, result.err
    assert result.err.count("repo_url in kpictl.yaml holds a user name or password") == 1
    assert "s3cr3t-pa55" not in result.err + result.out
    leaks = [p for p in out.rglob("*") if p.is_file() and b"s3cr3t-pa55" in p.read_bytes()]
    assert leaks == []
    leaks = [p for p in out.rglob("*") if p.is_file() and b"kpi-bot" in p.read_bytes()]
    assert leaks == []
    assert 'href="https://github.com/x/y/commit/' in (out / "projects" / "alpha.html").read_text()


def test_a_password_in_a_project_link_is_never_published(repo, tmp_path):
    link = "links:\n  - {title: Runbook, url: 'https://kpi-bot:s3cr3t-pa55@wiki.example.com/run'}\n"
    repo.commit(
        "2025-01-07T09:00:00+00:00",
        {
            "kpictl.yaml": "publish: {emails: true}\n",  # not dropped as an address: stripped
            "projects/alpha.yaml": project_yaml("alpha", "A") + link,
        },
    )
    out = tmp_path / "out"
    result = build(repo, "--out", str(out))
    assert result.code == 0, result.err
    leaks = [p for p in out.rglob("*") if p.is_file() and b"s3cr3t-pa55" in p.read_bytes()]
    assert leaks == []
    assert 'href="https://wiki.example.com/run"' in (out / "projects" / "alpha.html").read_text()
