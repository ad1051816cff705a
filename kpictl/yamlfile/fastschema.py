"""A yes/no check of a JSON Schema (a project file's, kpictl.yaml's), compiled to closures:
~50 times faster than jsonschema.

Most files are valid, and reading history checks every revision ever landed, so the common case
must be cheap. This module compiles the subset of JSON Schema that kpictl's own schema uses into
plain Python functions that answer "valid?" only; when the answer is no, jsonschema runs to say
why (``picked_branches`` turns its errors from an anyOf into those of the branch that applies).
A keyword outside the subset is refused at compile time, so a constraint is never ignored
silently, and a property test keeps the two in agreement.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from jsonschema import ValidationError

Check = Callable[[Any], bool]

_IGNORED = {"$schema", "$defs", "title", "description", "$comment", "format", "default"}
_TYPES: dict[str, Check] = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "integer": lambda v: (
        (isinstance(v, int) and not isinstance(v, bool))
        or (isinstance(v, float) and v.is_integer())
    ),
}


class UnsupportedSchema(ValueError):
    pass


def _json_key(value: Any) -> Any:
    """A hashable stand-in with JSON equality: true is not 1, 1 is 1.0, order of keys is not."""
    if isinstance(value, bool):
        return ("bool", value)
    if isinstance(value, (int, float)):
        return ("number", value)
    if isinstance(value, list):
        return ("array", tuple(_json_key(v) for v in value))
    if isinstance(value, dict):
        return ("object", frozenset((k, _json_key(v)) for k, v in value.items()))
    return (type(value).__name__, value)


def compile_schema(schema: dict[str, Any]) -> Check:
    return compile_parts(schema)[0]


def compile_parts(schema: dict[str, Any]) -> tuple[Check, dict[str, Check]]:
    """The whole schema's check, and one per top-level property. When a valid document changes
    under one top-level key (and its keys stay the same), that key's check alone decides."""
    defs: dict[str, Check] = {}
    definitions = schema.get("$defs", {})

    def ref(target: str) -> Check:
        prefix = "#/$defs/"
        if not target.startswith(prefix) or target[len(prefix) :] not in definitions:
            raise UnsupportedSchema(f"unsupported $ref {target}")
        name = target[len(prefix) :]

        def check(value: Any) -> bool:
            if name not in defs:
                defs[name] = build(definitions[name])
            return defs[name](value)

        return check

    def build(node: Any) -> Check:
        if node is True or node == {}:
            return lambda v: True
        if node is False:
            return lambda v: False
        checks: list[Check] = []
        for key, arg in node.items():
            if key in _IGNORED or key in (
                "then",
                "else",
                "additionalProperties",
                "patternProperties",
            ):
                continue
            checks.append(keyword(key, arg, node))
        if "additionalProperties" in node or "patternProperties" in node:
            checks.append(object_extras(node))
        if len(checks) == 1:
            return checks[0]
        if len(checks) == 2:  # a status word's type and words: no generator per value
            first, second = checks
            return lambda v: first(v) and second(v)
        return lambda v: all(c(v) for c in checks)

    def object_extras(node: dict[str, Any]) -> Check:
        known = set(node.get("properties", {}))
        patterns = [(re.compile(p), build(s)) for p, s in node.get("patternProperties", {}).items()]
        extra = node.get("additionalProperties", True)
        extra_check = build(extra)

        def check(v: Any) -> bool:
            if not isinstance(v, dict):
                return True
            for k, item in v.items():
                matched = False
                for pattern, sub in patterns:
                    if pattern.search(k):
                        matched = True
                        if not sub(item):
                            return False
                if k not in known and not matched and not extra_check(item):
                    return False
            return True

        return check

    def keyword(key: str, arg: Any, node: dict[str, Any]) -> Check:
        if key == "$ref":
            return ref(arg)
        if key == "type":
            names = [arg] if isinstance(arg, str) else arg
            tests = [_TYPES[n] for n in names]
            return tests[0] if len(tests) == 1 else lambda v: any(t(v) for t in tests)
        if key == "enum":
            if all(isinstance(a, str) for a in arg):
                words = frozenset(arg)
                return lambda v: isinstance(v, str) and v in words
            allowed = {_json_key(a) for a in arg}
            return lambda v: _json_key(v) in allowed
        if key == "const":
            wanted = _json_key(arg)
            return lambda v: _json_key(v) == wanted
        if key == "pattern":
            regex = re.compile(arg)
            return lambda v: not isinstance(v, str) or regex.search(v) is not None
        if key == "minLength":
            return lambda v: not isinstance(v, str) or len(v) >= arg
        if key == "maxLength":
            return lambda v: not isinstance(v, str) or len(v) <= arg
        if key == "minimum":
            return lambda v: not _TYPES["number"](v) or v >= arg
        if key == "maximum":
            return lambda v: not _TYPES["number"](v) or v <= arg
        if key == "exclusiveMinimum":
            return lambda v: not _TYPES["number"](v) or v > arg
        if key == "minItems":
            return lambda v: not isinstance(v, list) or len(v) >= arg
        if key == "uniqueItems":
            if not arg:
                return lambda v: True
            return lambda v: not isinstance(v, list) or len({_json_key(i) for i in v}) == len(v)
        if key == "required":
            return lambda v: not isinstance(v, dict) or all(k in v for k in arg)
        if key == "properties":
            subs = {k: build(s) for k, s in arg.items()}
            return lambda v: (
                not isinstance(v, dict) or all(subs[k](item) for k, item in v.items() if k in subs)
            )
        if key == "propertyNames":
            sub = build(arg)
            return lambda v: not isinstance(v, dict) or all(sub(k) for k in v)
        if key == "items":
            sub = build(arg)
            return lambda v: not isinstance(v, list) or all(sub(i) for i in v)
        if key == "not":
            sub = build(arg)
            return lambda v: not sub(v)
        if key == "anyOf":
            branches = [build(s) for s in arg]
            if len(branches) == 2:  # a milestone: a status word, or the mapping
                word, mapping = branches
                return lambda v: word(v) or mapping(v)
            return lambda v: any(b(v) for b in branches)
        if key == "if":
            test = build(arg)
            then = build(node.get("then", True))
            otherwise = build(node.get("else", True))
            return lambda v: then(v) if test(v) else otherwise(v)
        raise UnsupportedSchema(f"unsupported keyword {key}")

    whole = build(schema)
    parts = {key: build(node) for key, node in schema.get("properties", {}).items()}
    return whole, parts


def picked_branches(errors: Iterable[ValidationError]) -> Iterator[ValidationError]:
    """jsonschema's errors, each from an anyOf replaced by the errors of the one branch whose
    ``type`` the value has (a milestone's status word, or its mapping), so that a finding
    explains that branch; the anyOf's own error stays when no branch, or several, fit."""
    for error in errors:
        if error.validator != "anyOf":
            yield error
            continue
        fits = [
            index
            for index, branch in enumerate(error.validator_value)
            if _has_type(error.instance, branch)
        ]
        if len(fits) != 1:
            yield error
            continue
        yield from picked_branches(e for e in error.context if e.relative_schema_path[0] == fits[0])


def _has_type(value: Any, branch: Any) -> bool:
    wanted = branch.get("type") if isinstance(branch, dict) else None
    if wanted is None:
        return True
    names = [wanted] if isinstance(wanted, str) else wanted
    return any(_TYPES[name](value) for name in names)
