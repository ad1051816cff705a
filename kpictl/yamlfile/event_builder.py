"""Plain data and the position of every key and value, built from YAML parser events.

Nothing YAML can express beyond JSON gets through: duplicate keys, anchors, aliases, merge
keys, tags and several documents are LoadErrors at their line, and nesting depth is bounded.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.events import (
    AliasEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
)

from kpictl.yamlfile.document import Document, LoadError, PathKey
from kpictl.yamlfile.positions import Places, Position
from kpictl.yamlfile.scalars import ScalarError, resolve_plain

MAX_DEPTH = 32

# libyaml's parser when it is installed: the same events, several times faster.
_PARSER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_STR_TAG = "tag:yaml.org,2002:str"


@dataclass(slots=True)
class _Frame:
    """An open mapping or list: where it is, and for a mapping the key waiting for its value
    and the line each of its keys was first written on."""

    container: dict[str, Any] | list[Any]
    path: PathKey
    key: str | None = None
    seen: dict[str, int] = field(default_factory=dict)

    @property
    def wants_key(self) -> bool:
        return self.key is None and isinstance(self.container, dict)


class DocumentBuilder:
    """Builds plain data and source positions from parser events, one method per event kind."""

    def __init__(self, path: str, text: str) -> None:
        self.text = text
        self.mark = Places(text)
        self.doc = Document(path=path, data={})
        self.stack: list[_Frame] = []
        self.root: Any = None
        self.have_root = False
        self.documents = 0

    def _steps(self) -> dict[type, Callable[[Any], None]]:
        return {
            DocumentStartEvent: self._document_start,
            AliasEvent: self._alias,
            ScalarEvent: self._scalar,
            MappingStartEvent: self._collection_start,
            SequenceStartEvent: self._collection_start,
            MappingEndEvent: self._collection_end,
            SequenceEndEvent: self._collection_end,
        }

    def build(self) -> Document:
        steps = self._steps()
        for event in yaml.parse(self.text, Loader=_PARSER):
            step = steps.get(type(event))
            if step is not None:
                step(event)
        return self._finish()

    def top_level_value(self, key: str) -> Any:
        """The value of ``key`` in the top-level mapping, read by the same parse as ``build``
        but stopping once it is known: what a full load gives whenever the whole file loads.
        None when the file has no such key; a LoadError or YAMLError when the file breaks
        before it."""
        steps = self._steps()
        for event in yaml.parse(self.text, Loader=_PARSER):
            step = steps.get(type(event))
            if step is None:
                continue
            step(event)
            if len(self.stack) == 1:
                root = self.stack[0].container
                if isinstance(root, dict) and key in root:
                    return root[key]
        return None

    def _document_start(self, event: Any) -> None:
        self.documents += 1
        if self.documents > 1:
            raise LoadError(
                "the file holds more than one YAML document; keep one project per file "
                "and remove the `---` separator",
                *self.mark(event.start_mark),
                "multiple-documents",
            )

    def _alias(self, event: Any) -> None:
        raise LoadError(
            "anchors (&name) and aliases (*name) are not allowed; write the value out in full",
            *self.mark(event.start_mark),
            "anchor",
        )

    def _collection_end(self, event: Any) -> None:
        self.stack.pop()

    def _scalar(self, event: Any) -> None:
        self._refuse_anchor_and_tag(event, scalar=True)
        if self.stack and self.stack[-1].wants_key:
            self._key(self.stack[-1], event)
            return
        line, col = self.mark(event.start_mark)
        path = self._child_path()
        self.doc.values[path] = Position(line, col)
        value: Any = event.value
        if not event.style and event.implicit[0] and event.tag is None:
            self.doc.plain.add(path)
            try:
                value = resolve_plain(event.value)
            except ScalarError as exc:
                raise LoadError(str(exc), line, col, exc.code) from None
        self._attach(value)

    def _collection_start(self, event: Any) -> None:
        self._refuse_anchor_and_tag(event, scalar=False)
        line, col = self.mark(event.start_mark)
        if self.stack and self.stack[-1].wants_key:
            raise LoadError(
                "a mapping key must be a plain word, not a list or mapping",
                line,
                col,
                "complex-key",
            )
        path = self._child_path()
        self.doc.values[path] = Position(line, col)
        value: dict[str, Any] | list[Any] = {} if type(event) is MappingStartEvent else []
        if event.flow_style:
            self.doc.flow.add(path)
        if len(self.stack) >= MAX_DEPTH:
            raise LoadError(
                f"the document is nested more than {MAX_DEPTH} levels deep; "
                "a project file needs only a few levels",
                line,
                col,
                "too-deep",
            )
        self._attach(value)
        self.stack.append(_Frame(value, path))

    def _refuse_anchor_and_tag(self, event: Any, *, scalar: bool) -> None:
        if event.anchor is not None:
            self._alias(event)
        tag = event.tag
        if tag is not None and tag != "!" and not (scalar and tag == _STR_TAG):
            raise LoadError(
                f"the tag {tag.replace('tag:yaml.org,2002:', '!!')} is not allowed; "
                "remove it (quote the value if it must stay text)",
                *self.mark(event.start_mark),
                "tag",
            )

    def _key(self, frame: _Frame, event: Any) -> None:
        line, col = self.mark(event.start_mark)
        key = event.value
        if key.startswith("\xa0") and not event.style:
            raise LoadError(
                "this line is indented with a non-breaking space (U+00A0), often pasted from a "
                "web page or a chat, so it is read as part of the key; indent with plain spaces",
                line,
                col,
                "yaml-syntax",
            )
        if key == "<<" and not event.style:
            raise LoadError(
                "merge keys (<<) are not allowed; write the keys out in full",
                line,
                col,
                "merge-key",
            )
        if key in frame.seen:
            raise LoadError(
                f'the key "{key}" appears twice in this mapping (first at line '
                f"{frame.seen[key]}); remove one of them",
                line,
                col,
                "duplicate-key",
            )
        frame.seen[key] = line
        frame.key = key
        key_path: PathKey = (*frame.path, key)
        self.doc.keys[key_path] = Position(line, col)

    def _child_path(self) -> PathKey:
        """The path of the value the next event starts."""
        if not self.stack:
            return ()
        frame = self.stack[-1]
        if isinstance(frame.container, dict):
            assert frame.key is not None  # a mapping's value follows its key
            return (*frame.path, frame.key)
        return (*frame.path, len(frame.container))

    def _attach(self, value: Any) -> None:
        """Put a value into the open collection, or make it the root."""
        if not self.stack:
            self.root, self.have_root = value, True
            return
        frame = self.stack[-1]
        if isinstance(frame.container, dict):
            assert frame.key is not None
            frame.container[frame.key] = value
            frame.key = None
        else:
            frame.container.append(value)

    def _finish(self) -> Document:
        if not self.have_root:
            raise LoadError(
                "the file is empty; a project file starts with `schema_version: 1` and `id:`",
                1,
                1,
                "empty-file",
            )
        if not isinstance(self.root, dict):
            where = self.doc.values[()]
            raise LoadError(
                "the top level must be a mapping of keys such as `id:` and `name:`, "
                f"not {_kind_of(self.root)}",
                where.line,
                where.col,
                "not-a-mapping",
            )
        self.doc.data = self.root
        return self.doc


def build_document(text: str, path: str) -> Document:
    return DocumentBuilder(path, text).build()


def _kind_of(value: Any) -> str:
    if value is None:
        return "an empty value"
    if isinstance(value, list):
        return "a list"
    return f"a single value ({value!r})"
