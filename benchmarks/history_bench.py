"""Speed and memory of `kpictl history` against the git work it cannot avoid, side by side.

    python benchmarks/history_bench.py [--projects 1000] [--revisions 13] [--repeat 3] [--keep DIR]

Run it with the python where kpictl is installed. One `git fast-import` builds N projects x R
revisions: one commit on `main` per revision changing one project file (one pull request), the
projects interleaved, dates strictly increasing from 2023-01-02 09:00 UTC every 30-90 minutes
(closer if that would pass 2025-06-01), mixed time zones; each revision valid and one step on.
It prints the median of --repeat runs and the peak RSS of the child (and what it waited for) of:
the reference, `git log --first-parent --raw -z` over `projects` plus one `git cat-file --batch`
of every blob it names; cold `kpictl history --format json --no-cache`, and a run filling the
cache; warm runs after one more commit (reading one commit) and with no new commit.

Targets (issue 22): cold within 2.0x the reference up to 13,000 commits and 1.5x from 39,000,
warm (+1 commit) within 0.25 s up to 13,000 commits, 0.3 s to 39,000 and 2 s at 200,000, peak
memory under 300 MB.
It is a measurement, not a test: it exits 0 even when a target is missed (marked MISSED).
--keep DIR builds the repository in DIR (new or empty) and keeps it, for profiling.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

BIN = Path(sys.executable).parent
CATALOG = "kickoff team_assembled problem_statement demo_ready go_decision "
CATALOG += "production_data_connected evaluation_suite ui_finalized security_review launched"
MILESTONES = tuple(CATALOG.split())  # in this order, so security_review is done before launched
ENVIRONMENTS = ("dev", "uat", "prod")
TEAMS = ("platform", "finance", "hr", "customer-experience", "marketing", "legal")
ZONES = ("+0000", "+0530", "-0800", "+0100", "+0900", "-0330")
START, END = 1_672_650_000, 1_748_736_000  # 2023-01-02T09:00:00Z, 2025-06-01T00:00:00Z
LOG_FORMAT = "%x1e%H%x00%ct%x00%at%x00%an%x00%s"
DISCOVERY = "item: Discovery workshops, category: people, amount: 8000, currency: USD, per: once"
INFERENCE = "item: LLM API, category: inference, amount: 900, currency: USD, per: month"
CONFIG = "# the KPI repository of the benchmark: the defaults\n"  # kpictl.yaml pins the root
BACKFILLED = "{status: done, date: 2022-11-15, note: backfilled from the steering minutes}"
ENV = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "KPICTL_"))}
ENV.update(GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL=os.devnull, LC_ALL="C")
ENV.update(GIT_AUTHOR_NAME="Bench", GIT_AUTHOR_EMAIL="bench@example.com")
ENV.update(GIT_COMMITTER_NAME="Bench", GIT_COMMITTER_EMAIL="bench@example.com")


@dataclass
class Project:
    """One generated project. Every third one is fast: it joins the repository with its first
    three milestones done (one declared with a date) and skips in_progress, so it launches."""

    index: int
    revision: int = 0
    environments: list[str] = field(default_factory=lambda: ["planned"] * 3)
    feedback: dict[str, str] = field(default_factory=dict)  # id -> open | addressed
    updates: dict[str, str] = field(default_factory=dict)  # id -> requested | live

    def __post_init__(self) -> None:
        self.fast, self.slug = self.index % 3 == 0, f"p-{self.index:05d}"
        done = 3 if self.fast else 0
        self.milestones = ["done"] * done + ["in_progress"] + ["planned"] * (9 - done)

    def advance(self) -> str:
        """Change one thing, as one pull request would; return the commit subject."""
        self.revision = r = self.revision + 1
        if r % 7 == 3 and (moved := _flip(self.environments, ENVIRONMENTS, False)):
            return f"{self.slug}: environment {moved}"
        if r % 5 != 4 and (moved := _flip(self.milestones, MILESTONES, self.fast)):
            return f"{self.slug}: {moved}"
        feedback = r // 5 % 2 == 1
        items, new, later = (
            (self.feedback, "open", "addressed")
            if feedback
            else (self.updates, "requested", "live")
        )
        pending = [key for key, status in items.items() if status == new]
        key = pending[0] if pending else f"{'beta' if feedback else 'u'}-{len(items) + 1}"
        items[key] = later if pending else new
        return f"{self.slug}: {key} {items[key]}"

    def render(self) -> bytes:
        n, slug = self.index, self.slug
        steps = [f"  {m}: {s}" for m, s in zip(MILESTONES, self.milestones, strict=True)]
        if self.fast:
            steps[2] = f"  {MILESTONES[2]}: {BACKFILLED}"
        envs = ", ".join(f"{e}: {s}" for e, s in zip(ENVIRONMENTS, self.environments, strict=True))
        lines = [
            "# yaml-language-server: $schema=../schema/project.schema.json",
            f"schema_version: 1\nid: {slug}\nname: Generated project {n}",
            f"team: {TEAMS[n % len(TEAMS)]}\nowner: lead-{n % 250}@example.com",
            "summary: A generated project that moves one step forward per pull request.",
            "labels: [internal, benchmark]\nmilestones:",
            *steps,
            f"environments: {{{envs}}}",
        ]
        sections = {
            "feedback_rounds": [
                f"id: {k}, status: {s}, participants: 12" for k, s in self.feedback.items()
            ],
            "updates": [f"id: {k}, kind: simple, status: {s}" for k, s in self.updates.items()],
            "costs": [DISCOVERY, INFERENCE] if self.milestones[4] == "done" else [DISCOVERY],
            "links": [f"title: Runbook, url: https://wiki.example.com/{slug}"],
        }
        for key, items in sections.items():
            lines += [f"{key}:", *(f"  - {{{i}}}" for i in items)] if items else [f"{key}: []"]
        return ("\n".join(lines) + "\n").encode()


def _flip(statuses: list[str], names: Sequence[str], fast: bool) -> str | None:
    """Move the first unfinished entry on: planned -> in_progress (unless fast) -> done."""
    for i, status in enumerate(statuses):
        if status != "done":
            statuses[i] = "in_progress" if status == "planned" and not fast else "done"
            return f"{names[i]} {statuses[i]}"
    return None


def git(repo: Path, *args: str, env: dict[str, str] | None = None) -> bytes:
    return subprocess.run(
        ["git", *args], cwd=repo, env=env or ENV, capture_output=True, check=True
    ).stdout


def generate(repo: Path, projects: int, revisions: int) -> tuple[list[Project], int]:
    """Build the repository with one `git fast-import`; return the projects and the last time."""
    repo.mkdir(parents=True, exist_ok=True)
    git(repo, "init", "-q", "-b", "main")
    rng, states = random.Random(42), [Project(i + 1) for i in range(projects)]
    mean = max(2, min(3600, (END - START) // (projects * revisions)))
    proc = subprocess.Popen(
        ["git", "fast-import", "--quiet"], cwd=repo, env=ENV, stdin=subprocess.PIPE
    )
    assert proc.stdin is not None
    when, mark = START, 0
    for step in range(revisions):
        order = list(range(projects))
        rng.shuffle(order)  # the projects interleave, in a different order at each step
        for i in order:
            state = states[i]
            subject = f"Add {state.slug}" if step == 0 else state.advance()
            body, message = state.render(), subject.encode()
            when += rng.randint(mean // 2, mean * 3 // 2)
            who, zone = f"Dev {i % 97} <dev{i % 97}@example.com>", ZONES[i % len(ZONES)]
            parent = (
                f"from :{mark}\n"
                if mark
                else f"M 100644 inline kpictl.yaml\ndata {len(CONFIG)}\n{CONFIG}"
            )
            mark += 2
            proc.stdin.write(b"blob\nmark :%d\ndata %d\n%s\n" % (mark - 1, len(body), body))
            proc.stdin.write(
                f"commit refs/heads/main\nmark :{mark}\nauthor {who} {when - 900} {zone}\n"
                f"committer {who} {when} {zone}\ndata {len(message)}\n{subject}\n{parent}"
                f"M 100644 :{mark - 1} projects/{state.slug}.yaml\n\n".encode()
            )
    proc.stdin.close()
    if proc.wait() != 0:
        sys.exit("history_bench: git fast-import failed")
    git(repo, "reset", "-q", "--hard", "main")
    return states, when


@dataclass
class Figure:
    seconds: float  # median wall time
    rss_mib: float  # largest peak RSS over the runs


def measure(
    command: Sequence[str], cwd: Path, repeat: int, before: Callable[[], object] | None = None
) -> Figure:
    """Median wall time and largest peak RSS of `repeat` runs, each after `before()`."""
    runs: list[tuple[float, int]] = []
    for _ in range(repeat):
        if before is not None:
            before()
        start = time.perf_counter()
        proc = subprocess.Popen(command, cwd=cwd, env=ENV, stdout=subprocess.DEVNULL)
        _, status, usage = os.wait4(proc.pid, 0)
        runs.append((time.perf_counter() - start, usage.ru_maxrss))
        if os.waitstatus_to_exitcode(status) != 0:
            sys.exit(f"history_bench: {' '.join(command)} failed during timing")
    return Figure(statistics.median(t for t, _ in runs), max(m for _, m in runs) / 1024)


def reference_once(repo: Path, blob_list: Path) -> tuple[float, float, int, int]:
    """Seconds of git log and of git cat-file, their peak RSS (KiB), and how many blobs."""
    log_cmd = ["git", "log", "--first-parent", "--raw", "-z", "--no-abbrev", "--no-renames"]
    log_cmd += [f"--format={LOG_FORMAT}", "main", "--", "projects"]
    start = time.perf_counter()
    log = subprocess.Popen(log_cmd, cwd=repo, env=ENV, stdout=subprocess.PIPE)
    assert log.stdout is not None
    raw = log.stdout.read()
    log_rss = os.wait4(log.pid, 0)[2].ru_maxrss
    log_seconds = time.perf_counter() - start
    fields = (f.lstrip(b"\n") for f in raw.split(b"\0"))  # not timed: parsing is ours, not git's
    blobs = {f.split(b" ")[3]: None for f in fields if f.startswith(b":")}
    blobs.pop(b"0" * 40, None)
    blob_list.write_bytes(b"".join(b + b"\n" for b in blobs))
    start = time.perf_counter()
    with blob_list.open("rb") as feed:
        cat = subprocess.Popen(
            ["git", "cat-file", "--batch"], cwd=repo, env=ENV, stdin=feed, stdout=subprocess.PIPE
        )
        assert cat.stdout is not None
        while cat.stdout.read(1 << 20):
            pass
        cat_rss = os.wait4(cat.pid, 0)[2].ru_maxrss
    return log_seconds, time.perf_counter() - start, max(log_rss, cat_rss), len(blobs)


def check_output(kpictl: Path, repo: Path, projects: int) -> None:
    """One cold run to a file: exit 0, valid JSON, every project, no skipped revision."""
    with tempfile.TemporaryFile() as out:
        command = [str(kpictl), "history", "--format", "json", "--no-cache"]
        done = subprocess.run(
            command, cwd=repo, env=ENV, stdout=out, stderr=subprocess.PIPE, check=False
        )
        out.seek(0)
        payload = json.load(out) if done.returncode == 0 else {}
    found, warnings = len(payload.get("projects", [])), payload.get("warnings") or []
    if done.returncode != 0 or found != projects or warnings:
        print(done.stderr.decode()[-4000:], *warnings[:5], sep="\n")
        sys.exit(
            f"history_bench: kpictl history exited {done.returncode} with {found} projects "
            f"(expected {projects}) and {len(warnings)} warnings"
        )


def show(kind: str, title: str, figure: Figure, verdict: str = "", met: bool = True) -> None:
    figures = f"{figure.seconds:6.2f} s {figure.rss_mib:5.0f} MB"
    line = f"{kind:<10} {title:<28} {figures}   {verdict}{'' if met else ' MISSED'}"
    print(line.rstrip(), flush=True)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--projects", type=int, default=1000, help="projects in the repository")
    parser.add_argument("--revisions", type=int, default=13, help="commits per project")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each measurement")
    parser.add_argument("--keep", type=Path, metavar="DIR", help="build the repository in DIR")
    args = parser.parse_args(argv)
    if args.projects < 1 or args.revisions < 1 or args.repeat < 1:
        parser.error("--projects, --revisions and --repeat must be at least 1")
    if args.keep and args.keep.exists() and any(args.keep.iterdir()):
        parser.error(f"--keep {args.keep}: the folder is not empty")
    kpictl = BIN / "kpictl"
    if not os.access(kpictl, os.X_OK):
        sys.exit(f"history_bench: no {kpictl}; run with the python where kpictl is installed")
    version = git(Path.cwd(), "--version").decode().strip()
    print(f"Python {platform.python_version()} ({sys.executable}); {version}", flush=True)
    with tempfile.TemporaryDirectory(prefix="kpictl-history-bench-") as tmp:
        repo = args.keep.resolve() if args.keep else Path(tmp) / "repo"
        start = time.perf_counter()
        states, when = generate(repo, args.projects, args.revisions)
        built, commits = time.perf_counter() - start, args.projects * args.revisions
        refs = [reference_once(repo, Path(tmp) / "blobs.txt") for _ in range(args.repeat)]
        print(
            f"repository: {args.projects} projects x {args.revisions} revisions = {commits} "
            f"commits, {refs[0][3]} blobs (generated in {built:.1f} s)"
        )
        both, rss = [r[0] + r[1] for r in refs], max(r[2] for r in refs)
        reference = Figure(statistics.median(both), rss / 1024)
        log_s, cat_s = (statistics.median(r[k] for r in refs) for k in (0, 1))
        split = f"(log {log_s:.2f} s + cat-file {cat_s:.2f} s)"
        show("reference", "git log + cat-file", reference, split)
        check_output(kpictl, repo, args.projects)
        history = [str(kpictl), "history", "--format", "json"]
        cache = repo / ".git" / "kpictl"
        cold = measure([*history, "--no-cache"], repo, args.repeat)
        fill = measure(history, repo, args.repeat, lambda: shutil.rmtree(cache, ignore_errors=True))
        aim = 2.0 if commits < 39_000 else 1.5
        for how, figure in (("no cache", cold), ("fill cache", fill)):
            ratio = figure.seconds / reference.seconds
            verdict = f"{ratio:4.1f}x reference (target <= {aim}x)"
            show("cold", f"kpictl history ({how})", figure, verdict, ratio <= aim)
        picks = iter(states)

        def one_more_commit() -> None:  # made by git itself, at a controlled date
            nonlocal when
            state, when = next(picks), when + 1800
            subject, path = state.advance(), f"projects/{state.slug}.yaml"
            (repo / path).write_bytes(state.render())
            dates = {"GIT_AUTHOR_DATE": f"@{when} +0530", "GIT_COMMITTER_DATE": f"@{when} +0530"}
            git(repo, "commit", "-q", "-m", subject, "--", path, env={**ENV, **dates})

        warm = measure(history, repo, args.repeat, one_more_commit)
        limit = 0.25 if commits <= 13_000 else 0.3 if commits <= 39_000 else 2.0
        show("warm", "+1 commit", warm, f"(target <= {limit} s)", warm.seconds <= limit)
        still = measure(history, repo, args.repeat)
        show("warm", "no new commit", still)
    peak = max(f.rss_mib for f in (cold, fill, warm, still))
    print(f"peak memory target < 300 MB: {peak:.0f} MB" + ("" if peak < 300 else " MISSED"))
    print(f"median of {args.repeat} runs; MB: peak RSS (MiB) of the child and what it waited for")
    if args.keep:
        print(f"repository kept in {repo}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
