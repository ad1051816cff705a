"""What `kpictl validate` finds in a project file: numbers that are not finite or too large, a
currency with no rate, each missing key once, a symbolic link, and a pattern's trailing line
break."""

from __future__ import annotations

import json

from tests.conftest import VALID_PROJECT


def test_numbers_must_be_finite_and_bounded(kpi_repo):
    for amount, code in ((".inf", "not-finite"), (".nan", "not-finite"), ("1e13", "invalid-value")):
        kpi_repo.project("demo-project", VALID_PROJECT.replace("amount: 100", f"amount: {amount}"))
        payload = json.loads(kpi_repo.run("validate", "--format", "json").out)
        assert [d["code"] for d in payload["diagnostics"]] == [code], payload


def test_a_currency_without_a_rate_is_caught_by_validate(kpi_repo):
    kpi_repo.project("demo-project", VALID_PROJECT.replace("currency: USD", "currency: JPY"))
    result = kpi_repo.run("validate")
    assert result.code == 1 and "error[no-rate]" in result.out and "JPY" in result.out


def test_each_missing_key_is_reported_once(kpi_repo):
    kpi_repo.write("projects/x.yaml", "foo: 1\n")
    payload = json.loads(kpi_repo.run("validate", "--format", "json").out)
    missing = [d["message"] for d in payload["diagnostics"] if d["code"] == "missing-key"]
    assert len(missing) == len(set(missing)) == 6


def test_a_symlinked_project_file_is_an_error(kpi_repo, tmp_path):
    target = tmp_path / "elsewhere.yaml"
    target.write_text(VALID_PROJECT)
    (kpi_repo.root / "projects" / "demo-project.yaml").symlink_to(target)
    result = kpi_repo.run("validate")
    assert result.code == 1 and "error[symlink]" in result.out


def test_patterns_refuse_a_trailing_line_break(kpi_repo):
    kpi_repo.project("demo-project", VALID_PROJECT.replace("team: platform", 'team: "platform\\n"'))
    result = kpi_repo.run("validate")
    assert result.code == 1 and "team" in result.out
