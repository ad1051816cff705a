"""The compiled yes/no schema check agrees with jsonschema on valid and broken documents."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from kpictl.config import default_config
from kpictl.project.schema import project_schema
from kpictl.yamlfile import load_file
from kpictl.yamlfile.fastschema import UnsupportedSchema, compile_schema, picked_branches
from tests.conftest import REPO

SCHEMA = project_schema(default_config(Path.cwd()))
FAST = compile_schema(SCHEMA)
REFERENCE = Draft202012Validator(SCHEMA)
# History's schema: milestone and environment names left open to any of the right shape.
OPEN_SCHEMA = project_schema(None)
OPEN_FAST = compile_schema(OPEN_SCHEMA)
OPEN_REFERENCE = Draft202012Validator(OPEN_SCHEMA)
EXAMPLES = [load_file(f, str(f))[0].data for f in sorted((REPO / "projects").rglob("*.yaml"))]

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 5),
    st.floats(-3, 3, allow_nan=False),
    st.sampled_from(
        [
            "done",
            "planned",
            "no",
            "USD",
            "usd",
            "2024-03-05",
            "x-y",
            "con",
            "",
            "Bad Id",
            "a@b.co",
            "https://x.org",
            "javascript:x",
            "simple",
            "live",
            "once",
            "people",
            "1.10",
        ]
    ),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(
            st.sampled_from(["status", "id", "x-a", "date", "kind", "zzz"]), inner, max_size=3
        ),
    ),
    max_leaves=6,
)


def paths(node, prefix=()):
    yield prefix
    if isinstance(node, dict):
        for key, item in node.items():
            yield from paths(item, (*prefix, key))
    elif isinstance(node, list):
        for index, item in enumerate(node):
            yield from paths(item, (*prefix, index))


@given(
    example=st.sampled_from(EXAMPLES),
    pick=st.integers(0, 10_000),
    new=values,
    mode=st.sampled_from(["replace", "delete", "add"]),
    key=st.sampled_from(
        ["status", "extra", "x-mine", "kickoff", "qa", "id", "amount", "legal_review", "Bad-Name"]
    ),
)
@settings(max_examples=600, deadline=None)
def test_fast_check_agrees_with_jsonschema_on_mutations(example, pick, new, mode, key):
    doc = copy.deepcopy(example)
    targets = list(paths(doc))
    path = targets[pick % len(targets)]
    if path:
        parent = doc
        for part in path[:-1]:
            parent = parent[part]
        if mode == "replace":
            parent[path[-1]] = new
        elif mode == "delete":
            del parent[path[-1]]
        elif isinstance(parent, dict):
            parent[key] = new
        else:
            parent.append(new)
    assert FAST(doc) == REFERENCE.is_valid(doc)
    assert OPEN_FAST(doc) == OPEN_REFERENCE.is_valid(doc)
    # What validate accepts, history accepts: the open catalog only adds names.
    assert OPEN_FAST(doc) or not FAST(doc)


def test_every_example_is_valid_for_both():
    assert all(FAST(d) and REFERENCE.is_valid(d) for d in EXAMPLES)


def test_json_equality_is_respected():
    enum = compile_schema({"enum": [1, "a"]})
    assert enum(1) and enum(1.0) and not enum(True)
    unique = compile_schema({"uniqueItems": True})
    assert not unique([1, 1.0]) and unique([1, True])
    assert compile_schema({"type": "integer"})(2.0) and not compile_schema({"type": "integer"})(
        True
    )


def test_an_unknown_keyword_is_refused_not_ignored():
    with pytest.raises(UnsupportedSchema):
        compile_schema({"oneOf": [{"type": "string"}]})


STATUS_OR_MAPPING = {
    "$defs": {"word": {"enum": ["done", "planned"]}},
    "anyOf": [
        {"type": "string", "$ref": "#/$defs/word"},
        {"type": "object", "properties": {"status": {"$ref": "#/$defs/word"}}},
    ],
}


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("done", True),
        ("donee", False),
        ({"status": "done"}, True),
        ({"status": 1}, False),
        ({}, True),
        ([], False),
        (None, False),
        (1, False),
    ],
)
def test_any_of_is_valid_when_one_branch_is(value, valid):
    assert compile_schema(STATUS_OR_MAPPING)(value) is valid
    assert Draft202012Validator(STATUS_OR_MAPPING).is_valid(value) is valid


@pytest.mark.parametrize(
    ("value", "explained"),
    [
        ("donee", [("enum", ())]),  # a word: the word's branch says why
        ({"status": "donee"}, [("enum", ("status",))]),  # a mapping: the mapping's branch
        ([1], [("anyOf", ())]),  # neither type: the anyOf itself
        (None, [("anyOf", ())]),
    ],
)
def test_a_finding_from_any_of_explains_the_branch_the_values_type_picks(value, explained):
    errors = Draft202012Validator(STATUS_OR_MAPPING).iter_errors(value)
    assert [(e.validator, tuple(e.absolute_path)) for e in picked_branches(errors)] == explained


def test_the_project_schema_states_a_status_or_a_mapping_with_any_of_for_editors():
    """yaml-language-server completes nothing from if/then/else (tests/acceptance/test_editor.py
    runs it); each branch names its type, which is how a finding picks its branch."""
    text = json.dumps(SCHEMA) + json.dumps(OPEN_SCHEMA)
    assert '"if"' not in text and '"then"' not in text and '"else"' not in text
    branches = SCHEMA["$defs"]["milestone"]["anyOf"]
    assert [b["type"] for b in branches] == ["string", "object"]
