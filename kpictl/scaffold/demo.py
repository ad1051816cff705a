"""`kpictl demo [DIR]`: a KPI repository with two years of pull-request history, then its site.

The history is written with one ``git fast-import`` stream: every change of the story
(scaffold/demo_story.py) is a pull request, a branch commit authored a day or three before the
merge commit that lands it on main, with controlled, backdated times in several offices' time
zones, so the demo's commit ids are the same on every machine.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from pathlib import Path

from kpictl.config import default_config
from kpictl.errors import KpictlError
from kpictl.git.fastimport import FastImportStream, Signature, fast_import
from kpictl.git.repository import Git
from kpictl.scaffold.demo_files import project_file, setup_files
from kpictl.scaffold.demo_large import large_plan, large_settings
from kpictl.scaffold.demo_story import START, Plan, plan
from kpictl.scratch import user_path
from kpictl.site.output_folder import check_replaceable

MARKER = ".git/kpictl-demo"
_BUILT = "build/"  # the demo's own site, which `kpictl demo` builds into it
_NEW_MAIN = "refs/kpictl-demo/main"  # the demo's history made again, before main moves to it
_PULL = "refs/kpictl-demo/pull"


def _person(name: str, when: datetime, office: str) -> Signature:
    email = name.split()[0].lower().replace("é", "e").replace("'", "") + "@example.com"
    return Signature(name, email, when, office)


SIZES = ("small", "large")  # the 14-project demo, and 150 projects of eight teams


def pull_request_history(
    root: Path, seed: int = 7, main_ref: str = "refs/heads/main", size: str = "small"
) -> bytes:
    """The demo's history as a fast-import stream: a setup commit, then a pull request (a
    branch commit and its merge on ``main_ref``) for each change of the story. ``root`` is the
    demo's repository, on its main branch (not the folder kpictl runs in)."""
    rng = random.Random(seed)
    demo: Plan = large_plan(rng) if size == "large" else plan(rng)
    history = FastImportStream()
    setup_time = START - timedelta(days=7)
    setup = _person("Maria Lopez", setup_time, "+0100")
    settings = setup_files(root, large_settings()) if size == "large" else setup_files(root)
    main = history.commit(main_ref, setup, setup, "Set up kpictl", settings)
    written: dict[str, str] = {}
    number = 0
    for change in demo.changes:
        state = demo.states[change.project]
        if state.get("deleted"):
            continue  # an archived project's file is gone: nothing more lands for it
        change.apply(state)
        path = f"projects/{change.project}.yaml"
        if not state.get("deleted") and project_file(state) == written.get(change.project):
            continue  # a step that changes nothing (a skipped milestone) is no pull request
        written[change.project] = project_file(state)
        number += 1
        office = state["office"]
        files = {} if state.get("deleted") else {path: project_file(state)}
        gone = (path,) if state.get("deleted") else ()
        authored = _person(
            state["owner"], change.when - timedelta(hours=rng.randint(20, 72)), office
        )
        branch = history.commit(
            _PULL,
            authored,
            authored,
            f"{change.title} ({change.project})",
            files,
            parent=main,
            deleted=gone,
        )
        main = history.commit(
            main_ref,
            _person(state["owner"], change.when, office),
            Signature("GitHub", "noreply@github.com", change.when, office),
            f"Merge pull request #{number} from {change.project}\n\n{change.title}",
            files,
            parent=main,
            merged=branch,
            deleted=gone,
        )
    return history.stream()


def create_demo(target: Path, *, site: bool = True, size: str = "small") -> None:
    """Write the demo repository of ``size`` (SIZES) into ``target``: a new or empty folder,
    or a demo kpictl made that nobody has changed since. Over such a demo, only what the demo
    made is replaced (its files and its history): hooks, remotes, .git/info and the rest of
    build/ stay; with ``site`` (its site is built next), a site folder holding files of the
    user's is refused before anything changes."""
    where = str(target)
    with user_path(where):
        if target.is_symlink():
            raise KpictlError(f"{target} is a symbolic link; give a real folder for the demo")
        if target.exists() and not target.is_dir():
            raise KpictlError(f"{target} is a file; give a new folder for the demo")
        again = target.exists() and any(target.iterdir())
        if not again:
            target.mkdir(parents=True, exist_ok=True)
    git = Git(target)
    if again:
        recorded = _check_untouched_demo(target)
        if site:
            config = default_config(target)
            check_replaceable(target / config.site_out, config, str(target / config.site_out))
        _make_again(git, target, recorded, size)
    else:
        git.run("init", "-q", "-b", "main")
        fast_import(git, pull_request_history(target, size=size))
        git.run("update-ref", "-d", _PULL)
        git.run("reset", "-q", "--hard", "main")
    head = git.text("rev-parse", "HEAD")
    with user_path(where):
        (target / MARKER).write_text(
            f"created by kpictl demo at {head}; `kpictl demo` replaces it while it is unchanged\n",
            encoding="utf-8",
        )
    default_config(target)  # the packaged defaults must load; kpictl.yaml is read by the caller


def _make_again(git: Git, target: Path, old_head: str, size: str) -> None:
    """Write the demo's history beside the old one, move main to it (only if main is still the
    old demo's) and check it out; the work tree is clean, so only the demo's files change."""
    for ref in (_NEW_MAIN, _PULL):  # left by a run that was killed
        git.run("update-ref", "-d", ref, check=False)
    fast_import(git, pull_request_history(target, main_ref=_NEW_MAIN, size=size))
    new_head = git.text("rev-parse", _NEW_MAIN)
    git.run("update-ref", "-m", "kpictl demo: made again", "refs/heads/main", new_head, old_head)
    for ref in (_NEW_MAIN, _PULL):
        git.run("update-ref", "-d", ref)
    git.run("reset", "-q", "--hard", "main")


def _check_untouched_demo(target: Path) -> str:
    """Refuse unless ``target`` is the demo kpictl made, unchanged: its marker, main at the head
    it recorded and checked out in the one work tree, no branch, tag or stash of anyone else's
    (remote-tracking branches are kept), and no file of anyone else's outside build/.
    Return the recorded head."""
    refuse = (
        f"{target} is not empty and is not an unchanged kpictl demo ({{why}}); give a new "
        "folder, or remove this one yourself"
    )
    try:
        marker = (target / MARKER).read_text(encoding="utf-8")
    except OSError:
        raise KpictlError(refuse.format(why="it has no demo marker")) from None
    recorded = marker.split(" at ", 1)[1].split(";", 1)[0] if " at " in marker else None
    git = Git(target)
    refs = git.run("for-each-ref", "--format=%(objectname) %(refname)", check=False)
    own = [
        line
        for line in refs.stdout.decode("utf-8", "replace").split("\n")
        if line and not line.split(" ", 1)[-1].startswith(("refs/remotes/", "refs/kpictl-demo/"))
    ]
    if recorded is None or refs.returncode != 0 or own != [f"{recorded} refs/heads/main"]:
        raise KpictlError(refuse.format(why="it has commits or branches of its own"))
    top = git.run("rev-parse", "--show-toplevel", check=False).stdout.decode().strip()
    on_main = git.run("symbolic-ref", "-q", "HEAD", check=False).stdout.decode().strip()
    trees = git.run("worktree", "list", "--porcelain", check=False).stdout.decode()
    if not top or Path(top).resolve() != target.resolve() or on_main != "refs/heads/main":
        raise KpictlError(refuse.format(why="main is not what its work tree has checked out"))
    if trees.count("worktree ") != 1:
        raise KpictlError(refuse.format(why="it has other work trees (git worktree list)"))
    status = git.run(
        "status", "--porcelain", "-z", "--ignored", "--untracked-files=all", check=False
    )
    changed = [
        entry[3:]
        for entry in status.stdout.decode("utf-8", "replace").split("\0")
        if entry and not entry[3:].startswith(_BUILT)
    ]
    if status.returncode != 0 or changed:
        raise KpictlError(refuse.format(why=f"files changed or added: {', '.join(changed[:3])}"))
    return recorded


def build_demo_site(target: Path) -> Path:
    """Build the site of the demo in ``target`` as `kpictl build` would there; its index page.
    A message about the output folder names it under ``target``."""
    from kpictl.config import load_config
    from kpictl.pipeline import compute_as_of
    from kpictl.site.build import build_site

    computed = compute_as_of(load_config(target.resolve()))
    out = str(target / computed.config.site_out)
    return build_site(computed, computed.config, where=out).out / "index.html"
