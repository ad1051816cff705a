"""Fuzzing, bounded to seconds: whatever a project file or a cache file holds, kpictl never
crashes (exit 3), never hangs, puts every finding on one line at a real position, and a damaged
cache gives the answer of --no-cache."""

from __future__ import annotations

import json
import marshal
import re
import signal
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kpictl.config import default_config
from kpictl.history.cache import write_atomically
from kpictl.history.revision import RevisionParser
from kpictl.project.validate import ProjectValidator, top_level_id
from kpictl.yamlfile import MAX_BYTES, load_bytes
from tests.conftest import VALID_PROJECT, run_kpictl
from tests.gitutil import HistoryRepo, project_yaml

VALIDATOR = ProjectValidator(default_config(Path.cwd()))
OPEN_VALIDATOR = ProjectValidator(None)
PARSER = RevisionParser()

# What breaks parsers: YAML indicators, line breaks of every kind, controls, bytes that are not
# UTF-8, a byte-order mark, a non-breaking space, huge numbers, deep nesting.
PIECES = [
    b":",
    b": ",
    b"- ",
    b"#",
    b"'",
    b'"',
    b"\\",
    b"{",
    b"}",
    b"[",
    b"]",
    b",",
    b"&a ",
    b"*a",
    b"!",
    b"!!str ",
    b"%YAML 1.2\n",
    b"---\n",
    b"...\n",
    b"? ",
    b"|",
    b">",
    b"<<: ",
    b"\n",
    b"\r\n",
    b"\r",
    b"\t",
    b"  ",
    b"\xc2\x85",
    b"\xe2\x80\xa8",
    b"\xe2\x80\xa9",
    b"\xc2\xa0",
    b"\xef\xbb\xbf",
    b"\x00",
    b"\x1b[31m",
    b"\x7f",
    b"\xc2\x9b",
    b"\xff",
    b"\xc3",
    b"\\x1b",
    b"\\0",
    b"\\u2028",
    b"\\ud800",
    b"1e999",
    b"0x" + b"f" * 30,
    b"9" * 40,
    b".nan",
    b"no",
    b"2024-02-30",
    b"9999-12-31T23:59:59-05:00",
    b"id: b",
    b"con",
    b"[" * 40,
    b"\xf0\x9f\x98\x80",
    b"\xed\xa0\x80",
]


@contextmanager
def at_most(seconds: float) -> Iterator[None]:
    """Fail, rather than hang, when the body runs longer than ``seconds``."""

    def expired(signum: int, frame: object) -> None:
        raise TimeoutError(f"took over {seconds} s: a hang")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@st.composite
def project_bytes(draw: st.DrawFn) -> bytes:
    """A valid project file with a few pieces inserted, lines removed or repeated."""
    lines = VALID_PROJECT.encode().split(b"\n")
    for _ in range(draw(st.integers(0, 3))):
        index = draw(st.integers(0, len(lines) - 1))
        kind = draw(st.sampled_from(["insert", "drop", "repeat"]))
        if kind == "insert":
            line = lines[index]
            at = draw(st.integers(0, len(line)))
            lines[index] = line[:at] + draw(st.sampled_from(PIECES)) + line[at:]
        elif kind == "drop" and len(lines) > 1:
            del lines[index]
        else:
            lines.insert(index, lines[index])
    return b"\n".join(lines)


def check_findings(raw: bytes, found: list) -> None:
    lines = len(re.split(rb"\r\n|\r|\n", raw))  # YAML's line breaks: "\n\r" is two
    for finding in found:
        assert "\n" not in finding.message and "\r" not in finding.message, finding
        assert 1 <= finding.line <= lines and finding.col >= 1, (finding, lines)
        assert "(?!" not in finding.message and "[^" not in finding.message, finding
        finding.message.encode("utf-8")  # printable: never a lone surrogate


@given(raw=st.one_of(project_bytes(), st.binary(max_size=300)))
@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_the_loader_and_the_rules_take_anything(raw):
    with at_most(10):
        doc, problems = load_bytes(raw, "projects/x.yaml")
        check_findings(raw, problems)
        scanned = top_level_id(raw)
        if doc is None:
            assert len(problems) == 1
        else:
            full = doc.data.get("id")
            assert scanned == (full if isinstance(full, str) else None)
            check_findings(raw, VALIDATOR.check(doc))
            check_findings(raw, OPEN_VALIDATOR.check(doc))
        verdict = PARSER.parse(raw)
        assert isinstance(verdict, (tuple, list))
        if isinstance(verdict, tuple):  # history counts it only if validate's content rules do
            assert doc is not None
            errors = [d for d in OPEN_VALIDATOR.check(doc) if d.is_error]
            assert errors == []


def test_a_file_of_one_mebibyte_is_read_in_bounded_time():
    deep = b"a: " + b"[" * 10_000
    wide = b"a: [" + b"1, " * (MAX_BYTES // 3 - 10) + b"]\n"
    for raw in (deep, wide, b"a: " + b"x" * (MAX_BYTES - 10) + b"\n"):
        with at_most(30):
            load_bytes(raw, "projects/x.yaml")


@given(raw=project_bytes(), fmt=st.sampled_from(["text", "json", "github"]))
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_validate_never_crashes_and_prints_one_finding_per_line(raw, fmt):
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "kpictl.yaml").write_text("# defaults\n")
        (root / "projects").mkdir()
        (root / "projects" / "demo-project.yaml").write_bytes(raw)
        with at_most(20):
            result = run_kpictl("validate", "--format", fmt, cwd=root)
    assert result.code in (0, 1), result.err
    if fmt == "json":
        assert json.loads(result.out.encode("utf-8"))["errors"] == (result.code == 1) * len(
            [d for d in json.loads(result.out)["diagnostics"] if d["severity"] == "error"]
        )
    else:
        start = "::" if fmt == "github" else "projects/demo-project.yaml:"
        assert all(line.startswith(start) for line in result.out.splitlines()), result.out


# --- the history cache ---------------------------------------------------------------------


class Cached:
    def __init__(self, repo: HistoryRepo, truth: tuple[str, str], pristine: dict[Path, bytes]):
        self.repo, self.truth, self.pristine = repo, truth, pristine

    def __repr__(self) -> str:  # hypothesis prints it with a failing example
        return f"Cached({self.repo.path})"


@pytest.fixture(scope="module")
def cached(tmp_path_factory) -> Cached:
    """A repository, its answers with --no-cache, and its cache files as kpictl wrote them."""
    repo = HistoryRepo(tmp_path_factory.mktemp("fuzz") / "kpis")
    repo.commit("2025-01-06T09:00:00+00:00", {"projects/a.yaml": project_yaml("a", "A")})
    repo.commit(
        "2025-01-20T09:00:00+00:00",
        {"projects/a.yaml": project_yaml("a", "A", team_assembled="done")},
    )
    repo.commit("2025-02-03T09:00:00+00:00", {"projects/b.yaml": project_yaml("b", "B")})
    truth = answers(repo, "--no-cache")
    assert answers(repo) == truth
    files = sorted((repo.path / ".git" / "kpictl").glob("*.marshal"))
    assert len(files) == 2
    return Cached(repo, truth, {f: f.read_bytes() for f in files})


def answers(repo: HistoryRepo, *extra: str) -> tuple[str, str]:
    history = run_kpictl("history", "--format", "json", *extra, cwd=repo.path)
    report = run_kpictl("report", "--format", "json", cwd=repo.path)
    assert history.code == 0 and report.code == 0, history.err + report.err
    return history.out, report.out


GARBAGE = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=5), st.binary(max_size=5)),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.tuples(inner, inner),
        st.dictionaries(st.sampled_from(["blobs", "head", "log", "a", 0]), inner, max_size=3),
    ),
    max_leaves=8,
)


@given(data=st.data())
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_any_damage_to_the_cache_gives_the_answer_of_no_cache(cached, data):
    repo, truth, pristine = cached.repo, cached.truth, cached.pristine
    victim = data.draw(st.sampled_from(sorted(pristine)))
    original = pristine[victim]
    damage = data.draw(st.sampled_from(["flip", "cut", "insert", "payload", "part"]))
    if damage == "flip":
        position = data.draw(st.integers(0, len(original) - 1))
        bit = data.draw(st.integers(0, 7))
        victim.write_bytes(
            original[:position]
            + bytes([original[position] ^ (1 << bit)])
            + original[position + 1 :]
        )
    elif damage == "cut":
        victim.write_bytes(original[: data.draw(st.integers(0, len(original) - 1))])
    elif damage == "insert":
        at = data.draw(st.integers(0, len(original)))
        victim.write_bytes(
            original[:at] + data.draw(st.binary(min_size=1, max_size=8)) + original[at:]
        )
    elif damage == "payload":  # garbage that passes the checksum (a bug, or another writer)
        write_atomically(victim, marshal.dumps(data.draw(GARBAGE)))
    else:  # the right shape, one part of it garbage
        stored = marshal.loads(original[original.index(b"\n") + 1 :])
        if isinstance(stored, dict):
            stored[data.draw(st.sampled_from(sorted(stored)))] = data.draw(GARBAGE)
        else:
            stored = (stored[0], data.draw(GARBAGE))
        write_atomically(victim, marshal.dumps(stored))
    try:
        with at_most(60):
            if damage in ("flip", "cut", "insert"):  # damage: the checksum catches it
                assert answers(repo) == truth
            else:  # it passes the checksum, so it cannot be told from a right one: no crash
                for args in (("history", "--format", "json"), ("report", "--format", "json")):
                    result = run_kpictl(*args, cwd=repo.path)
                    assert result.code == 0, result.err
    finally:
        for file, content in pristine.items():
            file.write_bytes(content)
