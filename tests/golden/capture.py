"""Write the outputs of kpictl on the demo portfolio into a folder, for golden-file comparison.

Commit ids are written as their place in the demo's history (``commit-0042``), full or
abbreviated alike, so that a change to the scaffolded files the demo's first commit holds does
not rewrite every golden file, while which commit each value cites is still compared.

Run as ``python tests/golden/capture.py OUT``; the golden test runs the same capture and
compares it with ``tests/golden/demo/`` byte for byte. After a deliberate change of output,
regenerate with ``python tests/golden/capture.py tests/golden/demo`` and name the change in the
commit message.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

# (file name, arguments); every command runs with -C on the demo repository.
COMMANDS: list[tuple[str, list[str]]] = [
    ("report.json", ["report", "--format", "json", "--group-by", "team"]),
    ("report.txt", ["report"]),
    ("report.csv", ["report", "--format", "csv"]),
    ("report.md", ["report", "--format", "markdown"]),
    ("report-2025-06-30.json", ["report", "--format", "json", "--as-of", "2025-06-30"]),
    ("forecast.txt", ["forecast"]),
    ("forecast-backtest.json", ["forecast", "--backtest", "--format", "json"]),
    ("history.json", ["history", "--format", "json", "--no-cache"]),
    ("history.txt", ["history"]),
    ("projects.json", ["projects", "--format", "json"]),
    ("validate.json", ["validate", "--format", "json"]),
    ("diff-last-10.md", ["diff", "HEAD~10", "HEAD"]),
    ("diff-100-to-60.md", ["diff", "HEAD~100", "HEAD~60"]),
    ("diff-first-30.md", ["diff", "HEAD~250", "HEAD~220"]),
]


def kpictl(*args: str, cwd: Path) -> subprocess.CompletedProcess[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env["KPICTL_CACHE_DIR"] = str(cwd / ".golden-cache")
    return subprocess.run(
        [sys.executable, "-m", "kpictl", *args], cwd=cwd, env=env, capture_output=True, check=False
    )


def _commit_names(demo: Path) -> dict[str, str]:
    shas = subprocess.run(
        ["git", "-C", str(demo), "rev-list", "--reverse", "--all"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return {sha: f"commit-{index:04d}" for index, sha in enumerate(shas)}


def _name_commits(text: bytes, names: dict[str, str]) -> bytes:
    def name(match: re.Match[bytes]) -> bytes:
        token = match[0].decode()
        found = [label for sha, label in names.items() if sha.startswith(token)]
        return found[0].encode() if len(found) == 1 else match[0]

    return re.sub(rb"\b[0-9a-f]{7,40}\b", name, text)


def capture(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        demo = Path(tmp) / "demo"
        made = kpictl("demo", str(demo), "--no-site", cwd=Path(tmp))
        if made.returncode != 0:
            raise SystemExit(made.stderr.decode())
        names = _commit_names(demo)
        for name, args in COMMANDS:
            result = kpictl("-C", str(demo), *args, cwd=Path(tmp))
            (out / name).write_bytes(
                _name_commits(
                    result.stdout + f"\n[exit {result.returncode}]\n".encode() + result.stderr,
                    names,
                )
            )
        site = Path(tmp) / "site"
        built = kpictl("-C", str(demo), "build", "--out", str(site), cwd=Path(tmp))
        if built.returncode != 0:
            raise SystemExit(built.stderr.decode())
        (out / "kpis.json").write_bytes(_name_commits((site / "kpis.json").read_bytes(), names))


if __name__ == "__main__":
    capture(Path(sys.argv[1]))
