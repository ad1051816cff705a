"""Project files → diagnostics: the JSON Schema, then the rules a schema cannot say."""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from kpictl.config import Config
from kpictl.config.definitions import MILESTONE_STATUSES
from kpictl.printable import is_printable, printable
from kpictl.project import configured_rules, rules
from kpictl.project.schema import (
    CURRENCY,
    DATE,
    EMAIL,
    LINK_URL,
    project_schema,
    reserved_id_problem,
)
from kpictl.yamlfile import (
    ERROR,
    MAX_BYTES,
    YAML11_BOOLEANS,
    Diagnostic,
    Document,
    DocumentBuilder,
    LoadError,
    PathKey,
    decode,
    load_file,
    read_regular_file,
)
from kpictl.yamlfile.fastschema import compile_parts, picked_branches
from kpictl.yamlfile.wording import TYPE_NAMES, did_you_mean, field_name, show

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator, ValidationError

PROJECT_SUFFIXES = (".yaml", ".yml")

_PATTERN_HINTS = {
    CURRENCY: "an ISO 4217 code in capitals, such as USD or EUR",
    DATE: "an ISO 8601 date such as 2024-03-05, or a date and time with an offset "
    "such as 2024-03-05T14:30:00+01:00",
    LINK_URL: "a link starting with https://, http:// or mailto:",
    EMAIL: "an email address such as name@example.com",
}
_SLUG_HINT = "lowercase letters, digits and single hyphens, such as support-assistant"


@dataclass
class ValidationResult:
    files: list[str] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    documents: list[Document] = field(default_factory=list)  # the files without errors

    @property
    def errors(self) -> int:
        return sum(1 for d in self.diagnostics if d.is_error)

    @property
    def warnings(self) -> int:
        return len(self.diagnostics) - self.errors


def is_project_path(path: str) -> bool:
    """Whether a path (with "/" separators) names a project file: a YAML file outside hidden
    folders (.drafts/), for validate and history alike."""
    folders = path.split("/")[:-1]
    return path.endswith(PROJECT_SUFFIXES) and not any(part.startswith(".") for part in folders)


def discover(config: Config) -> list[Path]:
    """Every project file under the projects folder, in a stable order."""
    base = config.projects_path
    if not base.is_dir():
        return []
    found: list[Path] = []
    for folder, dirs, names in os.walk(base):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        found.extend(Path(folder) / n for n in names if n.endswith(PROJECT_SUFFIXES))
    return sorted(found)


def display_path(file: Path, root: Path) -> str:
    """The path to show: relative to the KPI root when inside it, with a byte that is not UTF-8
    or a control character shown as an escape (\\xff)."""
    try:
        return printable(_located(file).relative_to(_real_folder(root)).as_posix())
    except ValueError:
        return printable(file.as_posix())


def _unsafe_name(file: Path, path: str, doc: Document | None) -> Diagnostic | None:
    """A file name that cannot be shown as it is: bytes that are not UTF-8, control characters."""
    name = file.name
    if is_printable(name):
        return None
    project_id = doc.data.get("id") if doc is not None else None
    fix = (
        f"rename it to {project_id}.yaml"
        if configured_rules.valid_id(project_id)
        else "rename it after the project id (lowercase letters, digits and hyphens)"
    )
    what = "bytes that are not UTF-8" if _UNDECODED.search(name) else "control characters"
    return Diagnostic(
        path,
        1,
        1,
        ERROR,
        "file-name",
        f"the file name holds {what} (shown as escapes such as \\xff), so it cannot be shown "
        f"or published as it is; {fix}",
    )


_UNDECODED = re.compile("[\udc80-\udcff]")


class ProjectValidator:
    """Checks one loaded project document by the validity policy (see ``rules``); build once,
    use for many files.

    With the configuration: what `kpictl validate` checks, the content rules against the
    organisation's catalog, then the configured rules. With None: the content rules alone, with
    milestone and environment names left open, which is what history checks every revision by.
    """

    def __init__(self, config: Config | None) -> None:
        self.config = config
        self._schema_data = project_schema(config)
        self._explainer: Draft202012Validator | None = None
        self.is_valid, self.part_is_valid = compile_parts(self._schema_data)

    def _explain(self, doc: Document) -> tuple[list[Diagnostic], set[PathKey]]:
        """What is wrong with an invalid file, and the paths of the values the schema refused.
        jsonschema (slow to import and to run) only then."""
        if self._explainer is None:
            from jsonschema import Draft202012Validator

            self._explainer = Draft202012Validator(self._schema_data)
        found: list[Diagnostic] = []
        refused: set[PathKey] = set()
        for error in picked_branches(self._explainer.iter_errors(doc.data)):
            found.extend(self._describe(error, doc))
            refused.update(_refused(error))
        return found, refused

    def check(self, doc: Document) -> list[Diagnostic]:
        found, refused = ([], set()) if self.is_valid(doc.data) else self._explain(doc)
        found.extend(rules.check_content(doc))
        if self.config is not None:
            now = datetime.now(timezone.utc)
            found.extend(configured_rules.check_configured(doc, self.config, now, refused))
        return list(dict.fromkeys(found))  # jsonschema repeats some errors once per cause

    def part_is_sound(self, key: str, value: Any) -> bool:
        """Whether ``value`` under the top-level ``key`` passes the schema and the content rules,
        so that a valid document changed only under that key stays valid; False when a full
        check is needed to tell (an x- key, an unknown key)."""
        part = self.part_is_valid.get(key)
        return part is not None and part(value) and rules.content_is_sound(key, value)

    def _describe(self, error: ValidationError, doc: Document) -> Iterator[Diagnostic]:
        where: PathKey = tuple(error.absolute_path)
        kind = error.validator
        if "propertyNames" in error.absolute_schema_path:
            yield self._unknown_name(doc, where, str(error.instance))
            return
        if kind == "additionalProperties":
            allowed = set(error.schema.get("properties", {}))
            for key in error.instance:
                if key not in allowed and not key.startswith("x-"):
                    yield self._unknown_key(doc, where, key, sorted(allowed))
            return
        if kind == "required":
            unknown = [k for k in error.instance if k not in error.schema.get("properties", {})]
            for key in error.validator_value:
                # A misspelt key is reported once, as unknown with "did you mean".
                if key not in error.instance and not difflib.get_close_matches(
                    key, unknown, 1, 0.6
                ):
                    pos = doc.position(where, key=True) if where else doc.position(())
                    yield Diagnostic(
                        doc.path,
                        pos.line,
                        pos.col,
                        ERROR,
                        "missing-key",
                        f'{field_name(where)} needs the key "{key}"; add `{key}:` with its value',
                    )
            return
        pos = doc.position(where)
        if _is_status(error):
            yield Diagnostic(
                doc.path, pos.line, pos.col, ERROR, "invalid-value", _status_message(error, where)
            )
            return
        yield Diagnostic(
            doc.path, pos.line, pos.col, ERROR, _code(kind), self._message(error, doc, where)
        )

    def _message(self, error: ValidationError, doc: Document, where: PathKey) -> str:
        value = error.instance
        kind = error.validator
        name = field_name(where)
        if kind == "enum":
            choices = ", ".join(str(c) for c in error.validator_value)
            message = f"{name} is {show(value)}, which is not one of: {choices}"
            if where in doc.plain and isinstance(value, str) and value in YAML11_BOOLEANS:
                message += (
                    f"; an unquoted {value} is read as a boolean by YAML 1.1 tools, "
                    "so write one of the words above"
                )
            else:
                message += did_you_mean(value, error.validator_value)
            return message
        if kind == "const":
            if where == ("schema_version",) and isinstance(value, int) and value > 1:
                return (
                    f"schema_version {value} is newer than this kpictl understands (1); "
                    "upgrade kpictl"
                )
            return f"{name} must be {show(error.validator_value)}, not {show(value)}"
        if kind == "type":
            wanted = error.validator_value
            wanted_names = [wanted] if isinstance(wanted, str) else list(wanted)
            message = (
                f"{name} must be {' or '.join(TYPE_NAMES.get(w, w) for w in wanted_names)}, "
                f"not {show(value)}"
            )
            if "string" in wanted_names and where in doc.plain and value is not None:
                message += '; put the value in quotes, for example "1.10"'
            elif value is None:
                message += "; the value is missing after the colon"
            return message
        if kind == "pattern":
            pattern = error.validator_value
            # Never the regular expression itself: a person reads this.
            hint = _PATTERN_HINTS.get(pattern) or (
                _SLUG_HINT if "a-z0-9" in pattern else "of the form the schema describes"
            )
            return f"{name} is {show(value)}; it must be {hint}"
        if kind == "not" and where == ("id",):
            return f"id {reserved_id_problem(value)}"
        if kind == "not":
            return f"{name} is {show(value)}, which is not allowed here"
        if kind == "format":
            return f"{name} is {show(value)}, which is not a valid {error.validator_value}"
        if kind == "maximum":
            return f"{name} is {show(value)}; it must be at most {error.validator_value:,g}"
        if kind in ("minimum", "exclusiveMinimum"):
            return f"{name} is {show(value)}; it must be at least {error.validator_value}"
        if kind == "minLength":
            return f"{name} is empty; write a value"
        if kind == "maxLength":
            return f"{name} is longer than {error.validator_value} characters; shorten it"
        if kind == "uniqueItems":
            return f"{name} lists the same value twice; remove the repeat"
        return f"{name}: {error.message}"

    def _unknown_key(
        self, doc: Document, where: PathKey, key: str, allowed: list[str]
    ) -> Diagnostic:
        pos = doc.position((*where, key), key=True)
        return Diagnostic(
            doc.path,
            pos.line,
            pos.col,
            ERROR,
            "unknown-key",
            f'unknown key "{key}" in {field_name(where)}{did_you_mean(key, allowed)}; '
            f"allowed keys: {', '.join(allowed)} (keys of your own must start with x-)",
        )

    def _unknown_name(self, doc: Document, where: PathKey, name: str) -> Diagnostic:
        pos = doc.position((*where, name), key=True)
        what = _CATALOG_SECTIONS.get(where)
        if what is None or self.config is None:  # a name of the wrong shape
            subject = f'the {what} "{name}"' if what else f'"{name}" in {field_name(where)}'
            return Diagnostic(
                doc.path,
                pos.line,
                pos.col,
                ERROR,
                "invalid-key",
                f"{subject} must be {_NAME_HINTS[what]}",
            )
        known = self.config.milestone_ids if what == "milestone" else self.config.environments
        return Diagnostic(
            doc.path,
            pos.line,
            pos.col,
            ERROR,
            f"unknown-{what}",
            f'unknown {what} "{name}"{did_you_mean(name, known)}; known {what}s: '
            f"{', '.join(known)} (an organisation adds its own in kpictl.yaml)",
        )


_CATALOG_SECTIONS: dict[PathKey, str] = {
    ("milestones",): "milestone",
    ("environments",): "environment",
}
_NAME_HINTS = {
    "milestone": "a lowercase letter, then lowercase letters, digits and underscores, "
    "such as legal_review",
    "environment": "lowercase letters, digits and single hyphens, such as staging",
    None: "lowercase letters, digits and underscores, such as product_owner",
}


def _is_status(error: ValidationError) -> bool:
    """A milestone or environment written as neither a status word nor a mapping (`[done]`,
    `1`, nothing): the schema's anyOf "a status, or a mapping with one" left unpicked."""
    branches = error.validator_value if error.validator == "anyOf" else []
    return any(isinstance(b, dict) and b.get("$ref") == "#/$defs/status" for b in branches)


def _status_message(error: ValidationError, where: PathKey) -> str:
    value = error.instance
    missing = "; the value is missing after the colon" if value is None else ""
    return (
        f"{field_name(where)} is {show(value)}, which is not one of: "
        f"{', '.join(MILESTONE_STATUSES)}{missing}; write one of those words, or a mapping "
        "with status: (and date: or note:)"
    )


def _refused(error: ValidationError) -> Iterator[PathKey]:
    """The paths of the values ``error`` refuses: an unknown or misshapen key's own, the
    incomplete mapping's for a missing key (none at the top level), else the value's."""
    where: PathKey = tuple(error.absolute_path)
    if "propertyNames" in error.absolute_schema_path:
        yield (*where, str(error.instance))
    elif error.validator == "additionalProperties":
        allowed = error.schema.get("properties", {})
        unknown = (k for k in error.instance if k not in allowed and not k.startswith("x-"))
        yield from ((*where, key) for key in unknown)
    elif error.validator != "required" or where:
        yield where


def _code(kind: str) -> str:
    return {
        "enum": "invalid-value",
        "const": "invalid-value",
        "type": "wrong-type",
        "pattern": "invalid-format",
        "format": "invalid-format",
    }.get(kind, "invalid-value")


def declared_id(file: Path) -> str | None:
    """The id of a file that was not asked about, as a full load gives it, read only as far as
    the id (None when the file cannot be read or does not load up to it)."""
    try:
        raw = read_regular_file(file)
    except LoadError:
        return None
    return top_level_id(raw)


def top_level_id(raw: bytes) -> str | None:
    """The top-level ``id`` of a project file's bytes, as a full load would give it (None when
    it is not text, or the file does not load up to it), read only as far as the id: the cheap
    way to know the ids of files that are not being validated."""
    try:
        if len(raw) > MAX_BYTES:
            return None
        value = DocumentBuilder("", decode(raw)).top_level_value("id")
    except (LoadError, yaml.YAMLError):
        return None
    return value if isinstance(value, str) else None


@lru_cache(maxsize=1024)
def _real_folder(folder: Path) -> Path:
    return folder.resolve()  # once per folder, not once per file: pre-commit passes thousands


def _located(file: Path) -> Path:
    """Where ``file`` is, without following it if it is a symbolic link (it is reported as
    one, under its own name)."""
    return _real_folder(file.parent) / file.name


def validate_files(
    files: Iterable[Path], config: Config, *, others: Iterable[Path] = ()
) -> ValidationResult:
    """Validate ``files``; their ids are also checked against ``others`` (the rest of the
    repository's project files, which pre-commit does not pass when they did not change)."""
    _real_folder.cache_clear()  # folders are looked up again in each run
    result = ValidationResult()
    validator = ProjectValidator(config)
    loaded: list[tuple[Document, list[Diagnostic]]] = []
    seen: set[Path] = set()
    for file in files:
        if _located(file) in seen:
            continue
        seen.add(_located(file))
        path = display_path(file, config.root)
        result.files.append(path)
        doc, problems = load_file(file, path)
        unsafe = _unsafe_name(file, path, doc)
        if unsafe is not None:
            problems.append(unsafe)
        if doc is None:
            result.diagnostics.extend(problems)
        else:
            found = validator.check(doc)
            if unsafe is not None:  # the one finding about its name
                found = [d for d in found if d.code != "file-name"] + [unsafe]
            loaded.append((doc, found))
    elsewhere: dict[str, list[str]] = {}
    for file in others:
        if _located(file) not in seen:
            other_id = declared_id(file)
            if other_id is not None:
                elsewhere.setdefault(other_id, []).append(display_path(file, config.root))
    by_id = elsewhere
    for doc, _ in loaded:
        if isinstance(doc.data.get("id"), str):
            by_id.setdefault(doc.data["id"], []).append(doc.path)
    for doc, found in loaded:
        found.extend(configured_rules.check_unique_id(doc, by_id))
        result.diagnostics.extend(found)
        if not any(d.is_error for d in found):
            result.documents.append(doc)
    result.diagnostics.sort()
    return result
