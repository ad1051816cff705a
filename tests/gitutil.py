"""Real git repositories for tests, with controlled identities and dates."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path


def clean_env(**extra: str) -> dict[str, str]:
    """The environment for a child git or hook: no inherited GIT_* state, a fixed identity."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(
        GIT_AUTHOR_NAME="Test Author",
        GIT_AUTHOR_EMAIL="author@example.com",
        GIT_COMMITTER_NAME="Test Committer",
        GIT_COMMITTER_EMAIL="committer@example.com",
        GIT_CONFIG_NOSYSTEM="1",
        GIT_CONFIG_GLOBAL=os.devnull,
    )
    env.update(extra)
    return env


def git(
    repo: Path,
    *args: str,
    env: dict[str, str] | None = None,
    check: bool = True,
    input: str | None = None,
) -> str:
    result = subprocess.run(
        ["git", "-C", str(repo), *args],
        env=env or clean_env(),
        input=input,
        capture_output=True,
        text=True,
        check=False,
    )
    if check and result.returncode != 0:
        raise AssertionError(f"git {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def init_repo(path: Path, branch: str = "main") -> Path:
    path.mkdir(parents=True, exist_ok=True)
    git(path, "init", "-q", "-b", branch)
    git(path, "config", "commit.gpgsign", "false")
    return path


def project_yaml(project_id: str, name: str = "A project", **statuses: str) -> str:
    """A valid project file; keyword arguments set milestone (or env_NAME) statuses."""
    milestones = {k: v for k, v in statuses.items() if not k.startswith("env_")}
    environments = {k[4:]: v for k, v in statuses.items() if k.startswith("env_")}
    lines = [
        "schema_version: 1",
        f"id: {project_id}",
        f"name: {name}",
        "team: platform",
        "owner: lead@example.com",
        "milestones:",
    ]
    lines += [f"  {k}: {v}" for k, v in (milestones or {"kickoff": "done"}).items()]
    if environments:
        lines.append("environments:")
        lines += [f"  {k}: {v}" for k, v in environments.items()]
    return "\n".join(lines) + "\n"


class HistoryRepo:
    """A KPI repository whose commits land at the times a test chooses."""

    def __init__(self, path: Path) -> None:
        self.path = init_repo(path)

    def write(self, files: dict[str, str | None]) -> None:
        for relative, text in files.items():
            target = self.path / relative
            if text is None:
                target.unlink()
            else:
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(text, encoding="utf-8")

    def commit(
        self,
        when: str,
        files: dict[str, str | None] | None = None,
        message: str = "change",
        authored: str | None = None,
    ) -> str:
        """Commit at ``when`` (an ISO time with offset); return the commit id."""
        self.write(files or {})
        git(self.path, "add", "-A")
        env = clean_env(GIT_COMMITTER_DATE=when, GIT_AUTHOR_DATE=authored or when)
        git(self.path, "commit", "-q", "--allow-empty", "-m", message, env=env)
        return git(self.path, "rev-parse", "HEAD").strip()

    def merge(self, branch: str, when: str, message: str = "Merge pull request") -> str:
        env = clean_env(GIT_COMMITTER_DATE=when, GIT_AUTHOR_DATE=when)
        git(self.path, "merge", "-q", "--no-ff", "-m", message, branch, env=env)
        return git(self.path, "rev-parse", "HEAD").strip()
