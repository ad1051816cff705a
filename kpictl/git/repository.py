"""The one place kpictl runs git: a clean environment, the repository and the ref to read.

Every git process of kpictl (history, the demo, init's checks) starts here, with ``GIT_DIR``
and friends removed, so that a hook's environment never points git at another repository.
"""

from __future__ import annotations

import functools
import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from kpictl.errors import KpictlError

MINIMUM_GIT = (2, 30)  # --end-of-options in rev-parse, so a ref is never read as an option
# Every git process: kpictl never fetches, so no transport may run, not even the lazy fetch of
# a partial clone's missing blobs (refused in open_repository; this is the second lock).
_OPTIONS = ("-c", "core.quotepath=off", "-c", "protocol.allow=never")


def git_env() -> dict[str, str]:
    # Inside a hook, GIT_DIR and GIT_INDEX_FILE point at the hook's repository; never inherit them.
    drop = {"GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY", "GIT_PREFIX"}
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env["LC_ALL"] = "C"
    # History is the commits as they are: `git replace` refs would change dates on one
    # machine only (and behind the cache's back), so kpictl reads past them.
    env["GIT_NO_REPLACE_OBJECTS"] = "1"
    env["GIT_NO_LAZY_FETCH"] = "1"  # never fetch a missing object (documented from git 2.44)
    return env


def git_version_problem(version: str) -> str | None:
    """Why the git that printed ``version`` (``git version 2.39.5``) cannot run kpictl, or None."""
    needed = ".".join(map(str, MINIMUM_GIT))
    match = re.match(r"git version (\d+)\.(\d+)", version)
    if match is None:
        return f"cannot tell which git this is ({version.strip()!r}); kpictl needs git {needed}+"
    found = (int(match[1]), int(match[2]))
    if found < MINIMUM_GIT:
        return (
            f"git {match[1]}.{match[2]} is too old: kpictl needs git {needed} or later (so that "
            "a ref is never taken for an option); install a newer git"
        )
    return None


@functools.cache
def _check_git_version() -> None:
    """Once per run, before the first git command (a failure is not cached: it ends the run)."""
    try:
        found = subprocess.run(["git", "version"], env=git_env(), capture_output=True, check=False)
    except FileNotFoundError:
        raise KpictlError("git is not installed or not on PATH; install git") from None
    problem = git_version_problem(found.stdout.decode("utf-8", "replace"))
    if problem is not None:
        raise KpictlError(problem)


def refuse_option_like(ref: str) -> None:
    """A ref given by the user that git would take for an option is refused, whatever it names."""
    if ref.startswith("-"):
        raise KpictlError(
            f"the ref {ref!r} starts with '-', so git would take it for an option, and kpictl "
            f"refuses it; a branch or tag of that name is read by its full name "
            f"(refs/heads/{ref})"
        )


class Git:
    """git in one folder, with a clean environment; ``run`` raises KpictlError on failure."""

    def __init__(self, root: Path) -> None:
        _check_git_version()
        self.root = root
        self.env = git_env()

    def command(self, *args: str) -> list[str]:
        """The argument list of one git command, with the options every kpictl git runs with."""
        return ["git", *_OPTIONS, *args]

    def run(
        self, *args: str, check: bool = True, input: bytes | None = None
    ) -> subprocess.CompletedProcess[bytes]:
        try:
            result = subprocess.run(
                self.command(*args),
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
    bare: bool = False  # no work tree: nothing is uncommitted


def open_repository(root: Path, ref: str | None) -> Repository:
    """The repository ``root`` (the KPI root) is in, and ``ref`` (the current branch by default)
    resolved to its head; a shallow or partial clone, or a bad ref, is refused."""
    if ref is not None:
        refuse_option_like(ref)
    git = Git(root)
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
            f"{root} is not in a git repository; kpictl reads milestone dates from git "
            "history, so run it inside the KPI repository (clone it, or `git init` a new one)"
        )
    inside, prefix, git_dir, shallow = probe.stdout.decode().split("\n")[:4]
    if shallow.strip() == "true":
        raise KpictlError(
            "this is a shallow clone, so git history is cut short and every date would be "
            "wrong; fetch the full history with `git fetch --unshallow`, or in GitHub Actions "
            "set `fetch-depth: 0` on actions/checkout"
        )
    _refuse_partial_clone(git)
    name = ref
    if name is None:
        branch = git.run("symbolic-ref", "-q", "--short", "HEAD", check=False)
        name = branch.stdout.decode().strip() or "HEAD"
    resolved = git.run(
        "rev-parse", "--verify", "-q", "--end-of-options", f"{name}^{{commit}}", check=False
    )
    if resolved.returncode != 0:
        if ref is None:
            raise KpictlError(
                f"the branch {name} has no commits yet; commit the project files first "
                "(`git add projects && git commit`)"
            )
        raise KpictlError(f"unknown ref {ref!r}; give a branch, tag or commit that exists")
    head = resolved.stdout.decode().strip()
    bare = inside.strip() != "true"
    return Repository(git, Path(git_dir.strip()), prefix.strip(), name, head, bare)


def _refuse_partial_clone(git: Git) -> None:
    """A partial clone fetches each missing blob from its remote when read: kpictl promises to
    need no network (and one fetch per blob would take hours), so it is refused, as a shallow
    clone is."""
    pattern = r"^(extensions\.partialclone|remote\..*\.promisor)$"
    found = git.run("config", "--null", "--get-regexp", pattern, check=False).stdout.decode(
        "utf-8", "replace"
    )
    promisors = []
    for entry in found.split("\0"):
        key, _, value = entry.partition("\n")
        if key == "extensions.partialclone" and value:
            promisors.append(value)
        elif key.endswith(".promisor") and value.lower() in ("true", "yes", "on", "1", ""):
            promisors.append(key[len("remote.") : -len(".promisor")])
    if promisors:
        raise KpictlError(
            f"this is a partial clone (objects left on the remote {promisors[0]!r}), so git "
            "would fetch every project file revision over the network, one at a time; kpictl "
            "reads history offline: make a full clone (`git clone URL`, without --filter), or "
            "in GitHub Actions set `filter: ''` on actions/checkout"
        )


def work_tree_prefix(folder: Path) -> str | None:
    """Where ``folder`` sits inside its git work tree ("" at the top), or None outside one."""
    result = Git(folder).run("rev-parse", "--show-prefix", check=False)
    return result.stdout.decode().strip() if result.returncode == 0 else None


def origin_url(root: Path) -> str | None:
    """The URL of the ``origin`` remote, if ``root`` is in a git repository that has one."""
    result = Git(root).run("config", "--get", "remote.origin.url", check=False)
    url = result.stdout.decode("utf-8", "replace").strip()
    return url or None


@dataclass(frozen=True)
class CommittedFile:
    """A tree entry as committed: its mode (100644 a file, 120000 a link, 040000 a folder,
    160000 a submodule), its size, and its content when it is a file within the limit."""

    mode: str
    size: int
    content: bytes | None  # None: not a file, or over the limit (never read)

    @property
    def is_file(self) -> bool:
        return self.mode in ("100644", "100755")


def file_at(repo: Repository, relative: str, limit: int) -> CommittedFile | None:
    """``relative`` (to the KPI root) as committed at the head, or None when it has no entry of
    that name. Its mode and size are asked first: only a file within ``limit`` bytes is read."""
    listed = repo.git.run(
        "ls-tree", "-l", "-z", "--full-tree", repo.head, "--", f":(literal){repo.prefix}{relative}"
    ).stdout.decode("utf-8", "surrogateescape")
    mode_type_id_size = listed.split("\t", 1)[0].split()
    if len(mode_type_id_size) != 4:
        return None  # no such entry there
    mode, kind, blob, size_text = mode_type_id_size
    size = int(size_text) if size_text.isdigit() else 0  # a folder or a submodule: "-"
    found = CommittedFile(mode, size, None)
    if kind != "blob" or not found.is_file or size > limit:
        return found
    return CommittedFile(mode, size, repo.git.run("cat-file", "blob", blob).stdout)


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
        listed = Git(root).run(
            "rev-list", "--first-parent", "--end-of-options", ref, "--", check=False
        )
        if listed.returncode == 0:
            found.update(listed.stdout.decode().split())
    return frozenset(found)
