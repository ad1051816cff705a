"""Which project files `kpictl validate PATHS` checks, and the check itself: what pre-commit
passes (changed files, folders, kpictl.yaml or the schema) made into the files to validate."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from kpictl.config import CONFIG_FILE, Config
from kpictl.errors import KpictlError
from kpictl.project.schema import SCHEMA_FILE, stale_schema
from kpictl.project.validate import ValidationResult, discover, validate_files


def changes_configuration(config: Config, paths: Sequence[Path]) -> bool:
    """Whether ``paths`` include kpictl.yaml or the schema file."""
    configuration = {(config.root / name).resolve() for name in (CONFIG_FILE, SCHEMA_FILE)}
    return any(path.resolve() in configuration for path in paths)


def select_files(config: Config, paths: Sequence[Path], everything: Sequence[Path]) -> list[Path]:
    """The project files ``paths`` name: a file as given, a folder as the project files in
    it (of ``everything``, the repository's project files)."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            # A folder means the project files in it, not every YAML file (workflows...).
            folder = path.resolve()
            inside = [f for f in everything if f.resolve().is_relative_to(folder)]
            if not inside and not folder.is_relative_to(config.projects_path.resolve()):
                raise KpictlError(
                    f"{path} holds no project files; they live under {config.projects_dir}/ "
                    "(give that folder, or the files)"
                )
            files.extend(inside)
        else:
            files.append(path)
    return files


def validate_paths(config: Config, paths: Sequence[Path]) -> ValidationResult:
    """`kpictl validate PATHS`: the files PATHS select, with ids still checked against the
    rest of the repository; every project file when there are no PATHS or they include the
    configuration; and the schema file against the configuration."""
    everything = discover(config)
    changed_configuration = changes_configuration(config, paths)
    if changed_configuration:
        paths = ()  # a new configuration applies to every project file
    if paths:
        result = validate_files(select_files(config, paths, everything), config, others=everything)
    else:
        if not config.projects_path.is_dir():
            raise KpictlError(
                f"there is no {config.projects_dir}/ folder in {config.root}; create one with "
                "`kpictl new ID`, or pass the files to check"
            )
        result = validate_files(everything, config)
    stale = stale_schema(config, error=changed_configuration)
    if stale is not None:
        result.diagnostics.append(stale)
    return result
