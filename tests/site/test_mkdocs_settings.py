"""site/mkdocs.yml is read by kpictl before MkDocs reads it: a tag MkDocs would run as Python,
a document that is not settings, or an INHERIT leaving site/ is refused at its line (exit 2),
in `build` and in `serve`, and nothing runs; !ENV and !relative still work."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import run_kpictl
from tests.gitutil import HistoryRepo, project_yaml


@pytest.fixture
def repo(tmp_path) -> HistoryRepo:
    repo = HistoryRepo(tmp_path / "kpis")
    repo.commit("2025-01-06T09:00:00+00:00", {"projects/alpha.yaml": project_yaml("alpha", "A")})
    (repo.path / "site").mkdir()
    return repo


def settings(repo: HistoryRepo, text: str, name: str = "mkdocs.yml") -> None:
    (repo.path / "site" / name).write_text(text)


def refused(repo: HistoryRepo, tmp_path: Path, *words: str) -> None:
    for args in (("build", "--out", str(tmp_path / "out")), ("serve", "--port", "0")):
        result = run_kpictl(*args, cwd=repo.path)
        assert result.code == 2, (args, result.code, result.err)
        assert "internal error" not in result.err and "Traceback" not in result.err
        for word in words:
            assert word in result.err, result.err
    assert not (tmp_path / "out").exists()


def test_a_python_tag_is_refused_at_its_line_and_never_runs(repo, tmp_path):
    pwned = tmp_path / "pwned"
    settings(repo, f'site_name: KPIs\nextra: !!python/object/apply:os.system ["touch {pwned}"]\n')
    refused(repo, tmp_path, "site/mkdocs.yml:2:8: the tag tag:yaml.org,2002:python/object/apply")
    assert (
        "accepts only !ENV, !relative and !!python/name" in run_kpictl("build", cwd=repo.path).err
    )
    assert not pwned.exists()


@pytest.mark.parametrize(
    "tag", ["!!python/object:os.system", "!!python/module:os", "!include other.yml", "!!str x"]
)
def test_any_tag_but_env_relative_and_python_name_is_refused(repo, tmp_path, tag):
    settings(repo, f"site_name: KPIs\nextra:\n  x: {tag}\n")
    if tag.startswith("!!str"):  # one of YAML's own types: safe, and accepted
        assert run_kpictl("build", "--out", str(tmp_path / "out"), cwd=repo.path).code == 0
    else:
        refused(repo, tmp_path, "site/mkdocs.yml:3:6: the tag")


def test_material_emoji_settings_naming_python_objects_build(repo, tmp_path):
    """Material's documentation configures emoji with !!python/name: a name MkDocs imports, as
    it imports a plugin, not a call: accepted."""
    settings(
        repo,
        "site_name: KPIs\nmarkdown_extensions:\n  - pymdownx.emoji:\n"
        "      emoji_index: !!python/name:material.extensions.emoji.twemoji\n"
        "      emoji_generator: !!python/name:material.extensions.emoji.to_svg\n",
    )
    result = run_kpictl("build", "--out", str(tmp_path / "out"), cwd=repo.path)
    assert result.code == 0, result.err


@pytest.mark.parametrize(
    ("text", "what"), [("- a\n- b\n", "not a list"), ("just words\n", "not a single value")]
)
def test_settings_that_are_not_a_mapping_are_refused(repo, tmp_path, text, what):
    settings(repo, text)
    refused(repo, tmp_path, "site/mkdocs.yml:1:1: MkDocs settings are names", what)


@pytest.mark.parametrize("value", ["/etc/passwd", "../kpictl.yaml", "../../elsewhere.yml"])
def test_inherit_outside_site_is_refused(repo, tmp_path, value):
    settings(repo, f"INHERIT: {value}\nsite_name: KPIs\n")
    refused(repo, tmp_path, f"site/mkdocs.yml:1:10: INHERIT {value} is outside site/")


def test_inherit_inside_site_is_followed_and_checked_too(repo, tmp_path):
    settings(repo, "INHERIT: base.yml\n")
    settings(repo, "site_name: From the base\n", "base.yml")
    out = tmp_path / "out"
    assert run_kpictl("build", "--out", str(out), cwd=repo.path).code == 0
    assert "From the base" in (out / "index.html").read_text()
    assert not (out / "base.yml").exists()  # settings, not a page: not published
    settings(repo, "extra: !!python/object/apply:os.system [true]\n", "base.yml")
    refused(repo, tmp_path / "again", "site/base.yml:1:8: the tag")
    settings(repo, "INHERIT: mkdocs.yml\n", "base.yml")
    refused(repo, tmp_path / "loop", "INHERIT leads back")


def test_env_and_relative_still_work(repo, tmp_path, monkeypatch):
    monkeypatch.setenv("KPI_SITE_NAME", "Named by the environment")
    settings(repo, "site_name: !ENV KPI_SITE_NAME\ndocs_note: !relative $config_dir\n")
    out = tmp_path / "out"
    result = run_kpictl("build", "--out", str(out), cwd=repo.path)
    assert result.code == 0, result.err
    assert "Named by the environment" in (out / "index.html").read_text()
