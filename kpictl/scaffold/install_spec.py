"""Which kpictl the scaffolded workflows install: the one running `kpictl init`, as pip
recorded it (PEP 610 ``direct_url.json``), or one the user names with ``--install``.

kpictl is on no public package index, so ``kpictl==VERSION`` only works from a private one;
a name nobody holds could be taken by anyone, so nothing is pinned that did not run init.
"""

from __future__ import annotations

import json
import re
import shlex
from dataclasses import dataclass
from importlib import metadata
from urllib.parse import urlsplit, urlunsplit

from packaging.requirements import InvalidRequirement, Requirement

from kpictl import __version__
from kpictl.errors import KpictlError

# A local path, so that pip fails at once and no one can publish a package of that name.
PLACEHOLDER = "kpictl @ file:///kpictl-install-spec-missing-see-comment"
_COMMIT = re.compile(r"[0-9a-f]{40}([0-9a-f]{24})?")
_TO_CHOOSE = (
    "kpictl==X.Y.Z once it is on your package index, or "
    "kpictl @ git+https://<host>/<owner>/kpictl@<full commit id>"
)


@dataclass(frozen=True)
class InstallSpec:
    """A pip requirement for kpictl, why it was chosen, and a warning when it is a placeholder."""

    requirement: str
    comment: tuple[str, ...]
    warning: str = ""

    def pip_install(self) -> str:
        """The workflow's ``run:`` value, quoted for YAML (JSON) around a shell-quoted word."""
        return json.dumps(f"pip install {shlex.quote(self.requirement)}")


def running_install() -> InstallSpec:
    """The requirement that reproduces the kpictl running now."""
    try:
        found = metadata.distribution("kpictl")
    except metadata.PackageNotFoundError:
        return _placeholder("kpictl is not installed (run from its source folder)")
    record = found.read_text("direct_url.json")
    if record is None and found.read_text("INSTALLER") is None:
        # Metadata no installer wrote (an .egg-info in a source folder): not an index install.
        return _placeholder("kpictl runs from a source folder pip did not install")
    return from_direct_url(record, __version__)


def from_direct_url(record: str | None, version: str) -> InstallSpec:
    """The requirement for an install whose PEP 610 record is ``record`` (None: none, which
    is an install from a package index, public or private)."""
    if record is None:
        return InstallSpec(
            f"kpictl=={version}",
            (
                f"kpictl {version} came from a package index. If that is a private one, add it:",
                "pip install --index-url https://<your index>/simple/ ...",
            ),
        )
    try:
        data = json.loads(record)
    except ValueError:
        return _placeholder("pip's record of the kpictl install (direct_url.json) is unreadable")
    if not isinstance(data, dict) or not isinstance(data.get("url"), str):
        return _placeholder("pip's record of the kpictl install (direct_url.json) has no URL")
    if not data["url"].isprintable():
        return _placeholder("pip's record of the kpictl install has an unprintable URL")
    try:
        url = _without_password(data["url"])  # in the requirement and in every comment
    except ValueError:  # a port that is no number, an unclosed [IPv6 address
        return _placeholder("pip's record of the kpictl install has a malformed URL")
    vcs, archive, folder = data.get("vcs_info"), data.get("archive_info"), data.get("dir_info")
    scheme = urlsplit(url).scheme.lower()
    if isinstance(folder, dict) and folder.get("editable"):
        return _placeholder(f"kpictl is an editable install of {url}")
    if isinstance(vcs, dict) and vcs.get("vcs") == "git" and scheme in ("https", "ssh"):
        commit = vcs.get("commit_id")
        if not isinstance(commit, str) or not _COMMIT.fullmatch(commit):
            return _placeholder(f"pip recorded no commit id for kpictl from {url}")
        requirement = f"kpictl @ git+{url}@{commit}"
        subdirectory = data.get("subdirectory")
        if isinstance(subdirectory, str) and subdirectory:
            requirement += f"#subdirectory={subdirectory}"
        return _checked(requirement, f"kpictl {version}, installed from {url} at {commit}.")
    if isinstance(archive, dict) and scheme == "https":
        return _checked(f"kpictl @ {url}", f"kpictl {version} from {url}.")
    return _placeholder(f"kpictl was installed from {url}, which CI cannot reach")


def explicit(text: str) -> InstallSpec:
    """A requirement named with ``init --install``: PEP 508, naming kpictl, one line."""
    problem = _problem(text)
    if problem:
        raise KpictlError(
            f"--install {text!r}: {problem}; give a pip requirement for kpictl, "
            "e.g. 'kpictl==0.2.0' or 'kpictl @ git+https://github.com/org/kpictl@<commit id>'"
        )
    return InstallSpec(text, ("Chosen with `kpictl init --install`.",))


def _checked(requirement: str, why: str) -> InstallSpec:
    problem = _problem(requirement)
    if problem:
        return _placeholder(f"the recorded install ({requirement}) {problem}")
    return InstallSpec(requirement, (why,))


def _problem(text: str) -> str:
    """What makes ``text`` unfit for the workflows, or ""."""
    if not text.isprintable() or text != text.strip():
        return "it has a control character, a line break or surrounding spaces"
    if "${{" in text:
        return "it has a GitHub Actions expression (${{)"
    try:
        parsed = Requirement(text)
    except InvalidRequirement as error:
        return f"it is not a PEP 508 requirement ({str(error).splitlines()[0]})"
    if re.sub(r"[-_.]+", "-", parsed.name).lower() != "kpictl":
        return f"it installs {parsed.name}, not kpictl"
    return ""


def _without_password(url: str) -> str:
    """``url`` without credentials (the ssh user, usually ``git``, stays)."""
    parts = urlsplit(url)
    if parts.password is None and (parts.scheme == "ssh" or parts.username is None):
        return url
    host = parts.hostname or ""
    user = f"{parts.username}@" if parts.scheme == "ssh" and parts.username else ""
    port = f":{parts.port}" if parts.port else ""
    return urlunsplit(parts._replace(netloc=f"{user}{host}{port}"))


def _placeholder(why: str) -> InstallSpec:
    return InstallSpec(
        PLACEHOLDER,
        (
            f"REPLACE the requirement below: {why}.",
            "Put kpictl==X.Y.Z once it is on your package index, or",
            "kpictl @ git+https://<host>/<owner>/kpictl@<full commit id>,",
            "or run `kpictl init --force --install SPEC` to write it.",
        ),
        warning=(
            f"{why}, so the workflows install the placeholder '{PLACEHOLDER}' and fail until "
            f"you put {_TO_CHOOSE} there (or run `kpictl init --force --install SPEC`)"
        ),
    )
