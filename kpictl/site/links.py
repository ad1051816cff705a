"""Links from the site to the repository: commits and the edit page of a project file."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote

_SCP = re.compile(r"^(?:[\w.-]+@)?(?P<host>[\w.-]+):(?P<path>[^/].*)$")
_URL = re.compile(r"^(?:https?|ssh|git)://(?:[^@/]+@)?(?P<host>[^/:]+)(?::\d+)?/(?P<path>.+)$")


@dataclass(frozen=True)
class RepoLinks:
    """Builds commit and edit links for a GitHub- or GitLab-style web address; None: no links."""

    base: str | None
    kind: str = "github"  # github | gitlab
    branch: str = "main"

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


def repo_links(repo_url: str | None, remote: str | None, branch: str) -> RepoLinks:
    """``repo_url`` from kpictl.yaml wins; else one derived from the origin remote; else none."""
    if repo_url:
        base = repo_url.rstrip("/")
        if not base.startswith(("https://", "http://")):
            return RepoLinks(None)
        kind = "gitlab" if "gitlab" in base.lower() else "github"
        return RepoLinks(base, kind, branch)
    derived = web_base(remote) if remote else None
    if derived is None:
        return RepoLinks(None)
    return RepoLinks(derived[0], derived[1], branch)
