"""The figures of a large organisation's repository, each beside its reference in the same run.

    python benchmarks/scale_bench.py [--sizes 1000x13,3000x13,10000x20] [--repeat 3]
                                     [--figures cold,warm,site]

Run it with the python where kpictl is installed. For each size N x R (N projects, R revisions,
one commit each; the generator of history_bench.py) it prints, min and median of --repeat runs,
each kpictl run paired with its reference run so that a noisy machine moves both:
- cold `kpictl history --no-cache` against raw git (`git log --first-parent --raw` over the
  projects folder, then one `git cat-file --batch` of every blob it names);
- warm `kpictl history` after one new commit, and warm `kpictl report` after one new commit
  (with its peak RSS), against the same command with no new commit;
- at 1,000 projects, `kpictl build` against a bare `mkdocs build` of exactly the pages kpictl
  generated: seconds, megabytes written, and kpictl's share of the build.
Built repositories are kept under benchmarks/out/ (the biggest takes long to build) and reset
to their built state before each run. It is a measurement, not a test: it exits 0 when a
target is missed (marked MISSED).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from history_bench import ENV, generate, git, reference_once

ENV["NO_MKDOCS_2_WARNING"] = "1"  # a banner on every mkdocs run, not a figure
BIN = Path(sys.executable).parent
OUT = Path(__file__).resolve().parent / "out"
BUILT = "refs/tags/scale-bench-built"
# (figure, size) → target: a ratio to the reference, seconds, or MB.
TARGETS = {
    ("cold", 13_000): 2.0,
    ("cold", 39_000): 1.5,
    ("warm history", 13_000): 0.25,
    ("warm history", 39_000): 0.3,
    ("warm history", 200_000): 2.0,
    ("warm report", 39_000): 1.0,
}


def repository(projects: int, revisions: int) -> Path:
    """The repository of that size under benchmarks/out/, built once and reset to as built."""
    repo = OUT / f"repo-{projects}x{revisions}"
    built = (
        repo.is_dir()
        and subprocess.run(
            ["git", "rev-parse", "-q", "--verify", BUILT], cwd=repo, env=ENV, capture_output=True
        ).returncode
        == 0
    )
    if not built:
        shutil.rmtree(repo, ignore_errors=True)
        started = time.perf_counter()
        generate(repo, projects, revisions)
        git(repo, "update-ref", BUILT, "HEAD")
        print(f"  built in {time.perf_counter() - started:.0f} s", flush=True)
    git(repo, "update-ref", "refs/heads/main", BUILT)
    git(repo, "reset", "-q", "--hard", "main")
    shutil.rmtree(repo / ".git" / "kpictl", ignore_errors=True)
    return repo


def run(command: Sequence[str], cwd: Path) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one run, which must succeed."""
    started = time.perf_counter()
    proc = subprocess.Popen(command, cwd=cwd, env=ENV, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"scale_bench: {' '.join(command)} failed")
    return time.perf_counter() - started, usage.ru_maxrss / 1024


class OneMoreCommit:
    """A commit changing one project's summary, as a pull request would, at a controlled time
    after the last commit."""

    def __init__(self, repo: Path) -> None:
        self.repo = repo
        self.files = sorted((repo / "projects").glob("*.yaml"))
        self.count = 0
        self.when = int(git(repo, "log", "-1", "--format=%ct").decode())

    def __call__(self) -> None:
        self.count += 1
        self.when += 1800
        path = self.files[(self.count * 7919) % len(self.files)]
        lines = path.read_text().split("\n")
        at = next(i for i, line in enumerate(lines) if line.startswith("summary:"))
        lines[at] = f"summary: Edited {self.count} times by the scale benchmark."
        path.write_text("\n".join(lines))
        dates = {
            "GIT_AUTHOR_DATE": f"@{self.when} +0000",
            "GIT_COMMITTER_DATE": f"@{self.when} +0000",
        }
        git(
            self.repo,
            "commit",
            "-q",
            "-m",
            f"edit {self.count}",
            "--",
            str(path),
            env={**ENV, **dates},
        )


def spread(values: list[float]) -> str:
    return f"min {min(values):6.2f} median {statistics.median(values):6.2f}"


def show(title: str, values: list[float], note: str, target: float | None, met: bool) -> None:
    aim = "" if target is None else f" (target {target:g})" + ("" if met else " MISSED")
    print(f"  {title:<34} {spread(values)}   {note}{aim}", flush=True)


def cold(repo: Path, repeat: int, commits: int, tmp: Path) -> None:
    kpictl, reference = [], []
    for _ in range(repeat):
        log_s, cat_s, _, _ = reference_once(repo, tmp / "blobs.txt")
        reference.append(log_s + cat_s)
        kpictl.append(
            run([str(BIN / "kpictl"), "history", "--format", "json", "--no-cache"], repo)[0]
        )
    ratios = [k / r for k, r in zip(kpictl, reference, strict=True)]
    show("raw git: log + cat-file", reference, "s", None, True)
    show("cold history --no-cache", kpictl, "s", None, True)
    target = TARGETS.get(("cold", commits))
    med = statistics.median(ratios)
    show("cold history / raw git", ratios, "x (pairwise)", target, target is None or med <= target)


def warm(
    repo: Path, repeat: int, commits: int, name: str, command: list[str], commit: Callable[[], None]
) -> None:
    run(command, repo)  # fills the cache up to the head
    after, still, rss = [], [], []
    for _ in range(repeat):
        commit()
        seconds, peak = run(command, repo)
        after.append(seconds)
        rss.append(peak)
        still.append(run(command, repo)[0])
    show(f"warm {name}, no new commit", still, "s (the floor)", None, True)
    target = TARGETS.get((f"warm {name}", commits))
    med = statistics.median(after)
    note = f"s, peak {max(rss):.0f} MB (target 300 MB{'' if max(rss) <= 300 else ' MISSED'})"
    show(f"warm {name} after one commit", after, note, target, target is None or med <= target)


def site(repo: Path, tmp: Path) -> None:
    """kpictl build as a whole, beside a bare mkdocs build of the pages it generated."""
    from kpictl.config import load_config
    from kpictl.pipeline import compute_as_of
    from kpictl.site.sources import write_sources

    run([str(BIN / "kpictl"), "history", "--format", "json"], repo)
    total, rss = run([str(BIN / "kpictl"), "build", "--out", str(tmp / "site")], repo)
    written = sum(p.stat().st_size for p in (tmp / "site").rglob("*") if p.is_file()) / 1e6
    work = tmp / "sources"
    work.mkdir()
    started = time.perf_counter()
    config = load_config(repo)
    config_file, pages, _ = write_sources(compute_as_of(config), config, work)
    own = time.perf_counter() - started
    bare, _ = run(
        [str(BIN / "mkdocs"), "build", "-q", "-f", str(config_file), "-d", str(tmp / "bare")], work
    )
    bare_mb = sum(p.stat().st_size for p in (tmp / "bare").rglob("*") if p.is_file()) / 1e6
    share = own / (own + bare)
    print(f"  kpictl build                       {total:6.2f} s, peak {rss:.0f} MB, {pages} pages")
    print(f"  bare mkdocs build of its pages     {bare:6.2f} s, {bare_mb:.1f} MB written")
    print(
        f"  site written by kpictl build       {written:6.1f} MB (target 25)"
        + ("" if written <= 25 else " MISSED")
    )
    print(
        f"  kpictl's share of the build        {share:6.1%} (own {own:.2f} s; target 15%)"
        + ("" if share <= 0.15 else " MISSED"),
        flush=True,
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--sizes", default="1000x13,3000x13", help="N x R, comma separated (also 10000x20)"
    )
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--figures",
        default="cold,warm,site",
        help="which figures, comma separated (cold, warm, site); the site is built at 1,000",
    )
    args = parser.parse_args(argv)
    sizes = [tuple(int(n) for n in size.split("x")) for size in args.sizes.split(",")]
    figures = set(args.figures.split(","))
    print(
        f"Python {sys.version.split()[0]}; {git(Path.cwd(), '--version').decode().strip()}; "
        f"{os.cpu_count()} cores; min and median of {args.repeat} runs",
        flush=True,
    )
    floor = [run([str(BIN / "kpictl"), "--version"], Path.cwd())[0] for _ in range(args.repeat)]
    show("start-up: kpictl --version", floor, "s (in every figure below)", None, True)
    for projects, revisions in sizes:
        commits = projects * revisions
        print(f"{projects} projects x {revisions} revisions = {commits} commits", flush=True)
        repo = repository(projects, revisions)
        with tempfile.TemporaryDirectory(prefix="kpictl-scale-bench-") as tmp:
            if "cold" in figures:
                cold(repo, args.repeat, commits, Path(tmp))
            commit, kpictl = OneMoreCommit(repo), str(BIN / "kpictl")
            for name in ("history", "report") if "warm" in figures else ():
                warm(repo, args.repeat, commits, name, [kpictl, name, "--format", "json"], commit)
            if projects == 1000 and "site" in figures:
                site(repository(projects, revisions), Path(tmp))
    return 0


if __name__ == "__main__":
    sys.exit(main())
