"""`kpictl init [DIR]`: everything an organisation needs to keep its KPIs in a repository.

Never overwrites a file that differs without ``force``; running it twice changes nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path, PurePosixPath

from kpictl import __version__
from kpictl.config import default_config, load_config
from kpictl.project.schema import schema_text
from kpictl.scaffold.new import render_project

SCAFFOLD = {
    "site/mkdocs.yml": "mkdocs.yml",
    "site/about.md": "about.md",
    ".pre-commit-config.yaml": "pre-commit-config.yaml",
    ".github/workflows/kpis-pr.yml": "workflow-pr.yml",
    ".github/workflows/kpis-pages.yml": "workflow-pages.yml",
    ".gitignore": "gitignore",
    "README.md": "README.md",
}


@dataclass(frozen=True)
class Written:
    path: str
    action: str  # created | unchanged | overwritten | kept


def scaffold_text(name: str) -> str:
    text = resources.files("kpictl.scaffold").joinpath(f"templates/{name}").read_text("utf-8")
    return text.replace("__VERSION__", __version__)


def commented_defaults() -> str:
    """The packaged defaults, every line commented out: a valid, empty kpictl.yaml that shows
    what can be changed (uncomment a line to change it)."""
    text = resources.files("kpictl.config").joinpath("defaults.yaml").read_text("utf-8")
    lines = [
        "# kpictl configuration. Everything below is the default, commented out: uncomment and",
        "# edit what your organisation changes. `milestones` and `kpis` entries with a default id",
        "# change that entry; new ids add one. See `kpictl schema` for the project file format.",
        "",
        "# repo_url: https://github.com/your-org/your-kpi-repo   # for commit and edit links",
        "",
    ]
    for line in text.splitlines():
        if line.startswith("#") or not line.strip():
            lines.append(line)
        elif line.startswith("repo_url:"):
            continue  # written above with an example value
        else:
            lines.append(f"# {line}")
    return "\n".join(lines) + "\n"


def scaffold(root: Path) -> dict[str, str]:
    """The files to write; an existing kpictl.yaml is followed (its projects folder, and its
    milestones in the schema)."""
    config = load_config(root) if (root / "kpictl.yaml").is_file() else default_config(root)
    folder = config.projects_dir.strip("/")
    files = {
        target: scaffold_text(source)
        .replace("^projects/", f"^{re.escape(folder)}/")
        .replace('"projects/**"', f'"{folder}/**"')
        for target, source in SCAFFOLD.items()
    }
    files["kpictl.yaml"] = commented_defaults()
    files["schema/project.schema.json"] = schema_text(config)
    depth = "../" * len(PurePosixPath(folder).parts)
    files[f"{folder}/example-project.yaml"] = render_project(
        "example-project",
        config,
        name="Example project",
        team="platform",
        owner="owner@example.com",
        schema=f"{depth}schema/project.schema.json",
    )
    return files


def init_repository(root: Path, *, force: bool = False) -> list[Written]:
    results = []
    for relative, text in sorted(scaffold(root).items()):
        target = root / relative
        if target.exists():
            current = target.read_text(encoding="utf-8", errors="replace")
            if current == text:
                results.append(Written(relative, "unchanged"))
                continue
            if not force:
                results.append(Written(relative, "kept"))
                continue
            action = "overwritten"
        else:
            action = "created"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        results.append(Written(relative, action))
    return results
