"""Validation speed of `kpictl validate` against `check-jsonschema`, side by side.

Run it from a checkout where kpictl and check-jsonschema are installed in the same environment:

    python benchmarks/validate_bench.py [--files 1000] [--repeat-one 5] [--repeat-many 3]

It generates a temporary KPI repository (a `kpictl.yaml` and `projects/*.yaml`, made from the
example files in `projects/`), checks that both tools accept every file, then runs each tool as
a real subprocess several times and prints the median wall time and the peak memory (RSS) of the
child. The two targets are:

1. one file: `kpictl validate FILE` takes no longer than `check-jsonschema` on that file (in a
   repository holding only that file, and, as pre-commit runs it, among all the other files,
   whose ids kpictl also reads);
2. many files: one `kpictl validate` process is at least 4x faster than one `check-jsonschema`
   process over the same files.

It is a measurement, not a test: it exits 0 even when a target is missed (marked MISSED).
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = ROOT / "schema" / "project.schema.json"
EXAMPLES = ROOT / "projects"
BIN = Path(sys.executable).parent
ID_LINE = re.compile(r"^id:.*$", re.MULTILINE)


@dataclass
class Figure:
    seconds: float  # median wall time
    rss_mib: float  # largest peak RSS over the runs


def tool(name: str) -> Path:
    """The executable `name` next to the running Python, or exit with a clear message."""
    path = BIN / name
    if not path.is_file() or not os.access(path, os.X_OK):
        sys.exit(
            f"validate_bench: {path} not found; install it into this environment "
            "(pip install -e '.[dev]') and run the benchmark with that environment's python"
        )
    return path


def load_examples() -> list[str]:
    texts = [p.read_text(encoding="utf-8") for p in sorted(EXAMPLES.rglob("*.yaml"))]
    if not texts:
        sys.exit(f"validate_bench: no example project files in {EXAMPLES}")
    return texts


def make_repository(root: Path, count: int, examples: list[str]) -> list[str]:
    """Write `kpictl.yaml` and `count` valid project files; return their relative paths."""
    # The examples' configuration (its currency rates), so every generated file is valid.
    config = (ROOT / "kpictl.yaml").read_text(encoding="utf-8")
    (root / "kpictl.yaml").write_text(config, encoding="utf-8")
    projects = root / "projects"
    projects.mkdir()
    paths: list[str] = []
    for i in range(count):
        slug = f"proj-{i:05d}"
        text = ID_LINE.sub(f"id: {slug}", examples[i % len(examples)], count=1)
        (projects / f"{slug}.yaml").write_text(text, encoding="utf-8")
        paths.append(f"projects/{slug}.yaml")
    return paths


def check_once(label: str, command: Sequence[str], cwd: Path) -> None:
    """Run `command` once; print its output and exit 1 unless it succeeds."""
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        print(f"validate_bench: {label} exited {done.returncode} on the generated files:")
        print(done.stdout[-4000:] + done.stderr[-4000:])
        sys.exit(1)


def run_once(command: Sequence[str], cwd: Path) -> tuple[float, int]:
    """Wall seconds and peak RSS (KiB, Linux) of one run of `command`."""
    start = time.perf_counter()
    proc = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        sys.exit(f"validate_bench: {command[0]} exited {proc.returncode} during timing")
    return elapsed, usage.ru_maxrss


def measure(command: Sequence[str], cwd: Path, repeat: int) -> Figure:
    runs = [run_once(command, cwd) for _ in range(repeat)]
    return Figure(statistics.median(t for t, _ in runs), max(m for _, m in runs) / 1024)


def row(title: str, kpictl: Figure, other: Figure, verdict: str) -> str:
    return (
        f"{title:<22} kpictl {kpictl.seconds:6.2f} s {kpictl.rss_mib:5.0f} MB | "
        f"check-jsonschema {other.seconds:6.2f} s {other.rss_mib:5.0f} MB | {verdict}"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--files", type=int, default=1000, help="files in the many-file case")
    parser.add_argument("--repeat-one", type=int, default=5, help="runs of the one-file case")
    parser.add_argument("--repeat-many", type=int, default=3, help="runs of the many-file case")
    args = parser.parse_args(argv)
    if args.files < 1 or args.repeat_one < 1 or args.repeat_many < 1:
        parser.error("--files, --repeat-one and --repeat-many must be at least 1")
    kpictl, cjs = tool("kpictl"), tool("check-jsonschema")
    examples = load_examples()
    print(f"Python {platform.python_version()} ({sys.executable})")
    print(f"files: 1, then {args.files}; schema: {SCHEMA}")
    with tempfile.TemporaryDirectory(prefix="kpictl-bench-") as tmp:
        one_repo, many_repo = Path(tmp) / "one", Path(tmp) / "many"
        one_repo.mkdir()
        many_repo.mkdir()
        (one_file,) = make_repository(one_repo, 1, examples)
        many_files = make_repository(many_repo, args.files, examples)
        cases = {
            "one": (
                one_repo,
                [str(kpictl), "validate", one_file],
                [str(cjs), "--schemafile", str(SCHEMA), one_file],
            ),
            "many": (
                many_repo,
                [str(kpictl), "validate"],
                [str(cjs), "--schemafile", str(SCHEMA), *many_files],
            ),
        }
        among = [str(kpictl), "validate", many_files[0]]
        for cwd, kpi_cmd, cjs_cmd in cases.values():
            check_once("kpictl validate", kpi_cmd, cwd)
            check_once("check-jsonschema", cjs_cmd, cwd)
        check_once("kpictl validate", among, many_repo)
        figures: dict[str, tuple[Figure, Figure]] = {}
        for name, (cwd, kpi_cmd, cjs_cmd) in cases.items():
            repeat = args.repeat_one if name == "one" else args.repeat_many
            figures[name] = (measure(kpi_cmd, cwd, repeat), measure(cjs_cmd, cwd, repeat))
        kpi_among = measure(among, many_repo, args.repeat_one)
    kpi_one, cjs_one = figures["one"]
    ratio = kpi_one.seconds / cjs_one.seconds
    print(row("validate 1 file", kpi_one, cjs_one, f"ratio {ratio:.2f} (target <= 1)"), end="")
    print("" if ratio <= 1 else "  MISSED")
    ratio = kpi_among.seconds / cjs_one.seconds
    title = f"1 file of {args.files}"
    print(row(title, kpi_among, cjs_one, f"ratio {ratio:.2f} (target <= 1)"), end="")
    print("" if ratio <= 1 else "  MISSED")
    kpi_many, cjs_many = figures["many"]
    speed_up = cjs_many.seconds / kpi_many.seconds
    title = f"validate {args.files} files"
    print(row(title, kpi_many, cjs_many, f"speed-up {speed_up:.1f}x (target >= 4x)"), end="")
    print("" if speed_up >= 4 else "  MISSED")
    print(f"median of {args.repeat_one} runs (1 file), {args.repeat_many} ({args.files} files);")
    print(f"MB: the child's peak RSS in MiB; '1 file of {args.files}': kpictl validate FILE in the")
    print("big repository (it also reads the other files' ids) against check-jsonschema on 1 file")
    return 0


if __name__ == "__main__":
    sys.exit(main())
