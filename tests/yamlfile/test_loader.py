"""The strict loader: every bad input is an error at its line, with what to do."""

from __future__ import annotations

import os
import time
import tracemalloc

import pytest

from kpictl.yamlfile import MAX_BYTES, Position, load_bytes


def only_error(raw: bytes):
    doc, problems = load_bytes(raw, "projects/x.yaml")
    assert doc is None
    assert len(problems) == 1
    return problems[0]


@pytest.mark.parametrize(
    ("raw", "code", "line", "col", "words"),
    [
        (b"id: a\nname: b\nid: c\n", "duplicate-key", 3, 1, ['"id" appears twice', "line 1"]),
        (
            b"milestones:\n  kickoff: done\n  kickoff: planned\n",
            "duplicate-key",
            3,
            3,
            ['"kickoff"', "remove one"],
        ),
        (b"a: &anchor {x: 1}\nb: 2\n", "anchor", 1, 4, ["anchors", "write the value out"]),
        (b"a: 1\nb: *anchor\n", "anchor", 2, 4, ["aliases"]),
        (b"a: {x: 1}\nb:\n  <<: {y: 2}\n", "merge-key", 3, 3, ["merge keys"]),
        (b"id: !custom x\n", "tag", 1, 5, ["!custom", "not allowed"]),
        (b"id: !!python/object:os.system x\n", "tag", 1, 5, ["!!python/object"]),
        (b"id: a\n---\nid: b\n", "multiple-documents", 2, 1, ["more than one YAML document"]),
        (b"", "empty-file", 1, 1, ["empty", "schema_version"]),
        (b"# only a comment\n\n", "empty-file", 1, 1, ["empty"]),
        (b"- a\n- b\n", "not-a-mapping", 1, 1, ["mapping", "a list"]),
        (b"just text\n", "not-a-mapping", 1, 1, ["a single value"]),
        (b"id: a\nname: caf\xe9\n", "not-utf8", 2, 10, ["0xe9", "UTF-8"]),
        ("id: a\n".encode("utf-16"), "not-utf8", 1, 1, ["UTF-8"]),
        (b"a:\n\tb: 1\n", "yaml-syntax", 2, 1, ["spaces, not tabs"]),
        (b"a: [1, 2\nb: 3\n", "yaml-syntax", 2, 2, ["line 1, column 4"]),
        (b"? [a, b]\n: c\n", "complex-key", 1, 3, ["plain word"]),
    ],
)
def test_bad_input_is_an_error_at_its_line(raw, code, line, col, words):
    problem = only_error(raw)
    assert (problem.code, problem.line, problem.col) == (code, line, col), str(problem)
    assert problem.severity == "error"
    for word in words:
        assert word in problem.message
    assert str(problem).startswith(f"projects/x.yaml:{line}:{col}: error[{code}]: ")


def test_a_file_over_one_mebibyte_is_refused_before_parsing():
    problem = only_error(b"a: " + b"x" * MAX_BYTES)
    assert problem.code == "too-large"
    assert "1 MiB" in problem.message


def test_scalars_follow_yaml_1_2_and_dates_and_versions_stay_text():
    doc, problems = load_bytes(
        b"a: no\nb: 2024-03-05\nc: '1.10'\nd: 1.5\ne: 12\nf: true\ng:\nh: off\ni: 0x1f\nj: ~\n",
        "p.yaml",
    )
    assert not problems and doc is not None
    assert doc.data == {
        "a": "no",
        "b": "2024-03-05",
        "c": "1.10",
        "d": 1.5,
        "e": 12,
        "f": True,
        "g": None,
        "h": "off",
        "i": 31,
        "j": None,
    }
    assert ("a",) in doc.plain and ("c",) not in doc.plain


def test_positions_of_keys_and_values_are_one_based():
    doc, _ = load_bytes(b"id: x\ncosts:\n  - item: A\n    amount: 5\n", "p.yaml")
    assert doc is not None
    assert doc.position(("costs", 0, "amount")) == doc.values[("costs", 0, "amount")]
    assert (doc.values[("costs", 0, "amount")].line, doc.values[("costs", 0, "amount")].col) == (
        4,
        13,
    )
    assert (doc.keys[("costs", 0, "amount")].line, doc.keys[("costs", 0, "amount")].col) == (4, 5)
    # A path that does not exist falls back to its nearest parent.
    assert doc.position(("costs", 0, "missing")) == doc.values[("costs", 0)]


def test_a_utf8_byte_order_mark_is_accepted():
    doc, problems = load_bytes(b"\xef\xbb\xbfid: x\n", "p.yaml")
    assert not problems and doc is not None and doc.data == {"id": "x"}


def test_a_quoted_merge_key_is_an_ordinary_key():
    doc, problems = load_bytes(b'"<<": 1\n', "p.yaml")
    assert not problems and doc is not None and doc.data == {"<<": 1}


@pytest.mark.parametrize(
    "raw",
    [
        # The billion laughs: nine levels of aliases would expand to 10^9 strings.
        b'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
        + b"".join(
            f"{chr(98 + i)}: &{chr(98 + i)} [{','.join([f'*{chr(97 + i)}'] * 9)}]\n".encode()
            for i in range(8)
        ),
        b"a: " + b"[" * 200_000 + b"]" * 200_000,
        b"a:\n" + b"".join(b"  " * i + b"k:\n" for i in range(1, 900)),
        b"a: " + b"{b: " * 100_000 + b"}" * 100_000,
    ],
    ids=["alias-bomb", "deep-flow-lists", "deep-block-mappings", "deep-flow-mappings"],
)
def test_hostile_files_are_rejected_quickly_with_bounded_memory(raw):
    tracemalloc.start()
    started = time.perf_counter()
    doc, problems = load_bytes(raw, "p.yaml")
    elapsed = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert doc is None
    assert problems[0].code in {"anchor", "too-deep"}
    # Generous bounds that still catch an expansion or a recursion: real cost is ~1 ms, <1 MB.
    assert peak < 20 * 1024 * 1024
    assert elapsed < 5


@pytest.mark.parametrize(
    ("raw", "line", "col"),
    [
        (b"id: a\ncosts:\n  - amount: 1" + b"0" * 5000 + b"\n", 3, 13),
        (b"id: a\nx-serial: -" + b"9" * 5000 + b"\n", 2, 11),
        (b"id: a\nx-mask: 0x" + b"f" * 5000 + b"\n", 2, 9),
        (b"id: a\nx-n: 1000000000000001\n", 2, 6),
    ],
    ids=["5000-digits", "negative-in-x-key", "hexadecimal", "just-over"],
)
def test_a_whole_number_of_any_length_is_an_error_at_its_line(raw, line, col):
    problem = only_error(raw)
    assert (problem.code, problem.line, problem.col) == ("number-too-large", line, col)
    assert "1,000,000,000,000,000" in problem.message and "quote it" in problem.message
    assert len(problem.message) < 300  # the number is shortened, not repeated in full


def test_the_largest_whole_number_and_leading_zeros_are_accepted():
    doc, problems = load_bytes(b"a: 1000000000000000\nb: -0000000000000000000000007\n", "p")
    assert not problems and doc is not None and doc.data == {"a": 10**15, "b": -7}


@pytest.mark.parametrize("text", [b".inf", b"-.Inf", b".NaN", b"1e999", b"1" * 400 + b".5"])
def test_a_number_that_is_not_finite_is_an_error(text):
    problem = only_error(b"x-value: " + text + b"\n")
    assert (problem.code, problem.line, problem.col) == ("not-finite", 1, 10)
    assert len(problem.message) < 200


def test_only_a_regular_file_is_read_and_at_most_one_byte_past_the_limit(tmp_path):
    from kpictl.yamlfile import LoadError, read_regular_file

    exact = tmp_path / "exact.yaml"
    exact.write_bytes(b"#" * MAX_BYTES)
    assert len(read_regular_file(exact)) == MAX_BYTES
    over = tmp_path / "over.yaml"
    over.write_bytes(b"#" * (MAX_BYTES + 1))
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    link = tmp_path / "link.yaml"
    link.symlink_to(exact)
    for path, code in [
        (over, "too-large"),
        (fifo, "not-a-file"),
        (link, "symlink"),
        (tmp_path, "not-a-file"),
        (tmp_path / "missing.yaml", "unreadable"),
    ]:
        with pytest.raises(LoadError) as caught:
            read_regular_file(path)
        assert caught.value.code == code, path


@pytest.mark.parametrize(
    ("raw", "line", "col"),
    [
        (b"a: 1\nb: x\x01y\n", 2, 5),
        (b"a: 1\r\nb: 2\r\nc: \x1b[31m\r\n", 3, 4),
        (b"a: 1\rb: 1\rc: \x7f\n", 3, 4),
        (b"a: 1\nb: \xc2\x9b\n", 2, 4),
        ('a: "NEL\x85 LS\u2028 PS\u2029"\nb: "\x00"\n'.encode(), 2, 5),
    ],
)
def test_a_raw_control_character_is_reported_at_its_line_and_column_on_one_line(raw, line, col):
    problem = only_error(raw)
    assert (problem.code, problem.line, problem.col) == ("control-character", line, col)
    assert "\n" not in problem.message and "\\x" in problem.message


@pytest.mark.parametrize("separator", ["\x85", "\u2028", "\u2029"])
def test_lines_are_counted_as_editors_count_them(separator):
    text = f'name: "one{separator}two"\nsummary: "three{separator}four"\nid: a\nteam: b\n'
    doc, problems = load_bytes(text.encode(), "projects/x.yaml")
    assert problems == [] and doc is not None
    assert doc.position(("id",)) == Position(3, 5)
    assert doc.position(("team",), key=True) == Position(4, 1)
    problem = only_error(text.replace("team: b", "team: b\nid: c").encode())
    assert (problem.line, problem.col) == (5, 1)
    assert "first at line 3" in problem.message
    problem = only_error((text + "bad: [\n").encode())
    assert (problem.code, problem.line) == ("yaml-syntax", 6)


@pytest.mark.parametrize(
    ("raw", "line", "hint"),
    [
        (b"id: a\nname: Support: phase 2\n", 2, 'must be quoted: write name: "Support: phase 2"'),
        (b'id: a\nsummary: It works: "mostly"\n', 2, "write summary: 'It works: \"mostly\"'"),
        (b"milestones:\n  kickoff: done\n\xc2\xa0 demo_ready: done\n", 3, "non-breaking space"),
        (b"milestones:\n  kickoff: done\n \xc2\xa0demo_ready: done\n", 3, "non-breaking space"),
        (b"milestones:\n  kickoff: done\n  \xc2\xa0demo_ready: done\n", 3, "plain spaces"),
    ],
)
def test_a_colon_in_a_value_and_a_non_breaking_space_in_the_indentation_get_a_hint(raw, line, hint):
    problem = only_error(raw)
    assert problem.line == line and hint in problem.message, str(problem)


def test_the_end_of_a_file_without_a_last_line_break_is_on_its_last_line():
    problem = only_error(b"a: 1\nb: [")
    assert (problem.line, problem.col) == (2, 5)
    assert "starts at line 3" not in problem.message
