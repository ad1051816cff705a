"""`kpictl init [DIR]`: everything an organisation needs to keep its KPIs in a repository.

Never overwrites a file that differs without ``force``; running it twice changes nothing.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shlex
from dataclasses import dataclass
from importlib import resources
from pathlib import Path, PurePosixPath

from kpictl import __version__
from kpictl.config import default_config, load_config
from kpictl.errors import KpictlError
from kpictl.git.repository import Git
from kpictl.project.schema import schema_text
from kpictl.project.validate import discover
from kpictl.scaffold.install_spec import InstallSpec, explicit, running_install
from kpictl.scaffold.new import render_project
from kpictl.scaffold.work_tree import refuse_git_dir
from kpictl.scratch import user_path

SCAFFOLD = {
    "site/mkdocs.yml": "mkdocs.yml",
    "site/about.md": "about.md",
    ".pre-commit-config.yaml": "pre-commit-config.yaml",
    ".github/workflows/kpis-pr.yml": "workflow-pr.yml",
    ".github/workflows/kpis-pages.yml": "workflow-pages.yml",
    ".gitignore": "gitignore",
    "README.md": "README.md",
}


@dataclass(frozen=True)
class Written:
    path: str
    action: str  # created | unchanged | overwritten | kept | written beside
    note: str = ""


RECORD = ".kpictl/scaffold.json"  # what kpictl wrote: path → SHA-256 of the text
INSTALL_KEY = "--install"  # in RECORD: the requirement last given with `init --install`


def scaffold_text(name: str, install: InstallSpec | None = None) -> str:
    """A template with this kpictl's version and ``install`` (default: the running kpictl)."""
    text = resources.files("kpictl.scaffold").joinpath(f"templates/{name}").read_text("utf-8")
    if "__INSTALL_" in text:
        spec = install or running_install()
        text = re.sub(
            r"^( *)# __INSTALL_COMMENT__$",
            lambda found: "\n".join(f"{found[1]}# {line}" for line in spec.comment),
            text,
            flags=re.MULTILINE,
        )
        text = text.replace("__INSTALL_RUN__", spec.pip_install())
        text = text.replace("__INSTALL_SHELL__", shlex.quote(spec.requirement))
    return text.replace("__VERSION__", __version__)


def commented_defaults() -> str:
    """The packaged defaults, every line commented out: a valid, empty kpictl.yaml that shows
    what can be changed (uncomment a line to change it)."""
    text = resources.files("kpictl.config").joinpath("defaults.yaml").read_text("utf-8")
    lines = [
        "# kpictl configuration. Everything below is the default, commented out: uncomment and",
        "# edit what your organisation changes. `milestones` and `kpis` entries with a default id",
        "# change that entry; new ids add one. See `kpictl schema` for the project file format.",
        "",
        "# repo_url: https://github.com/your-org/your-kpi-repo   # for commit and edit links",
        "",
    ]
    for line in text.splitlines():
        if line.startswith("#") or not line.strip():
            lines.append(line)
        elif line.startswith("repo_url:"):
            continue  # written above with an example value
        else:
            lines.append(f"# {line}")
    return "\n".join(lines) + "\n"


def current_branch(root: Path) -> str:
    """The branch checked out in ``root`` (a new repository's too), or main outside one."""
    found = Git(root).run("symbolic-ref", "--short", "-q", "HEAD", check=False)
    return found.stdout.decode("utf-8", "replace").strip() or "main"


def scaffold(root: Path, install: InstallSpec | None = None) -> dict[str, str]:
    """The files to write; an existing kpictl.yaml is followed (its projects folder, and its
    milestones in the schema), the workflows publish from the current branch and install
    ``install`` (default: the kpictl running now)."""
    # Anything at kpictl.yaml is read or refused (a FIFO, a folder, a link: exit 2), never
    # taken for "none", which would scaffold from the defaults beside the user's own.
    present = os.path.lexists(root / "kpictl.yaml")
    config = load_config(root) if present else default_config(root)
    folder = config.projects_dir.strip("/")
    branch = current_branch(root)
    spec = install or running_install()
    files = {
        target: scaffold_text(source, spec)
        .replace("|projects/", f"|{re.escape(folder)}/")
        .replace("__PROJECTS__", shlex.quote(folder))
        .replace("__SITE__", shlex.quote(config.site_dir.strip("/")))
        .replace("__BRANCH__", json.dumps(branch))
        for target, source in SCAFFOLD.items()
    }
    files["kpictl.yaml"] = commented_defaults()
    files["schema/project.schema.json"] = schema_text(config)
    depth = "../" * len(PurePosixPath(folder).parts)
    files[f"{folder}/example-project.yaml"] = render_project(
        "example-project",
        config,
        name="Example project",
        team="platform",
        owner="owner@example.com",
        schema=f"{depth}schema/project.schema.json",
    )
    return files


def remembered_install(root: Path) -> InstallSpec | None:
    """The requirement an earlier ``init --install`` gave, if the record holds a valid one: a
    later ``init`` without ``--install`` keeps it rather than fall back to the running kpictl
    (from a source checkout, a placeholder)."""
    text = _read_record(root).get(INSTALL_KEY)
    if text is None:
        return None
    try:
        return explicit(text)  # the same comment as when given: a re-run changes nothing
    except KpictlError:
        return None  # damaged by hand: the running kpictl decides, as with no record


def init_repository(
    root: Path,
    *,
    force: bool = False,
    install: InstallSpec | None = None,
    remember: bool = False,
) -> list[Written]:
    """Write the scaffold under ``root``. A file that differs is kept; with ``force`` it is
    replaced only when it is still what kpictl wrote (kpictl records that), and otherwise
    kpictl's version goes beside it as ``<name>.new``. kpictl.yaml is never replaced.
    With ``remember``, ``install`` is recorded for later runs (see ``remembered_install``).
    ``root`` is made if it does not exist; an OSError on it or a file in it is the user's."""
    with user_path(str(root)):
        if root.exists() and not root.is_dir():
            raise KpictlError(f"{root} is not a folder; give a folder for the KPI repository")
        refuse_git_dir(root, "kpictl init")
        root.mkdir(parents=True, exist_ok=True)
    recorded = _read_record(root)
    files = scaffold(root, install)
    example = next(k for k in files if k.endswith("/example-project.yaml"))
    if _has_projects(root, besides=root / example):
        del files[example]  # the repository has projects of its own: no example among them
    results = []
    for relative, text in sorted(files.items()):
        with user_path(str(root / relative)):
            results.append(_scaffold_file(root, relative, text, recorded, force=force))
    if remember and install is not None:
        recorded[INSTALL_KEY] = install.requirement
    with user_path(str(root / RECORD)):
        _write(root / RECORD, json.dumps(recorded, indent=2, sort_keys=True) + "\n")
    return results


def _scaffold_file(
    root: Path, relative: str, text: str, recorded: dict[str, str], *, force: bool
) -> Written:
    """Write one scaffold file by the rules of ``init_repository``; say what was done."""
    target = root / relative
    if target.is_symlink() or (target.exists() and not target.is_file()):
        return Written(relative, "kept", "not a regular file; left alone")
    if not target.exists():
        _write(target, text)
        recorded[relative] = _digest(text)
        return Written(relative, "created")
    current = target.read_text(encoding="utf-8", errors="replace")
    if current == text:
        recorded[relative] = _digest(text)
        return Written(relative, "unchanged")
    ours = recorded.get(relative) == _digest(current) and relative != "kpictl.yaml"
    if not force:
        hint = "--force replaces it" if ours else "--force writes kpictl's version beside it"
        return Written(relative, "kept", f"differs; {hint}")
    if ours:
        _write(target, text)
        recorded[relative] = _digest(text)
        return Written(relative, "overwritten")
    beside = f"{relative}.new"
    _write(root / beside, text)
    why = "never replaced" if relative == "kpictl.yaml" else "changed since kpictl wrote it"
    return Written(beside, "written beside", f"{relative} is {why}; compare and merge by hand")


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _read_record(root: Path) -> dict[str, str]:
    try:
        data = json.loads((root / RECORD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {k: v for k, v in data.items() if isinstance(k, str) and isinstance(v, str)}


def _has_projects(root: Path, *, besides: Path) -> bool:
    # Anything at kpictl.yaml is read or refused (a FIFO, a folder, a link: exit 2), never
    # taken for "none", which would scaffold from the defaults beside the user's own.
    present = os.path.lexists(root / "kpictl.yaml")
    config = load_config(root) if present else default_config(root)
    return any(file != besides for file in discover(config))


def _write(target: Path, text: str) -> None:
    """Write ``text`` to ``target`` in one step: a reader sees the old file or the new one."""
    target.parent.mkdir(parents=True, exist_ok=True)
    temp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        temp.write_text(text, encoding="utf-8")
        os.replace(temp, target)
    finally:
        temp.unlink(missing_ok=True)
