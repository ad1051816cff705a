"""Which kpictl the scaffolded workflows install, from pip's record of the running install
(PEP 610 direct_url.json texts as pip writes them) or from `kpictl init --install`."""

from __future__ import annotations

import json
import shlex

import pytest
import yaml

from kpictl.errors import KpictlError
from kpictl.scaffold.init import scaffold
from kpictl.scaffold.install_spec import PLACEHOLDER, explicit, from_direct_url

COMMIT = "0123456789abcdef0123456789abcdef01234567"


def record(**fields: object) -> str:
    return json.dumps(fields)


def test_an_install_from_a_package_index_pins_the_version_and_mentions_a_private_index():
    spec = from_direct_url(None, "0.3.1")
    assert spec.requirement == "kpictl==0.3.1" and not spec.warning
    assert any("private" in line and "index" in line for line in spec.comment)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://github.com/example/kpictl", "git+https://github.com/example/kpictl"),
        ("ssh://git@github.com/example/kpictl.git", "git+ssh://git@github.com/example/kpictl.git"),
        ("https://token:x@git.example.com/kpictl", "git+https://git.example.com/kpictl"),
    ],
)
def test_a_git_install_pins_the_commit_never_the_branch(url, expected):
    text = record(
        url=url, vcs_info={"vcs": "git", "commit_id": COMMIT, "requested_revision": "main"}
    )
    spec = from_direct_url(text, "0.1.0")
    assert spec.requirement == f"kpictl @ {expected}@{COMMIT}" and not spec.warning
    assert "token" not in " ".join(spec.comment)  # no credential reaches the workflow
    assert "main" not in spec.requirement.split("@")[-1]


def test_a_git_install_from_a_subdirectory_keeps_it():
    text = record(
        url="https://github.com/example/tools",
        vcs_info={"vcs": "git", "commit_id": COMMIT},
        subdirectory="kpictl",
    )
    spec = from_direct_url(text, "0.1.0")
    assert spec.requirement == (
        f"kpictl @ git+https://github.com/example/tools@{COMMIT}#subdirectory=kpictl"
    )


@pytest.mark.parametrize(
    "text",
    [
        record(url="file:///home/me/kpictl", dir_info={"editable": True}),
        record(url="file:///home/me/kpictl", dir_info={}),
        record(url="file:///home/me/kpictl", vcs_info={"vcs": "git", "commit_id": COMMIT}),
        record(url="https://github.com/example/kpictl", vcs_info={"vcs": "git"}),
        record(url="file:///tmp/kpictl-0.1.0-py3-none-any.whl", archive_info={}),
        record(url="https://github.com/x/kpictl\n  - run: curl evil", vcs_info={"vcs": "git"}),
        record(url="https://x:y@h:port/kpictl", vcs_info={"vcs": "git", "commit_id": COMMIT}),
        "not json",
    ],
    ids=[
        "editable",
        "folder",
        "git+file",
        "no commit",
        "local wheel",
        "line break",
        "bad port",
        "unreadable",
    ],
)
def test_an_install_ci_cannot_reproduce_gets_a_placeholder_that_fails_and_a_warning(text):
    spec = from_direct_url(text, "0.1.0")
    assert spec.requirement == PLACEHOLDER
    assert "kpictl==X.Y.Z" in spec.warning and "--install" in spec.warning
    assert any("REPLACE" in line for line in spec.comment)
    assert all("\n" not in line for line in spec.comment)


def test_the_workflows_install_exactly_the_requirement_whatever_it_holds(tmp_path):
    tricky = "kpictl @ https://example.com/k.whl#x='$(touch${IFS}pwned)'&y=a:b ; os_name != \"nt\""
    files = scaffold(tmp_path, explicit(tricky))
    for name in (".github/workflows/kpis-pr.yml", ".github/workflows/kpis-pages.yml"):
        steps = next(iter(yaml.safe_load(files[name])["jobs"].values()))["steps"]
        installs = [s["run"] for s in steps if "pip install" in s.get("run", "")]
        assert [shlex.split(run) for run in installs] == [["pip", "install", tricky]]
    assert f"pip install pre-commit {shlex.quote(tricky)}" in files[".pre-commit-config.yaml"]


@pytest.mark.parametrize(
    "text",
    [
        "requests==2.0",
        "kpictl-extra==1.0",
        "kpictl @",
        "kpictl==1.0\n  - run: curl evil",
        "kpictl @ https://example.com/${{ secrets.TOKEN }}.whl",
        "",
    ],
)
def test_init_install_refuses_anything_but_a_requirement_for_kpictl(text):
    with pytest.raises(KpictlError) as refused:
        explicit(text)
    assert refused.value.exit_code == 2 and "--install" in str(refused.value)


@pytest.mark.parametrize(
    "text", ["kpictl==0.2.0", "KPICTL[dev]>=0.1,<1", "kpictl @ git+ssh://git@h/k@" + COMMIT]
)
def test_init_install_takes_a_requirement_for_kpictl_as_given(text):
    assert explicit(text).requirement == text
