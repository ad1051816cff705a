"""What launch forecasts add to `kpictl report` on a large portfolio, side by side.

    python benchmarks/forecast_bench.py [--projects 1000] [--repeat 5]

One `git fast-import` builds N projects that start over three years (2023-01 to 2025-12), each
milestone landing in its own commit: the proof of concept and the go decision timed from the
start, the production milestones in parallel from the go decision, the launch after the last
of them, each duration lognormal with a slow tail; the as-of (the head) finds projects in every
state, a few hundred of them running. It prints the median of --repeat runs of `kpictl report
--format json` (a real subprocess, warm history cache) with forecasts and with `forecast:
{enabled: false}` in kpictl.yaml (committed in a clone a minute after the head, since kpictl
reads kpictl.yaml at the ref; both as of that minute), their difference, and the forecast
computation alone in-process (every running project and the launches per quarter) beside the
KPI computation.

Target: forecasts add at most 0.2 s to report. It is a measurement, not a
test: it exits 0 even when the target is missed (marked MISSED).
"""

from __future__ import annotations

import argparse
import math
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from history_bench import ENV, git, measure

BIN = Path(sys.executable).parent
START = 1_672_560_000  # 2023-01-01T08:00:00Z
SPAN_DAYS = 1_080
DAY = 86_400
POC = ("team_assembled", "problem_statement", "demo_ready")
PRODUCTION = ("production_data_connected", "evaluation_suite", "ui_finalized", "security_review")
MILESTONES = ("kickoff", *POC, "go_decision", *PRODUCTION, "launched")
MEDIAN_DAYS = {
    "go_decision": 60,
    "launched": 10,
    **dict(zip(PRODUCTION, (30, 45, 25, 60), strict=True)),
}
TEAMS = ("platform", "finance", "hr", "customer-experience", "marketing", "legal")


def _days(rng: random.Random, median: float) -> float:
    return median * math.exp(rng.gauss(0, 0.5)) * (3 if rng.random() < 0.15 else 1)


def _render(index: int, done: set[str]) -> bytes:
    slug = f"p-{index:05d}"
    lines = [
        "schema_version: 1",
        f"id: {slug}",
        f"name: Generated project {index}",
        f"team: {TEAMS[index % len(TEAMS)]}",
        f"owner: lead-{index % 250}@example.com",
        "milestones:",
        *(f"  {m}: {'done' if m in done else 'planned'}" for m in MILESTONES),
        "costs:",
        "  - {item: LLM API, category: inference, amount: 900, currency: USD, per: month}",
    ]
    return ("\n".join(lines) + "\n").encode()


def generate(repo: Path, projects: int) -> int:
    """Build the repository; return how many projects are running at its head."""
    repo.mkdir(parents=True, exist_ok=True)
    git(repo, "init", "-q", "-b", "main")
    rng = random.Random(13)
    changes: list[tuple[int, int, tuple[str, ...]]] = []  # (time, project, milestones done)
    end = START + SPAN_DAYS * DAY
    running = 0
    for i in range(projects):
        start = START + int(rng.uniform(0, SPAN_DAYS) * DAY)
        go = start + int(_days(rng, MEDIAN_DAYS["go_decision"]) * DAY)
        times = {"kickoff": start, "go_decision": go}
        for k, m in enumerate(POC):
            times[m] = start + (go - start) * (k + 1) // (len(POC) + 1)
        for m in PRODUCTION:
            times[m] = go + int(_days(rng, MEDIAN_DAYS[m]) * DAY)
        times["launched"] = max(times[m] for m in PRODUCTION)
        times["launched"] += int(_days(rng, MEDIAN_DAYS["launched"]) * DAY)
        running += times["launched"] > end
        done: list[str] = []
        for m, when in sorted(times.items(), key=lambda item: item[1]):
            if when > end:
                break
            done.append(m)
            changes.append((when, i, tuple(done)))
    changes.sort()
    proc = subprocess.Popen(
        ["git", "fast-import", "--quiet"], cwd=repo, env=ENV, stdin=subprocess.PIPE
    )
    assert proc.stdin is not None
    config = b"# the KPI repository of the benchmark: the defaults\n"
    first = changes[0][0] - 60
    proc.stdin.write(
        b"commit refs/heads/main\nmark :1\ncommitter Bench <bench@example.com> %d +0000\n"
        b"data 5\nsetup\nM 100644 inline kpictl.yaml\ndata %d\n%s\n" % (first, len(config), config)
    )
    last = first
    for mark, (when, index, done) in enumerate(changes, start=2):
        last = max(when, last + 1)
        body = _render(index, set(done))
        proc.stdin.write(
            b"commit refs/heads/main\nmark :%d\ncommitter Bench <bench@example.com> %d +0000\n"
            b"data 6\nchange\nfrom :%d\nM 100644 inline projects/p-%05d.yaml\ndata %d\n%s\n\n"
            % (mark, last, mark - 1, index, len(body), body)
        )
    proc.stdin.close()
    if proc.wait() != 0:
        sys.exit("forecast_bench: git fast-import failed")
    git(repo, "reset", "-q", "--hard", "main")
    return running


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--projects", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)

    from kpictl.config import load_config
    from kpictl.kpis import compute
    from kpictl.kpis.forecast.forecaster import forecast_portfolio
    from kpictl.pipeline import compute_as_of

    with tempfile.TemporaryDirectory(prefix="kpictl-forecast-bench-") as tmp:
        repo = Path(tmp) / "kpis"
        started = time.perf_counter()
        running = generate(repo, args.projects)
        commits = git(repo, "rev-list", "--count", "HEAD").decode().strip()
        print(
            f"repository: {args.projects} projects, {commits} commits, {running} running at the "
            f"head (generated in {time.perf_counter() - started:.1f} s)"
        )
        report = [str(BIN / "kpictl"), "report", "--format", "json"]
        # kpictl reads kpictl.yaml at the ref it reports on: forecasts are turned off in a
        # commit of its own, in a clone, a minute after the head; both run as of that minute
        head_time = int(git(repo, "log", "-1", "--format=%ct").decode())
        off = Path(tmp) / "kpis-without-forecasts"
        git(Path(tmp), "clone", "-q", str(repo), str(off))
        (off / "kpictl.yaml").write_text("forecast: {enabled: false}\n", encoding="utf-8")
        git(off, "add", "kpictl.yaml")
        moment = f"{head_time + 60} +0000"
        env = {**ENV, "GIT_AUTHOR_DATE": moment, "GIT_COMMITTER_DATE": moment}
        git(off, "commit", "-q", "-m", "forecasts off", env=env)
        minute_after = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(head_time + 60))
        report = [str(BIN / "kpictl"), "report", "--format", "json", "--as-of", minute_after]
        measure(report, repo, 1)  # fill the history caches: both sides start warm
        measure(report, off, 1)
        with_forecasts = measure(report, repo, args.repeat)
        without = measure(report, off, args.repeat)
        checked = subprocess.run(report, cwd=off, env=ENV, capture_output=True, check=True)
        if b'"launches_expected"' in checked.stdout:
            sys.exit("forecast_bench: the run without forecasts still forecast")

        config = load_config(repo)
        computed = compute_as_of(config)
        timelines, as_of = computed.timelines, computed.as_of
        engine, kpis = [], []
        for _ in range(args.repeat):
            t = time.perf_counter()
            result = forecast_portfolio(timelines, config, as_of)
            engine.append(time.perf_counter() - t)
            t = time.perf_counter()
            compute(timelines, config, as_of, computed.head)
            kpis.append(time.perf_counter() - t)
        dated = sum(1 for f in result.projects.values() if f.p50 is not None)
        added = with_forecasts.seconds - without.seconds
        verdict = "(target <= 0.2 s)" + ("" if added <= 0.2 else " MISSED")
        print(f"report without forecasts   {without.seconds:6.2f} s  {without.rss_mib:5.0f} MB")
        print(
            f"report with forecasts      {with_forecasts.seconds:6.2f} s  "
            f"{with_forecasts.rss_mib:5.0f} MB"
        )
        print(f"forecasts add              {added:6.2f} s   {verdict}")
        print(
            f"in-process: forecasts {statistics.median(engine):6.3f} s for "
            f"{len(result.projects)} running projects ({dated} dated), within compute "
            f"{statistics.median(kpis):6.3f} s (KPIs and forecasts)"
        )
        print(f"median of {args.repeat} runs; MB: peak RSS (MiB) of the child")
    return 0


if __name__ == "__main__":
    sys.exit(main())
