"""The tree matches the imports: every module imports only from its own part of the package and
from the layers below it, in the order README.md's Architecture block gives, and
docs/architecture.md is the graph as the code draws it today."""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType

from tests.conftest import REPO


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("import_graph", REPO / "scripts/import_graph.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("import_graph", module)
    spec.loader.exec_module(module)
    return module


graph = _script()
LAYERS = graph.read_layers((REPO / "README.md").read_text(encoding="utf-8"))


def test_the_readme_names_the_stages_top_to_bottom():
    names = [part for layer in LAYERS for part in layer]
    for part in ("cli/", "pipeline.py", "kpis/", "history/", "yamlfile/", "git/", "errors.py"):
        assert part in names
    assert names.index("cli/") < names.index("pipeline.py") < names.index("kpis/")
    assert names.index("history/") < names.index("config/") < names.index("yamlfile/")
    assert names.index("yamlfile/") < names.index("git/") < names.index("errors.py")


def test_every_import_points_down_and_every_part_has_a_layer():
    assert graph.wrong_way(LAYERS, graph.arrows()) == []


def test_the_check_notices_an_import_running_back_up():
    arrows = {("git/", "history/"): ["kpictl/git/log.py:12"], ("kpis/", "config/"): ["x:1"]}
    assert graph.wrong_way(LAYERS, arrows) == ["git/ → history/ runs back up: kpictl/git/log.py:12"]
    sideways = graph.wrong_way(LAYERS, {("output/", "comparison.py"): ["y:2"]})
    assert sideways == ["output/ → comparison.py runs sideways: y:2"]


def test_git_imports_nothing_of_kpictl_but_leaf_modules():
    leaves = {"errors.py", "dates.py", "printable.py", "progress.py", "__init__.py"}
    from_git = {target for (source, target) in graph.arrows() if source == "git/"}
    assert from_git <= leaves, from_git


def test_the_picture_in_docs_is_the_graph_of_today():
    expected = graph.picture(LAYERS, graph.arrows())
    shown = (REPO / "docs" / "architecture.md").read_text(encoding="utf-8")
    assert shown == expected, "run `python scripts/import_graph.py --write` and commit it"
