"""`kpictl demo` replaces only an unchanged demo of its own; `kpictl new` writes atomically."""

from __future__ import annotations

import json

import pytest
import yaml

from tests.conftest import run_kpictl
from tests.gitutil import clean_env, git, project_yaml


def demo(base, name="demo"):
    return run_kpictl("demo", "--no-site", str(base / name), cwd=base)


def test_an_unchanged_demo_is_replaced_even_with_its_site_and_cache(tmp_path):
    assert demo(tmp_path).code == 0
    target = tmp_path / "demo"
    assert run_kpictl("-C", str(target), "build", cwd=tmp_path).code == 0  # build/ and the cache
    assert (target / "build" / "site" / "index.html").is_file()
    assert demo(tmp_path).code == 0


@pytest.mark.parametrize("change", ["commit", "branch", "file", "edit", "old-marker"])
def test_a_demo_with_work_of_its_own_is_never_deleted(tmp_path, change):
    assert demo(tmp_path).code == 0
    target = tmp_path / "demo"
    env = clean_env(GIT_COMMITTER_DATE="2026-11-01T09:00:00Z", GIT_AUTHOR_DATE="2026-11-01T09:00")
    if change == "commit":
        (target / "notes.md").write_text("mine\n")
        git(target, "add", "notes.md")
        git(target, "commit", "-qm", "my notes", env=env)
    elif change == "branch":
        git(target, "branch", "experiment")
    elif change == "file":
        (target / "notes.md").write_text("mine\n")
    elif change == "edit":
        project = next((target / "projects").iterdir())
        project.write_text(project.read_text() + "# my edit\n")
    else:
        (target / ".git" / "kpictl-demo").write_text("created by kpictl demo; may replace it\n")
    result = demo(tmp_path)
    assert result.code == 2 and "not an unchanged kpictl demo" in result.err, result.err
    assert (target / ".git").is_dir()
    if change in ("commit", "file"):
        assert (target / "notes.md").read_text() == "mine\n"


def test_demo_refuses_a_symlink_and_a_folder_of_other_files(tmp_path):
    real = tmp_path / "real"
    real.mkdir()
    (tmp_path / "link").symlink_to(real)
    linked = demo(tmp_path, "link")
    assert linked.code == 2 and "symbolic link" in linked.err
    (real / "thesis.txt").write_text("mine")
    other = demo(tmp_path, "real")
    assert other.code == 2 and (real / "thesis.txt").read_text() == "mine"


def test_new_leaves_nothing_behind_when_it_cannot_write(kpi_repo):
    result = kpi_repo.run("new", "fresh", "--name", "bad \udcff name")
    assert result.code == 2 and "UTF-8" in result.err
    assert sorted(p.name for p in (kpi_repo.root / "projects").iterdir()) == []
    retry = kpi_repo.run("new", "fresh", "--name", "Good name")
    assert retry.code == 0, retry.err
    assert sorted(p.name for p in (kpi_repo.root / "projects").iterdir()) == ["fresh.yaml"]


def test_new_refuses_an_id_windows_keeps_for_a_device(kpi_repo):
    result = kpi_repo.run("new", "aux")
    assert result.code == 2
    assert '"aux" is a name Windows keeps for a device' in result.err
    assert not (kpi_repo.root / "projects" / "aux.yaml").exists()


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("--owner", "ana\x1b[2J@example.com"),
        ("--owner", "nope"),
        ("--name", "Two\nlines"),
        ("--name", "Bell\x07"),
        ("--name", "x" * 201),
        ("--team", "Risk"),
        ("--team", "t" * 65),
        ("--team", "a: b"),
    ],
)
def test_new_refuses_what_validate_would_reject_in_validates_words(kpi_repo, option, value):
    """Written by hand, the value gives a file `validate` rejects; `new` refuses it first, with
    the finding validate gives, and writes nothing."""
    field = option.lstrip("-")
    lines = [
        f"{field}: {json.dumps(value)}" if line.startswith(f"{field}:") else line
        for line in project_yaml("fresh").splitlines()
    ]
    kpi_repo.write("projects/fresh.yaml", "\n".join(lines) + "\n")
    checked = kpi_repo.run("validate")
    assert checked.code == 1, checked.out
    finding = checked.out.split("]: ", 1)[1].strip()
    (kpi_repo.root / "projects" / "fresh.yaml").unlink()

    result = kpi_repo.run("new", "fresh", option, value)
    assert result.code == 2, result.out
    assert result.err == f"kpictl: error: {option}: {finding}\n"
    assert "\x1b" not in result.err and list((kpi_repo.root / "projects").iterdir()) == []


def test_new_writes_a_value_exactly_as_given(kpi_repo):
    name = 'He said "hi" \\ then\ttabbed, ü'
    result = kpi_repo.run("new", "fresh", "--name", name, "--owner", "ü@exämple.com")
    assert result.code == 0, result.err
    assert kpi_repo.run("validate").code == 0
    data = yaml.safe_load((kpi_repo.root / "projects" / "fresh.yaml").read_text("utf-8"))
    assert data["name"] == name and data["owner"] == "ü@exämple.com"
