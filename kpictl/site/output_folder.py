"""The output folder of a build: which folder a site may be written into, and putting a built
site there. kpictl replaces only a folder it built (marked with ``.kpictl-site``, which lists
every file the build wrote) holding nothing else, or an old default build folder holding only
what a build wrote; it refuses the rest with nothing touched.
"""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path, PurePosixPath

from kpictl.config import Config
from kpictl.errors import KpictlError
from kpictl.printable import printable
from kpictl.scratch import scratch_folder, user_path

SITE_MARKER = ".kpictl-site"
_MARKER_NOTE = (
    "This folder is a site built by kpictl; `kpictl build` replaces it whole, and refuses to "
    "while it holds a file not listed here: put files to publish in site/ instead."
)
_LEGACY_OUT = "build/site"  # the default output folder before sites were marked
# What a build before sites were marked wrote into it: MkDocs' pages (generated and
# hand-written, all at the top or in the generated page folders), Material's assets, the
# search index, the sitemap and kpis.json. Anything else there is someone else's.
_OLD_BUILD_FILES = frozenset({"kpis.json", "sitemap.xml", "sitemap.xml.gz"})
_OLD_BUILD_FOLDERS = frozenset({"assets", "search", "kpis", "projects", "teams"})
_OLD_BUILD_SUFFIXES = frozenset(
    {".html", ".css", ".js", ".map", ".json", ".svg", ".png", ".ico", ".woff", ".woff2", ".ttf"}
)


def out_setting(config: Config, out: Path | None) -> str:
    """How the user named the output folder, for messages: ``--out X`` or kpictl.yaml's."""
    return f"--out {out}" if out is not None else f"site.out {config.site_out} in kpictl.yaml"


def site_target(config: Config, out: Path | None) -> Path:
    """The folder to write the site into, after refusing one kpictl must not replace: a
    filesystem root, the repository or a folder holding it, a folder inside the site sources,
    the projects or any git directory, site.out outside the repository, a folder of files
    kpictl did not build, and a name the file system cannot hold."""
    where = out_setting(config, out)
    with user_path(where):  # an OSError here is about the folder the user named
        return _checked_target(config, out, where)


def _checked_target(config: Config, out: Path | None, where: str) -> Path:
    chosen = out or config.root / config.site_out
    if chosen.is_symlink():
        raise KpictlError(f"{where} is a symbolic link; give a real folder")
    target = chosen.resolve()
    root = config.root.resolve()
    if out is None and not target.is_relative_to(root):
        raise KpictlError(
            f"{where} is outside the repository ({root}), and a build replaces that folder "
            "whole; set site.out in kpictl.yaml to a folder inside the repository, such as "
            "build/site, or pass --out"
        )
    if target.parent == target:
        raise KpictlError(f"{where} is a file system root; give a folder of its own")
    if root.is_relative_to(target):
        raise KpictlError(
            f"{where} holds the repository, which a build would replace; give a folder "
            "of its own, such as build/site"
        )
    for inside, why in (
        (config.root / config.site_dir, "whose files are copied into every build"),
        (config.projects_path, "which holds the project files"),
        (root / ".git", "which is git's own"),
    ):
        if target.is_relative_to(inside.resolve()):
            raise KpictlError(
                f"{where} is inside {inside.relative_to(config.root)}/, {why}; give a "
                "folder outside it, such as build/site"
            )
    git_dir = next((p for p in (target, *target.parents) if _is_git_dir(p)), None)
    if git_dir is not None:
        raise KpictlError(
            f"{where} is inside {git_dir}, a git repository's own folder, which git alone "
            "may change; give a folder outside it, such as build/site"
        )
    if target.exists() and not target.is_dir():
        raise KpictlError(f"{where} is a file, not a folder; give a folder")
    _check_replaceable(target, root, where, config.site_dir.strip("/"))
    _check_creatable(target, where)
    return target


def _is_git_dir(folder: Path) -> bool:
    """A folder named .git, or one git would take for its own directory (as `git rev-parse
    --git-dir` does: HEAD, objects/ and refs/), such as a bare repository."""
    if folder.name == ".git":
        return True
    return (
        (folder / "HEAD").is_file() and (folder / "objects").is_dir() and (folder / "refs").is_dir()
    )


def _check_creatable(target: Path, where: str) -> None:
    """Refuse, before any work, a folder the file system could not make: a name longer than it
    holds, or one under a file."""
    missing: list[str] = []
    existing = target
    while not os.path.lexists(existing) and existing.parent != existing:
        missing.append(existing.name)
        existing = existing.parent
    if missing and not existing.is_dir():
        raise KpictlError(f"{where}: {os.strerror(errno.ENOTDIR)} ({existing}); give a folder")
    try:
        longest = os.pathconf(existing, "PC_NAME_MAX")
    except (OSError, ValueError, AttributeError):  # AttributeError: no pathconf (Windows)
        longest = 255
    if any(len(os.fsencode(name)) > longest for name in missing):
        raise KpictlError(f"{where}: {os.strerror(errno.ENAMETOOLONG)}; give another folder")


def _is_old_default(folder: Path, root: Path) -> bool:
    return folder == (root / _LEGACY_OUT).resolve() and (folder / "kpis.json").is_file()


def _not_built(folder: Path) -> list[str]:
    """The files and folders under ``folder`` that no build before the marker wrote."""
    strays: list[str] = []
    for parent, dirs, names in os.walk(folder):
        here = Path(parent)
        top = here == folder
        kept = []
        for name in sorted(dirs):
            if (here / name).is_symlink() or (top and name not in _OLD_BUILD_FOLDERS):
                strays.append(f"{(here / name).relative_to(folder).as_posix()}/")
            else:
                kept.append(name)
        dirs[:] = kept
        for name in sorted(names):
            path = here / name
            if top and name == SITE_MARKER:
                continue  # a marker without a list of files: its build's own
            if top:
                known = name in _OLD_BUILD_FILES or name.endswith(".html")
            else:
                known = Path(name).suffix.lower() in _OLD_BUILD_SUFFIXES
            if not known or path.is_symlink() or not path.is_file():
                strays.append(path.relative_to(folder).as_posix())
    return sorted(strays)


def check_replaceable(target: Path, config: Config, where: str) -> None:
    """Refuse, before anything is changed, an existing ``target`` that a build into it would
    have to delete files of the user's to replace (`kpictl demo` made again, before its build)."""
    with user_path(where):
        _check_replaceable(target, config.root.resolve(), where, config.site_dir.strip("/"))


def _check_replaceable(target: Path, root: Path, where: str, sources: str) -> None:
    """Refuse a folder a build may not replace whole: one holding anything the build that made
    it did not write (a CNAME, a private/ folder, a .git clone to deploy from), or one kpictl
    did not build. A new or empty folder, or a site holding only what its build wrote, passes."""
    if not target.is_dir() or not any(target.iterdir()):
        return
    marker = target / SITE_MARKER
    if marker.is_file() and not marker.is_symlink():
        listed = _manifest(marker)
        # A marker from before manifests: every file must be one such a build writes.
        strays = _not_built(target) if listed is None else _not_listed(target, listed)
        if strays:
            raise KpictlError(
                f"{where} holds {_some(strays)}, which the build that made it did not write, "
                "and a build replaces the whole folder; nothing was deleted: move them out, or "
                f"put them in {sources}/ (such as {sources}/CNAME) so that every build publishes "
                "them"
            )
        return
    if _is_old_default(target, root):
        strays = _not_built(target)
        if strays:
            raise KpictlError(
                f"{where} has no {SITE_MARKER} marker and holds files no kpictl build writes "
                f"({_some(strays)}), and a build replaces the whole folder; move those files out "
                "(or, if an earlier build wrote them, delete the folder: the build makes it "
                "again), or give a new or empty folder with --out"
            )
        return  # a site built before sites were marked: accepted once (the build marks it)
    raise KpictlError(
        f"{where} holds files kpictl did not build (it has no {SITE_MARKER} marker), "
        "and a build replaces the whole folder; give a new or empty folder, or move the files"
    )


def _some(paths: list[str]) -> str:
    shown = ", ".join(printable(path) for path in paths[:3])
    return shown + (f" and {len(paths) - 3} more" if len(paths) > 3 else "")


def _manifest(marker: Path) -> frozenset[str] | None:
    """The files a build wrote, as its marker lists them; None for a marker without a list
    (written before markers held one)."""
    try:
        data = json.loads(marker.read_text(encoding="utf-8"))
    except ValueError:
        return None
    files = data.get("files") if isinstance(data, dict) else None
    if not isinstance(files, dict):
        return None
    return frozenset(name for name in files if isinstance(name, str))


def _not_listed(folder: Path, listed: frozenset[str]) -> list[str]:
    """What under ``folder`` is not a regular file in ``listed``: a folder holding nothing
    listed is named as the folder (``private/``, ``.git/``)."""
    holding = {str(PurePosixPath(name).parent) for name in listed}
    holding |= {str(parent) for name in holding for parent in PurePosixPath(name).parents}
    strays: list[str] = []
    for parent, dirs, names in os.walk(folder):
        here = Path(parent)
        kept = []
        for name in sorted(dirs):
            relative = (here / name).relative_to(folder).as_posix()
            if (here / name).is_symlink() or relative not in holding:
                strays.append(f"{relative}/")
            else:
                kept.append(name)
        dirs[:] = kept
        for name in sorted(names):
            path = here / name
            relative = path.relative_to(folder).as_posix()
            if relative == SITE_MARKER:
                continue
            if relative not in listed or path.is_symlink() or not path.is_file():
                strays.append(relative)
    return sorted(strays)


def mark_as_site(folder: Path) -> None:
    """Mark ``folder`` as a site kpictl built, listing every file in it with its size: a later
    build replaces it whole only while it holds nothing else. The list depends on the files
    alone (no time), so the same commit still gives the same bytes."""
    files: dict[str, int] = {}
    for parent, dirs, names in os.walk(folder):
        dirs.sort()
        for name in names:
            path = Path(parent) / name
            files[path.relative_to(folder).as_posix()] = path.stat().st_size
    listing = {"note": _MARKER_NOTE, "files": files}
    text = json.dumps(listing, indent=1, sort_keys=True, ensure_ascii=True) + "\n"
    (folder / SITE_MARKER).write_text(text, encoding="utf-8")


def replace_site(built: Path, target: Path, config: Config, where: str) -> None:
    """Put ``built`` where ``target`` is, in two renames; the old site goes only once the new
    one is in place."""
    with user_path(where):  # checked again: files may have been added while it built
        _check_replaceable(target, config.root.resolve(), where, config.site_dir.strip("/"))
    # A short name of its own: the target's name may already be as long as names can be.
    with scratch_folder(target.parent, ".kpictl-old-", where=where) as old, user_path(where):
        moved = target.exists()
        if moved:
            target.rename(old / "site")
        try:
            built.rename(target)
        except OSError:
            if moved:  # the last good site goes back where it was
                (old / "site").rename(target)
            raise
