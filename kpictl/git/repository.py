"""The one place kpictl runs git: a clean environment, the repository and the ref to read.

Every git process of kpictl (history, the demo, init's checks) starts here, with ``GIT_DIR``
and friends removed, so that a hook's environment never points git at another repository.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

from kpictl.config import Config
from kpictl.errors import KpictlError


def git_env() -> dict[str, str]:
    # Inside a hook, GIT_DIR and GIT_INDEX_FILE point at the hook's repository; never inherit them.
    drop = {"GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY", "GIT_PREFIX"}
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env["LC_ALL"] = "C"
    # History is the commits as they are: `git replace` refs would change dates on one
    # machine only (and behind the cache's back), so kpictl reads past them.
    env["GIT_NO_REPLACE_OBJECTS"] = "1"
    return env


class Git:
    """git in one folder, with a clean environment; ``run`` raises KpictlError on failure."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.env = git_env()

    def run(
        self, *args: str, check: bool = True, input: bytes | None = None
    ) -> subprocess.CompletedProcess[bytes]:
        try:
            result = subprocess.run(
                ["git", "-c", "core.quotepath=off", *args],
                cwd=self.root,
                env=self.env,
                input=input,
                capture_output=True,
                check=False,
            )
        except FileNotFoundError:
            raise KpictlError("git is not installed or not on PATH; install git") from None
        if check and result.returncode != 0:
            message = result.stderr.decode("utf-8", "replace").strip().splitlines()
            raise KpictlError(f"git {args[0]} failed: {message[-1] if message else 'no output'}")
        return result

    def text(self, *args: str) -> str:
        return self.run(*args).stdout.decode("utf-8", "replace").strip()


@dataclass(frozen=True)
class Repository:
    git: Git
    git_dir: Path
    prefix: str  # the KPI root relative to the top of the work tree ("" or "kpis/")
    ref: str
    head: str


def open_repository(config: Config, ref: str | None) -> Repository:
    git = Git(config.root)
    probe = git.run(
        "rev-parse",
        "--is-inside-work-tree",
        "--show-prefix",
        "--absolute-git-dir",
        "--is-shallow-repository",
        check=False,
    )
    if probe.returncode != 0:
        raise KpictlError(
            f"{config.root} is not in a git repository; kpictl reads milestone dates from git "
            "history, so run it inside the KPI repository (clone it, or `git init` a new one)"
        )
    _, prefix, git_dir, shallow = probe.stdout.decode().split("\n")[:4]
    if shallow.strip() == "true":
        raise KpictlError(
            "this is a shallow clone, so git history is cut short and every date would be "
            "wrong; fetch the full history with `git fetch --unshallow`, or in GitHub Actions "
            "set `fetch-depth: 0` on actions/checkout"
        )
    name = ref
    if name is None:
        branch = git.run("symbolic-ref", "-q", "--short", "HEAD", check=False)
        name = branch.stdout.decode().strip() or "HEAD"
    resolved = git.run("rev-parse", "--verify", "-q", f"{name}^{{commit}}", check=False)
    if resolved.returncode != 0:
        if ref is None:
            raise KpictlError(
                f"the branch {name} has no commits yet; commit the project files first "
                "(`git add projects && git commit`)"
            )
        raise KpictlError(f"unknown ref {ref!r}; give a branch, tag or commit that exists")
    return Repository(
        git, Path(git_dir.strip()), prefix.strip(), name, resolved.stdout.decode().strip()
    )


def work_tree_prefix(folder: Path) -> str | None:
    """Where ``folder`` sits inside its git work tree ("" at the top), or None outside one."""
    result = Git(folder).run("rev-parse", "--show-prefix", check=False)
    return result.stdout.decode().strip() if result.returncode == 0 else None


def origin_url(config: Config) -> str | None:
    """The URL of the ``origin`` remote, if the KPI root is in a git repository that has one."""
    result = Git(config.root).run("config", "--get", "remote.origin.url", check=False)
    url = result.stdout.decode("utf-8", "replace").strip()
    return url or None


def file_at(root: Path, ref: str | None, relative: str) -> bytes | None:
    """The content of ``relative`` (to ``root``) as committed at ``ref`` (default HEAD), or None
    when that revision has no such file."""
    git = Git(root)
    found = git.run("cat-file", "blob", f"{ref or 'HEAD'}:./{relative}", check=False)
    if found.returncode != 0:  # no such file there, or a bare repository (no ./ outside a tree)
        prefix = git.run("rev-parse", "--show-prefix", check=False).stdout.decode().strip()
        found = git.run("cat-file", "blob", f"{ref or 'HEAD'}:{prefix}{relative}", check=False)
    return found.stdout if found.returncode == 0 else None


def main_branch(root: Path) -> str | None:
    """The repository's main branch: origin's default, else a local main or master."""
    git = Git(root)
    remote = git.run("symbolic-ref", "-q", "--short", "refs/remotes/origin/HEAD", check=False)
    name = remote.stdout.decode("utf-8", "replace").strip()
    if name.startswith("origin/"):
        return name[len("origin/") :]
    for candidate in ("main", "master"):
        if is_local_branch(root, candidate):
            return candidate
    return None


def is_local_branch(root: Path, name: str) -> bool:
    found = Git(root).run("show-ref", "--verify", "-q", f"refs/heads/{name}", check=False)
    return found.returncode == 0


def first_parent_line(root: Path, refs: list[str]) -> frozenset[str]:
    """Every commit on the first-parent line of any of ``refs``: what has landed on them."""
    found: set[str] = set()
    for ref in refs:
        listed = Git(root).run("rev-list", "--first-parent", ref, check=False)
        if listed.returncode == 0:
            found.update(listed.stdout.decode().split())
    return frozenset(found)
