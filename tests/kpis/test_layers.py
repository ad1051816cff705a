"""The layer rules, read from the source: the KPI computation (timelines included) and history's
data read no git, no subprocess, no files and no clock; the site and outputs never run git.

A static test, so a function-level import cannot dodge it; and an import-time check beside it.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO

PACKAGE = REPO / "kpictl"
CLOCK_CALLS = {"now", "utcnow", "today", "time", "monotonic", "perf_counter", "time_ns"}
FILE_CALLS = {"open", "read_text", "read_bytes", "write_text", "write_bytes", "iterdir", "glob"}


def _modules(folder: str) -> list[Path]:
    return sorted((PACKAGE / folder).rglob("*.py"))


def _imports(tree: ast.AST) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def _calls(tree: ast.AST) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Attribute):
                names.add(func.attr)
            elif isinstance(func, ast.Name):
                names.add(func.id)
    return names


def _forbidden_imports(found: set[str], forbidden: tuple[str, ...]) -> list[str]:
    return sorted(i for i in found if any(i == f or i.startswith(f + ".") for f in forbidden))


@pytest.mark.parametrize("module", _modules("kpis"), ids=lambda p: p.name)
def test_the_kpi_package_reads_no_git_subprocess_files_or_clock(module: Path):
    tree = ast.parse(module.read_text(encoding="utf-8"))
    forbidden = ("subprocess", "kpictl.git", "kpictl.pipeline", "os", "pathlib", "time", "shutil")
    assert _forbidden_imports(_imports(tree), forbidden) == [], module
    calls = _calls(tree)
    assert not calls & CLOCK_CALLS, (module, calls & CLOCK_CALLS)
    assert not calls & FILE_CALLS, (module, calls & FILE_CALLS)


@pytest.mark.parametrize("module", _modules("history"), ids=lambda p: p.name)
def test_history_data_runs_no_git(module: Path):
    tree = ast.parse(module.read_text(encoding="utf-8"))
    forbidden = ("subprocess", "kpictl.git", "kpictl.pipeline")
    assert _forbidden_imports(_imports(tree), forbidden) == [], module
    assert not _calls(tree) & CLOCK_CALLS, module


@pytest.mark.parametrize(
    "module", _modules("site") + _modules("output"), ids=lambda p: f"{p.parent.name}/{p.name}"
)
def test_site_and_outputs_run_no_git(module: Path):
    tree = ast.parse(module.read_text(encoding="utf-8"))
    forbidden = ("subprocess", "kpictl.git")
    assert _forbidden_imports(_imports(tree), forbidden) == [], module


def test_only_the_git_package_runs_git():
    runs_git = []
    for module in PACKAGE.rglob("*.py"):
        if "subprocess" in _imports(ast.parse(module.read_text(encoding="utf-8"))):
            runs_git.append(module.relative_to(PACKAGE).as_posix())
    assert sorted(runs_git) == ["git/log.py", "git/repository.py"]


def test_importing_the_kpi_computation_loads_no_git_module():
    probe = (
        "import sys, kpictl.kpis, kpictl.kpis.timeline; "
        "print(sorted(m for m in sys.modules if m.startswith(('kpictl.git', 'subprocess'))))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"
