"""Speed and size of `kpictl build` on a large portfolio, beside a bare `mkdocs build`.

    python benchmarks/site_bench.py [--projects 1000] [--revisions 5]

Builds a repository of N projects x R revisions (the generator of history_bench.py), then in the
same run measures: `kpictl build` as a whole (a real subprocess), the generation of its pages
alone (history, KPIs, pages, charts: kpictl's own share), and a bare `mkdocs build` of exactly
the pages it generated. Targets: kpictl's share at most 20% of the total, output under 30 MB.
It is a measurement, not a test: it exits 0 even when a target is missed (marked MISSED).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from history_bench import generate

BIN = Path(sys.executable).parent


def timed(command: list[str], cwd: Path) -> float:
    started = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.exit(f"site_bench: {' '.join(command)} failed:\n{done.stderr[-2000:]}")
    return time.perf_counter() - started


def size_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 1e6


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=1000)
    parser.add_argument("--revisions", type=int, default=5)
    args = parser.parse_args(argv)

    from kpictl.config import load_config
    from kpictl.pipeline import compute_as_of
    from kpictl.site.sources import write_sources

    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        repo = base / "kpis"
        started = time.perf_counter()
        generate(repo, args.projects, args.revisions)
        print(
            f"repository: {args.projects} projects x {args.revisions} revisions "
            f"(generated in {time.perf_counter() - started:.1f} s)"
        )
        # Fill the history cache first, so both sides start from the same warm git state.
        timed([str(BIN / "kpictl"), "history", "--format", "json"], repo)
        total = timed([str(BIN / "kpictl"), "build", "--out", str(base / "site")], repo)
        out_mb = size_mb(base / "site")

        work = base / "sources"
        work.mkdir()
        started = time.perf_counter()
        config = load_config(repo)
        config_file, pages, _ = write_sources(compute_as_of(config), config, work)
        own = time.perf_counter() - started
        bare = timed([str(BIN / "mkdocs"), "build", "-q", "-f", str(config_file)], work)
        share = own / (own + bare)
        verdict = "" if share <= 0.20 else "  MISSED"
        print(
            f"kpictl build (whole)          {total:6.2f} s   {pages} pages, {out_mb:.1f} MB"
            f"{'' if out_mb < 30 else '  MISSED'} (target < 30 MB)"
        )
        print(f"kpictl's own share            {own:6.2f} s   history, KPIs, pages and charts")
        print(f"bare mkdocs build             {bare:6.2f} s   of the same generated pages")
        print(f"share of the total            {share:6.1%}   (target <= 20%){verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
