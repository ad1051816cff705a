"""The data warnings page: the build's warnings grouped by kind, then by project, each with a
link to the project's page and to the commit it names; code in the fix as code, not backticks;
times in the site's style.

The warnings are the history's and the KPI engine's sentences; this page only arranges them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from html import escape

from markupsafe import Markup

from kpictl.site.page_context import PageContext

# (kind, what the words of a warning say), checked in order; the first that matches names it.
KINDS = (
    ("Costs that do not convert", re.compile(r"costs in .* do not convert|cost KPIs")),
    ("Benefits that do not convert", re.compile(r"benefits in|value KPIs")),
    ("Files that did not validate", re.compile(r"did not validate|cannot be read")),
    ("Milestones or environments outside the catalog", re.compile(r"not in the catalog")),
    ("Commit times", re.compile(r"clock skew|committer time|author time")),
    ("Project ids used twice", re.compile(r"uses the id")),
)
OTHER = "Other warnings"
_PATH = re.compile(r"(?<![\w/.-])([\w./-]+\.ya?ml)\b")
_COMMIT = re.compile(r"\bcommit ([0-9a-f]{7,40})\b|\(([0-9a-f]{10}),")
_ISO = re.compile(r"\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z\b")
_CODE = re.compile(r"`([^`]+)`")


@dataclass
class Item:
    """One thing to fix, and the projects it is about (none: about no one project)."""

    projects: list[str]
    text: str
    sentence: Markup | None = None


@dataclass
class Group:
    kind: str
    items: list[Item] = field(default_factory=list)
    count: int = 0


def warnings_page(site: PageContext) -> str:
    by_path = {t.path: t.id for t in site.timelines.values()}
    groups: dict[str, Group] = {}
    # The same warning about several projects (a currency without a rate) is said once.
    said: dict[tuple[str, str], Item] = {}
    for text in site.warnings:
        kind = next((name for name, words in KINDS if words.search(text)), OTHER)
        path = next((p for p in _PATH.findall(text) if p in by_path), None)
        project = by_path[path] if path else ""
        shown = text.removeprefix(f"{path}: ") if path else text
        group = groups.setdefault(kind, Group(kind))
        group.count += 1
        key = (kind, shown.replace(path, "the project file") if path else shown)
        if project and key in said:
            said[key].projects.append(project)
            continue
        said[key] = Item([project] if project else [], shown)
        group.items.append(said[key])
    ordered = [groups[k] for k, _ in KINDS if k in groups] + (
        [groups[OTHER]] if OTHER in groups else []
    )
    for group in ordered:
        for item in group.items:
            item.projects.sort(key=lambda p: _order(site, p))
            if len(item.projects) > 1:
                item.text = item.text.replace("this project's", "each project's")
            item.sentence = _sentence(site, item.text)
        group.items.sort(key=lambda i: _order(site, i.projects[0] if i.projects else ""))
    return site.render("warnings.md.j2", "", groups=ordered)


def _order(site: PageContext, project: str) -> tuple[bool, str]:
    """Projects by name; the warnings about no one project last."""
    return project == "", site.names.get(project, project).lower()


def _sentence(site: PageContext, text: str) -> Markup:
    """A warning as HTML: commit ids linked, `code` as code, ISO times in the site's style."""
    shown = escape(text, quote=False)
    shown = _ISO.sub(lambda m: _time(site, m.group(0)), shown)
    shown = _CODE.sub(lambda m: f"<code>{m.group(1)}</code>", shown)

    def commit(match: re.Match[str]) -> str:
        sha = match.group(1) or match.group(2)
        link = str(site.commit(sha))
        return match.group(0).replace(sha, link, 1)

    return Markup(_COMMIT.sub(commit, shown))


def _time(site: PageContext, text: str) -> str:
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return text
    return site.times.when(int(moment.timestamp()))
