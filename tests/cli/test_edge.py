"""The error edge: one place turns a failure into a message and an exit code."""

from __future__ import annotations

import pytest

import kpictl.cli.validate
from kpictl.cli.main import Terminated
from kpictl.errors import KpictlError
from kpictl.yamlfile import Diagnostic
from tests.conftest import run_kpictl


def _failing(monkeypatch, error: BaseException) -> None:
    def fail(*args, **kwargs):
        raise error

    monkeypatch.setattr(kpictl.cli.validate, "validate_paths", fail)


def test_an_errors_findings_are_shown_one_a_line_whatever_its_class(kpi_repo, monkeypatch):
    findings = [
        Diagnostic("kpictl.yaml", 3, 5, "error", "bad-key", "first"),
        Diagnostic("kpictl.yaml", 7, 1, "error", "bad-value", "second"),
    ]
    _failing(monkeypatch, KpictlError("both", exit_code=2, diagnostics=findings))
    text = kpi_repo.run("validate")
    assert text.code == 2 and text.out == ""
    assert text.err.splitlines() == [
        "kpictl: kpictl.yaml:3:5: error[bad-key]: first",
        "kpictl: kpictl.yaml:7:1: error[bad-value]: second",
    ]
    github = kpi_repo.run("validate", "--format", "github")
    assert github.out.splitlines() == [
        "::error file=kpictl.yaml,line=3,col=5,title=kpictl bad-key::first",
        "::error file=kpictl.yaml,line=7,col=1,title=kpictl bad-value::second",
    ]


def test_an_error_without_findings_is_one_line(kpi_repo, monkeypatch):
    _failing(monkeypatch, KpictlError("no such thing", exit_code=2))
    result = kpi_repo.run("validate", "--format", "json")
    assert (result.code, result.out, result.err) == (2, "", "kpictl: error: no such thing\n")


@pytest.mark.parametrize(
    ("error", "code", "said"),
    [
        (KeyboardInterrupt(), 130, "kpictl: interrupted\n"),
        (Terminated(), 143, "kpictl: terminated\n"),
    ],
)
def test_ctrl_c_is_130_and_sigterm_143(kpi_repo, monkeypatch, error, code, said):
    _failing(monkeypatch, error)
    result = kpi_repo.run("validate")
    assert (result.code, result.err.lstrip("\n")) == (code, said)  # click ends ^C's line


def test_a_usage_error_is_2_without_running_the_command(tmp_path):
    result = run_kpictl("report", "--format", "xml", cwd=tmp_path)
    assert result.code == 2 and "'xml' is not one of" in result.err
