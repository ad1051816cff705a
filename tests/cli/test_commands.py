"""The command line's shape, read from the source: one small module per command, each handing
its work to the library, so that what a command does can be imported without the CLI."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from kpictl.cli.main import COMMANDS
from tests.conftest import REPO

CLI = REPO / "kpictl" / "cli"
NOT_COMMANDS = {"__init__", "main", "context"}  # the group, the edge, what commands are given
# Imports that are not the library: the CLI's own parts, and what every command uses to exit.
NOT_LIBRARY = ("kpictl.cli", "kpictl.errors", "kpictl.printable")
MAX_LINES = 300


def _library_names(tree: ast.Module) -> set[str]:
    """The names a module imports from kpictl's library."""
    names: set[str] = set()
    for node in tree.body:
        if not isinstance(node, ast.ImportFrom) or not node.module:
            continue
        if node.module.startswith("kpictl.") and not node.module.startswith(NOT_LIBRARY):
            names.update(alias.asname or alias.name for alias in node.names)
    return names


def _called(function: ast.FunctionDef) -> set[str]:
    names = set()
    for node in ast.walk(function):
        if isinstance(node, ast.Call):
            func = node.func
            while isinstance(func, (ast.Subscript, ast.Attribute)):
                func = func.value  # REGISTRY[fmt](...), module.function(...)
            if isinstance(func, ast.Name):
                names.add(func.id)
    return names


@pytest.mark.parametrize("module", sorted(CLI.glob("*.py")), ids=lambda p: p.name)
def test_every_cli_module_is_at_most_300_lines(module: Path):
    lines = len(module.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{module.name} has {lines} lines; split it by responsibility"


def test_every_command_has_its_own_module_and_every_module_is_a_command():
    modules = {p.stem for p in CLI.glob("*.py")} - NOT_COMMANDS
    assert modules == set(COMMANDS)


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_calls_into_the_library(name: str):
    tree = ast.parse((CLI / f"{name}.py").read_text(encoding="utf-8"))
    [command] = [n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == name]
    library = _library_names(tree)
    assert library, f"kpictl.cli.{name} imports nothing from the library"
    assert _called(command) & library, f"`kpictl {name}` calls no library function"


def test_a_command_that_does_its_own_work_is_noticed():
    lonely = ast.parse(
        "from kpictl.errors import EXIT_OK\n"
        "from kpictl.output.report import REPORT_FORMATS\n"
        "def report():\n"
        "    total = sum(range(3))\n"
        "    return EXIT_OK\n"
    )
    [command] = [n for n in lonely.body if isinstance(n, ast.FunctionDef)]
    assert _library_names(lonely) == {"REPORT_FORMATS"}
    assert not _called(command) & _library_names(lonely)
