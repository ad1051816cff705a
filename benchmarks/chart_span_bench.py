"""Time and size of each chart when its data spans from 2024 to a far-future year, beside a
reference version of kpictl, in the same run.

    python benchmarks/chart_span_bench.py [--reference ab63ce7] [--ends 2026 2100 3000 5000 9999]

For each end year it draws every chart type (as the site passes them: every quarter from
2024-Q1 to the end, gaps included) with a few values in 2024 to 2026 and one at the end, as when
one commit is dated far in the future: the control chart, the spend columns, the cumulative
cost, a project's milestone timeline and a tile's sparkline. It prints the best of --repeat
runs of each chart function (time.perf_counter around the call, inputs built beforehand), and
the size of the SVG it wrote, for the reference (a commit, whose kpictl package is extracted
with `git archive`) and for the working tree. A run longer than --patience seconds is not
repeated: the reference's charts grow with the square of the span.

Target: a chart's time and size do not grow with the span. It is a measurement, not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timezone
from io import BytesIO
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = "ab63ce7"  # main before chart axes chose their ticks from the span
CHARTS = ("control", "spend_columns", "cumulative", "timeline", "sparkline")


def _epoch(year: int, month: int = 1, day: int = 1) -> int:
    return int(datetime(year, month, day, tzinfo=timezone.utc).timestamp())


def _drawers(end_year: int) -> dict[str, Callable[[], str]]:
    """Each chart's call on data from 2024 to ``end_year``, its inputs built here, once."""
    from kpictl.dates import is_partial, quarters
    from kpictl.site import charts, trends

    tz = timezone.utc
    first, as_of = _epoch(2024, 1, 10), _epoch(end_year, 11, 15)
    bounds = quarters(first, as_of, tz)
    medians = {label: 40.0 - i for i, (label, _, _) in enumerate(bounds[:12])}
    medians[bounds[-1][0]] = 30.0
    spans = [
        trends.QuarterPoint(label, s, e, medians.get(label), is_partial(e, as_of))
        for label, s, e in bounds
    ]
    points = [(first + i * 2_000_000, 30.0 + i % 20, "met", f"p{i}") for i in range(40)]
    points.append((as_of - 86_400, 35.0, "missed", "from the future"))
    by_quarter = [
        {"inference": 2_400.0, **({"people": 30_000.0} if i < 12 else {})}
        for i in range(len(spans))
    ]
    totals, spent = [], 0.0
    for by in by_quarter:
        spent += sum(by.values())
        totals.append(spent)
    rows = [
        (f"Milestone {i}", "done", first + i * 86_400 * 30, first + i * 86_400 * 40)
        for i in range(9)
    ]
    rows.append(("Launch", "done", first, as_of - 86_400))

    def days(v: float) -> str:
        return f"{v:,.1f}"

    def money(v: float) -> str:
        return f"${v / 1000:,.0f}k"

    return {
        "control": lambda: trends.control(
            charts.Ids("b"), points, spans, 45.0, "trend", "days", days
        ),
        "spend_columns": lambda: trends.spend_columns(
            charts.Ids("b"), spans, by_quarter, ["inference", "people"], "spend", "USD", money
        ),
        "cumulative": lambda: trends.cumulative(
            charts.Ids("b"), spans, totals, "cumulative", "USD", money
        ),
        "timeline": lambda: charts.timeline(
            charts.Ids("b"), rows, first, as_of, as_of, "milestones", tz
        ),
        "sparkline": lambda: charts.sparkline(
            charts.Ids("b"), [q.median for q in spans], "spark", 45.0
        ),
    }


def side(ends: list[int], repeat: int, patience: float) -> None:
    """Time every chart with the kpictl this interpreter imports; print the figures as JSON:
    {"kpictl": where it was imported from, "charts": {chart: {end: [seconds, bytes]}}}."""
    import kpictl

    figures: dict[str, dict[str, tuple[float, int]]] = {}
    for end in ends:
        for name, draw in _drawers(end).items():
            best, size = float("inf"), 0
            for _ in range(repeat):
                started = time.perf_counter()
                drawn = draw()
                took = time.perf_counter() - started
                best, size = min(best, took), len(drawn.encode())
                if took > patience:
                    break
            figures.setdefault(name, {})[str(end)] = (best, size)
    print(json.dumps({"kpictl": str(Path(kpictl.__file__).parent), "charts": figures}))


def _measure(package_root: Path, ends: list[int], repeat: int, patience: float) -> Any:
    """The figures of ``side`` run in a new interpreter that imports kpictl from
    ``package_root``."""
    env = {**os.environ, "PYTHONPATH": str(package_root)}
    command = [sys.executable, __file__, "--side", "--repeat", str(repeat)]
    command += ["--patience", str(patience), "--ends", *map(str, ends)]
    done = subprocess.run(
        command, cwd=package_root, env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        sys.exit(f"chart_span_bench: the run on {package_root} failed:\n{done.stderr[-2000:]}")
    figures = json.loads(done.stdout)
    if Path(figures["kpictl"]) != package_root / "kpictl":
        sys.exit(f"chart_span_bench: imported {figures['kpictl']}, not {package_root}/kpictl")
    return figures["charts"]


def _extract(ref: str, into: Path) -> None:
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", "--format=tar", ref, "kpictl"],
        capture_output=True,
        check=False,
    )
    if archive.returncode != 0:
        sys.exit(f"chart_span_bench: cannot read {ref}: {archive.stderr.decode().strip()}")
    with tarfile.open(fileobj=BytesIO(archive.stdout)) as tar:
        tar.extractall(into, filter="data")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--reference", default=REFERENCE, help="the commit to compare with")
    parser.add_argument("--ends", type=int, nargs="+", default=[2026, 2100, 3000, 5000, 9999])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--patience", type=float, default=10.0)
    parser.add_argument("--side", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.side:
        side(args.ends, args.repeat, args.patience)
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        _extract(args.reference, Path(tmp))
        before = _measure(Path(tmp), args.ends, args.repeat, args.patience)
    after = _measure(ROOT, args.ends, args.repeat, args.patience)
    print(f"best of {args.repeat} runs (one when it takes over {args.patience:g} s)")
    print(f"before: {args.reference}; after: the working tree; time in ms, SVG size in kB")
    head = f"{'chart':<14} {'to':>5} {'ms before':>11} {'ms after':>9} {'faster':>8}"
    print(f"{head} {'kB before':>10} {'kB after':>9}")
    for name in CHARTS:
        for end in map(str, args.ends):
            (t0, s0), (t1, s1) = before[name][end], after[name][end]
            row = f"{name:<14} {end:>5} {t0 * 1000:>11.1f} {t1 * 1000:>9.1f}"
            print(f"{row} {t0 / max(t1, 1e-9):>7.1f}x {s0 / 1000:>10.1f} {s1 / 1000:>9.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
