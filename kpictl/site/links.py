"""Links from the site to the repository: commits and the edit page of a project file."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote, urlsplit, urlunsplit

_SCP = re.compile(r"^(?:[\w.-]+@)?(?P<host>[\w.-]+):(?P<path>[^/].*)$")
_URL = re.compile(r"^(?:https?|ssh|git)://(?:[^@/]+@)?(?P<host>[^/:]+)(?::\d+)?/(?P<path>.+)$")


@dataclass(frozen=True)
class RepoLinks:
    """Builds commit and edit links for a GitHub- or GitLab-style web address; None: no links."""

    base: str | None
    kind: str = "github"  # github | gitlab
    branch: str = "main"
    warning: str | None = None  # said once, for the whole build

    def commit(self, sha: str) -> str | None:
        if not self.base:
            return None
        middle = "/-/commit/" if self.kind == "gitlab" else "/commit/"
        return f"{self.base}{middle}{quote(sha)}"

    def edit(self, path: str) -> str | None:
        if not self.base:
            return None
        middle = "/-/edit/" if self.kind == "gitlab" else "/edit/"
        return f"{self.base}{middle}{quote(self.branch)}/{quote(path)}"


def web_base(remote: str) -> tuple[str, str] | None:
    """The https address and kind (github or gitlab) of a remote URL, for the hosts we know."""
    remote = remote.strip()
    match = _URL.match(remote) or _SCP.match(remote)
    if not match:
        return None
    host, path = match["host"].lower(), match["path"].strip("/")
    path = path[:-4] if path.endswith(".git") else path
    if "github" in host:
        kind = "github"
    elif "gitlab" in host:
        kind = "gitlab"
    else:
        return None
    if not re.fullmatch(r"[\w.~/-]+", path):
        return None
    return f"https://{host}/{path}", kind


def without_userinfo(url: str) -> str:
    """``url`` without a user name or password (``https://user:token@host/x``), which a link
    in a published page would give to every reader."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    if "@" not in parts.netloc:
        return url
    host = parts.netloc.rsplit("@", 1)[1]
    return urlunsplit(parts._replace(netloc=host))


_CREDENTIALS = (
    "repo_url in kpictl.yaml holds a user name or password; the site's links leave it out, "
    "but it is still in kpictl.yaml: remove it there (and change the password if it was one)"
)


def repo_links(repo_url: str | None, remote: str | None, branch: str) -> RepoLinks:
    """``repo_url`` from kpictl.yaml wins; else one derived from the origin remote; else none.
    A user name or password in the address is never part of a link."""
    if repo_url:
        base = repo_url.rstrip("/")
        if not base.startswith(("https://", "http://")):
            return RepoLinks(None)
        public = without_userinfo(base)
        kind = "gitlab" if "gitlab" in public.lower() else "github"
        return RepoLinks(public, kind, branch, _CREDENTIALS if public != base else None)
    derived = web_base(remote) if remote else None
    if derived is None:
        return RepoLinks(None)
    return RepoLinks(derived[0], derived[1], branch)
