"""Markdown that reads the same in a plain log as on GitHub.

User text is escaped only where Markdown or HTML would read it as markup (``\\_`` rather than an
entity for every punctuation mark), ids are code spans, and nothing user-typed can open a link,
an image, a tag or a table cell.
"""

from __future__ import annotations

from kpictl.printable import bidi_visible

_MARKUP = set("\\`*_[]|~")
_HTML = {"<": "&lt;", ">": "&gt;", "&": "&amp;"}


def md_text(text: str) -> str:
    """``text`` as Markdown shows it: markup characters escaped, line breaks and other control
    characters as spaces (a name cannot start a new line, list item or table row), and bidi
    overrides shown as ``\\u202e`` (they would reorder the text around them)."""
    out = []
    for ch in str(text):
        if (shown := bidi_visible(ch)) != ch:
            out.append("\\" + shown)  # the backslash escaped for Markdown
            continue
        if ch in _MARKUP:
            out.append("\\" + ch)
        elif ch in _HTML:
            out.append(_HTML[ch])
        elif ch < " " or ch == "\x7f" or "\x80" <= ch <= "\x9f" or ch in "\u2028\u2029":
            out.append(" ")
        else:
            out.append(ch)
    return "".join(out)


def code(text: str) -> str:
    """``text`` as a Markdown code span (shown as typed; a backtick inside gets a longer fence)."""
    clean = " ".join(str(text).split())
    fence = "``" if "`" in clean else "`"
    padding = " " if clean.startswith("`") or clean.endswith("`") else ""
    return f"{fence}{padding}{clean}{padding}{fence}"
