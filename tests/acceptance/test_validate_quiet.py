"""`kpictl validate --quiet`: the findings alone, as the pre-commit hook shows them on a commit."""

from __future__ import annotations


def test_quiet_prints_the_findings_without_the_count(kpi_repo):
    kpi_repo.project()
    loud = kpi_repo.run("validate")
    assert (loud.code, loud.out, loud.err) == (0, "", "1 project file valid\n")
    quiet = kpi_repo.run("validate", "-q")
    assert (quiet.code, quiet.out, quiet.err) == (0, "", "")

    kpi_repo.root.joinpath("projects/demo-project.yaml").rename(
        kpi_repo.root / "projects/demo.yaml"
    )
    warned = kpi_repo.run("validate", "--quiet", "projects/demo.yaml")
    assert warned.code == 0 and warned.err == ""
    assert warned.out.startswith(
        'projects/demo.yaml:2:5: warning[file-name]: the file is named "demo"'
    )
    assert len(warned.out.splitlines()) == 1
