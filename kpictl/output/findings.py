"""`kpictl validate`'s findings for people (text), machines (JSON) and GitHub (annotations)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

from kpictl.errors import Finding
from kpictl.output.jsontext import json_text
from kpictl.project.validate import ValidationResult

FindingsFormat = Literal["text", "json", "github"]


def escape_data(text: str) -> str:
    # As GitHub's workflow-command parser expects (actions/toolkit, command.ts).
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github_annotation(d: Finding) -> str:
    properties = ",".join(
        f"{name}={escape_property(value)}"
        for name, value in (
            ("file", d.path),
            ("line", str(d.line)),
            ("col", str(d.col)),
            ("title", f"kpictl {d.code}"),
        )
    )
    return f"::{d.severity} {properties}::{escape_data(d.message)}"


def github_error(message: str, title: str) -> str:
    """An error with no place in a file, as a workflow annotation."""
    return f"::error title={escape_property(title)}::{escape_data(message)}"


def summary_line(result: ValidationResult) -> str:
    files = len(result.files)
    noun = "file" if files == 1 else "files"
    if not result.diagnostics:
        return f"{files} project {noun} valid"
    return (
        f"{result.errors} error{'s' if result.errors != 1 else ''}, "
        f"{result.warnings} warning{'s' if result.warnings != 1 else ''} in {files} project {noun}"
    )


def findings_text(result: ValidationResult) -> str:
    return "".join(f"{d}\n" for d in result.diagnostics)


def findings_json(result: ValidationResult) -> str:
    payload = {
        "valid": result.errors == 0,
        "files": result.files,
        "errors": result.errors,
        "warnings": result.warnings,
        "diagnostics": [
            {
                "path": d.path,
                "line": d.line,
                "col": d.col,
                "severity": d.severity,
                "code": d.code,
                "message": d.message,
            }
            for d in result.diagnostics
        ],
    }
    return json_text(payload) + "\n"


def findings_github(result: ValidationResult) -> str:
    return "".join(github_annotation(d) + "\n" for d in result.diagnostics)


FINDINGS_FORMATS: dict[FindingsFormat, Callable[[ValidationResult], str]] = {
    "text": findings_text,
    "json": findings_json,
    "github": findings_github,
}
