"""A YAML syntax error as a finding at its line and column, with what usually causes it."""

from __future__ import annotations

import re
from typing import Any

import yaml

from kpictl.yamlfile.diagnostics import ERROR, Diagnostic
from kpictl.yamlfile.positions import LINE_BREAK, Places


def syntax_error(exc: yaml.MarkedYAMLError, text: str, path: str) -> Diagnostic:
    places = Places(text)
    lines = LINE_BREAK.split(text)

    def where(mark: Any) -> tuple[int, int]:
        line, col = places(mark)
        if line > len(lines):  # libyaml's end of the stream, after a last line with no break
            return len(lines), len(lines[-1]) + 1
        return line, col

    mark = exc.problem_mark or exc.context_mark
    line, col = where(mark) if mark else (1, 1)
    problem = exc.problem or "the file is not valid YAML"
    if "nesting depth" in problem:
        return Diagnostic(
            path,
            line,
            col,
            ERROR,
            "too-deep",
            "the document is nested too deeply; a project file needs only a few levels",
        )
    message = f"invalid YAML: {problem}"
    if exc.context and exc.context_mark:
        context_line, context_col = where(exc.context_mark)
        message += f" {exc.context} that starts at line {context_line}, column {context_col}"
    if mark is not None:
        message += hint(lines, line, col, problem)
    return Diagnostic(path, line, col, ERROR, "yaml-syntax", message)


_KEY_AND_VALUE = re.compile(r"(\s*(?:-\s+)?)([^\s:#'\"][^:#]*?):\s+([^\s'\"\[{].*?)\s*")


def hint(lines: list[str], line: int, col: int, problem: str) -> str:
    """What usually causes a syntax error on this line: a tab or a non-breaking space in the
    indentation, or a colon in a value that is not quoted."""
    here = lines[line - 1]
    before = lines[line - 2] if line >= 2 else ""
    for number, text in ((line, here), (line - 1, before)):
        indent = text[: len(text) - len(text.lstrip(" \t\xa0"))]
        if "\t" in indent or (number == line and "\t" in text[:col]):
            return "; indent with spaces, not tabs"
        if "\xa0" in indent:
            return (
                f"; line {number} is indented with a non-breaking space (U+00A0), often pasted "
                "from a web page or a chat; indent with plain spaces"
            )
    if "mapping values are not allowed" in problem:
        match = _KEY_AND_VALUE.fullmatch(here)
        if match and ": " in match[3]:
            value = match[3]
            quoted = '"' + value + '"' if '"' not in value else "'" + value.replace("'", "''") + "'"
            return (
                "; a value holding a colon and a space must be quoted: write "
                f"{match[1].lstrip()}{match[2]}: {quoted}"
            )
        return "; a value holding a colon and a space must be quoted"
    return ""
