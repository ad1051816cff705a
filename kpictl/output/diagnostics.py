"""Reporters: each turns a result into text for people or for machines, and prints nothing else."""

from __future__ import annotations

from kpictl.output.jsontext import json_text
from kpictl.project.validate import ValidationResult
from kpictl.yamlfile import Diagnostic


def escape_data(text: str) -> str:
    # As GitHub's workflow-command parser expects (actions/toolkit, command.ts).
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github_annotation(d: Diagnostic) -> str:
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


def summary_line(result: ValidationResult) -> str:
    files = len(result.files)
    noun = "file" if files == 1 else "files"
    if not result.diagnostics:
        return f"{files} project {noun} valid"
    return (
        f"{result.errors} error{'s' if result.errors != 1 else ''}, "
        f"{result.warnings} warning{'s' if result.warnings != 1 else ''} in {files} project {noun}"
    )


def format_diagnostics(result: ValidationResult, fmt: str) -> str:
    if fmt == "json":
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
    if fmt == "github":
        return "".join(github_annotation(d) + "\n" for d in result.diagnostics)
    return "".join(f"{d}\n" for d in result.diagnostics)
