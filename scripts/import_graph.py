"""Draw kpictl's import graph by stage, from the code's own imports, and say which arrows run
back up.

The stages and their order are the README's "Architecture" block: one line per layer, top to
bottom, each line starting with the folders and modules of that layer (`site/`, `pipeline.py`);
a module may import only from its own folder or module and from the layers below its own.

    python scripts/import_graph.py            # the graph as Mermaid, then any arrow running up
    python scripts/import_graph.py --write    # also write docs/architecture.md

Exit 1 when an import runs back up (or sideways, into another part of the same layer).
"""

from __future__ import annotations

import argparse
import ast
import re
import sys
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PACKAGE = REPO / "kpictl"
README = REPO / "README.md"
PICTURE = REPO / "docs" / "architecture.md"
_PART = re.compile(r"^[a-z_]+(/|\.py)$")


def read_layers(readme: str) -> list[list[str]]:
    """The layers of the README's Architecture block, top first: each a list of parts
    (``cli/``, ``pipeline.py``) read from the start of its line, up to the first word that is
    not a part."""
    section = readme.split("\n## Architecture\n", 1)[1].split("\n## ", 1)[0]
    block = section.split("```", 2)[1]
    layers = []
    for line in block.splitlines()[1:]:
        parts = []
        for word in line.split():
            if not _PART.match(word):
                break
            parts.append(word)
        if parts:
            layers.append(parts)
    return layers


def part_of(module: str) -> str:
    """The part a dotted module belongs to: ``kpictl.site.pages`` → ``site/``,
    ``kpictl.pipeline`` → ``pipeline.py``, ``kpictl`` → ``__init__.py``."""
    names = module.split(".")
    if len(names) == 1:
        return "__init__.py"
    return f"{names[1]}/" if (PACKAGE / names[1]).is_dir() else f"{names[1]}.py"


def module_name(path: Path) -> str:
    names = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(names[:-1] if names[-1] == "__init__" else names)


def imports(path: Path) -> list[tuple[int, str]]:
    """Every kpictl module ``path`` imports (at any depth of the file), with its line."""
    found = []
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: from the module's own package
                up = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*up, *([base] if base else [])])
            found.append((node.lineno, base))
    return [(line, name) for line, name in found if name.split(".")[0] == "kpictl"]


def arrows() -> dict[tuple[str, str], list[str]]:
    """Part → part, with the places (``file:line``) each arrow comes from."""
    found: dict[tuple[str, str], list[str]] = defaultdict(list)
    for path in sorted(PACKAGE.rglob("*.py")):
        source = part_of(module_name(path))
        for line, name in imports(path):
            target = part_of(name)
            if target != source:
                found[(source, target)].append(f"{path.relative_to(REPO)}:{line}")
    return dict(found)


def wrong_way(layers: list[list[str]], found: dict[tuple[str, str], list[str]]) -> list[str]:
    """Each arrow that does not point to a layer below its own, with where it comes from; and
    each part of the package that the README does not place."""
    rank = {part: i for i, layer in enumerate(layers) for part in layer}
    problems = []
    parts = {part_of(module_name(p)) for p in PACKAGE.rglob("*.py")}
    for part in sorted(parts - rank.keys()):
        problems.append(f"{part} is in no layer of README.md's Architecture block")
    for (source, target), places in sorted(found.items()):
        if source in rank and target in rank and rank[target] <= rank[source]:
            how = "sideways" if rank[target] == rank[source] else "back up"
            problems.append(f"{source} → {target} runs {how}: {', '.join(places)}")
    return problems


def mermaid(layers: list[list[str]], found: dict[tuple[str, str], list[str]]) -> str:
    """The graph top to bottom, a row per layer."""

    def node(part: str) -> str:
        return re.sub(r"\W", "_", part)

    lines = ["flowchart TB"]
    for i, layer in enumerate(layers):
        lines.append(f'  subgraph L{i} [" "]')
        lines.append("    direction LR")
        lines += [f'    {node(p)}["{p}"]' for p in layer]
        lines.append("  end")
    for i in range(len(layers) - 1):
        lines.append(f"  L{i} ~~~ L{i + 1}")
    for source, target in sorted(found):
        lines.append(f"  {node(source)} --> {node(target)}")
    return "\n".join(lines) + "\n"


def picture(layers: list[list[str]], found: dict[tuple[str, str], list[str]]) -> str:
    return (
        "# kpictl's import graph\n\n"
        "Drawn by `python scripts/import_graph.py --write` from the package's imports, with the\n"
        "layers of README.md's Architecture block, top to bottom: every arrow points down.\n"
        "`tests/test_architecture.py` fails when an import runs back up or this page is stale.\n\n"
        f"```mermaid\n{mermaid(layers, found)}```\n"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--write", action="store_true", help=f"write {PICTURE.relative_to(REPO)}")
    args = parser.parse_args()
    layers = read_layers(README.read_text(encoding="utf-8"))
    found = arrows()
    sys.stdout.write(mermaid(layers, found))
    if args.write:
        PICTURE.write_text(picture(layers, found), encoding="utf-8")
    problems = wrong_way(layers, found)
    for problem in problems:
        print(f"import_graph: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
