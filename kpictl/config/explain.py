"""kpictl.yaml's mistakes as findings at their line and column, worded like a project file's.

Only called when the fast check has already said no, so jsonschema is imported only then.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kpictl.config.schema import MAX_RATE, MIN_RATE
from kpictl.errors import KpictlError
from kpictl.printable import printable
from kpictl.yamlfile import ERROR, Diagnostic, Document, PathKey, file_kind
from kpictl.yamlfile.wording import TYPE_NAMES, did_you_mean, field_name, show

if TYPE_CHECKING:
    from jsonschema import ValidationError

_PATTERNS = {
    "^[A-Z]{3}$": "a currency code in capitals, such as USD or EUR",
    "^https?://[^\\s]+$": "a web address starting with https://",
}
_SLUG = "lowercase letters, digits and single hyphens, such as uat"
_ID = "lowercase letters, digits and underscores, starting with a letter, such as legal_review"


class ConfigError(KpictlError):
    """kpictl.yaml is invalid; each finding has its line and column (exit 2)."""

    def __init__(
        self,
        diagnostics: list[Diagnostic],
        fix: str = "; see the commented defaults `kpictl init` writes",
    ) -> None:
        self.diagnostics = diagnostics
        super().__init__("; ".join(str(d) for d in diagnostics) + fix)


_REMOVE = "or remove it to use the built-in defaults"
_CANNOT_READ = "cannot read the file: "  # the loader's words, before the system's reason


def unusable(problem: Diagnostic, shown: str) -> ConfigError:
    """kpictl.yaml (named ``shown``) could not be loaded: a file that is not one (a FIFO, a
    folder, a device, a symbolic link), too large, unreadable, or not YAML. Never the defaults
    in its place."""
    where = printable(shown)
    path = Path(shown)
    message = {
        "symlink": f"this is a symbolic link ({where}); git keeps the link, not the file it "
        "points to, so each clone would read another configuration: put the file itself here, "
        f"{_REMOVE}",
        "not-a-file": f"this is {_kind(path)} ({where}), not a regular file, so kpictl cannot "
        f"read its configuration from it: put the file itself here, {_REMOVE}",
        "too-large": f"this file ({where}) is over the limit of 1 MiB; a kpictl.yaml is a few "
        "kilobytes, so check what was pasted into it",
        "unreadable": f"cannot read {where}: {problem.message.removeprefix(_CANNOT_READ)}; "
        f"make it readable, {_REMOVE}",
    }.get(problem.code)
    if message is None:  # not YAML: the loader's finding says where and what
        return ConfigError([problem], "")
    return ConfigError([replace(problem, message=message)], "")


def _kind(path: Path) -> str:
    try:
        return file_kind(os.lstat(path).st_mode)
    except OSError:  # gone since
        return "a special file"


def explain(doc: Document, schema: dict[str, Any]) -> ConfigError:
    """Every reason ``doc`` does not fit ``schema``, as findings; the first of each place."""
    from jsonschema import Draft202012Validator

    found: list[Diagnostic] = []
    for error in Draft202012Validator(schema).iter_errors(doc.data):
        found.extend(_describe(error, doc))
    unique = sorted(dict.fromkeys(found), key=lambda d: (d.line, d.col))
    return ConfigError(unique or [_at(doc, (), "invalid-value", "kpictl.yaml is not valid")])


def _at(doc: Document, where: PathKey, code: str, message: str, *, key: bool = False) -> Diagnostic:
    pos = doc.position(where, key=key)
    return Diagnostic(doc.path, pos.line, pos.col, ERROR, code, message)


def _describe(error: ValidationError, doc: Document) -> Iterator[Diagnostic]:
    where: PathKey = tuple(error.absolute_path)
    name, value, kind = field_name(where), error.instance, error.validator
    if kind == "additionalProperties":
        allowed = sorted(error.schema.get("properties", {}))
        for key in value:
            if key not in allowed and not str(key).startswith("x-"):
                yield _at(
                    doc,
                    (*where, key),
                    "unknown-key",
                    f'unknown key "{key}" in {name}{did_you_mean(key, allowed)}; allowed keys: '
                    f"{', '.join(allowed)} (keys of your own start with x-)",
                    key=True,
                )
        return
    if "propertyNames" in error.absolute_schema_path:
        yield _at(
            doc,
            (*where, value),
            "invalid-key",
            f'"{value}" in {name} must be a currency code in capitals, such as EUR',
            key=True,
        )
        return
    if kind == "required":
        for key in error.validator_value:
            if key not in value:
                yield _at(doc, where, "missing-key", f'{name} needs "{key}"; add `{key}:`')
        return
    yield _at(doc, where, _CODES.get(kind, "invalid-value"), _message(error, where, value))


_CODES = {"type": "wrong-type", "pattern": "invalid-format", "enum": "invalid-value"}


def _message(error: ValidationError, where: PathKey, value: Any) -> str:
    kind, wanted, name = error.validator, error.validator_value, field_name(where)
    if kind == "type":
        types = [wanted] if isinstance(wanted, str) else list(wanted)
        return (
            f"{name} must be {' or '.join(TYPE_NAMES.get(t, t) for t in types)}, not {show(value)}"
        )
    if kind == "enum":
        choices = [str(c) for c in wanted]
        return (
            f"{name} is {show(value)}, which is not one of: {', '.join(choices)}"
            f"{did_you_mean(value, choices)}"
        )
    if kind == "pattern":
        hint = _PATTERNS.get(str(wanted).replace("(?!\\n)", "")) or (
            _ID if "_" in str(wanted) else _SLUG
        )
        return f"{name} is {show(value)}; it must be {hint}"
    if where[:2] == ("currency", "rates") and kind in ("minimum", "maximum"):
        code = where[-1]
        return (
            f"{name} is {show(value)}, outside the rates kpictl takes ({MIN_RATE:.9f} to "
            f"{MAX_RATE:,.0f}); a rate is how many units of the reporting currency one {code} is "
            "worth, so write the real rate"
        )
    if kind in ("minimum", "exclusiveMinimum"):
        more = "more than" if kind == "exclusiveMinimum" else "at least"
        return f"{name} is {show(value)}; it must be {more} {wanted:g}"
    if kind == "maximum":
        return f"{name} is {show(value)}; it must be at most {wanted:g}"
    if kind == "minLength":
        return f"{name} is empty; write a value"
    if kind == "minItems":
        return f"{name} is empty; list at least {wanted}"
    if kind == "uniqueItems":
        return f"{name} lists the same value twice; remove the repeat"
    return f"{name} is {show(value)}, which kpictl cannot use here"


# git's modes of a tree entry that is not a file (100644 and 100755 are files).
_COMMITTED_KINDS = {"120000": "a symbolic link", "040000": "a folder", "160000": "a submodule"}


def not_a_committed_file(mode: str) -> ConfigError | None:
    """The error for a kpictl.yaml committed as something other than a file, or None."""
    if mode in ("100644", "100755"):
        return None
    kind = _COMMITTED_KINDS.get(mode.zfill(6), f"a tree entry of mode {mode}")
    return ConfigError(
        [
            Diagnostic(
                "kpictl.yaml",
                1,
                1,
                ERROR,
                "not-a-file",
                f"kpictl.yaml is committed as {kind}, not a file, so kpictl cannot read its "
                "configuration from it: commit the file itself there, or remove it (git rm) "
                "to use the built-in defaults",
            )
        ],
        "",
    )
