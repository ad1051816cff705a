"""kpictl.yaml over the defaults: roles, removed entries, the catalog's typed measures."""

from __future__ import annotations

from pathlib import Path

import pytest

from kpictl.config import default_config, load_config
from kpictl.config.definitions import (
    CostMeasure,
    DurationMeasure,
    EnvironmentsMeasure,
    ItemsMeasure,
    TcoMeasure,
)
from kpictl.errors import KpictlError


def config_of(tmp_path: Path, text: str):
    (tmp_path / "kpictl.yaml").write_text(text, encoding="utf-8")
    return load_config(tmp_path)


def test_the_defaults_name_the_roles_and_the_learning_curve_kpis():
    config = default_config(Path.cwd())
    assert (config.roles.start, config.roles.go, config.roles.launch) == (
        "kickoff",
        "go_decision",
        "launched",
    )
    assert [k.id for k in config.kpis if k.learning_curve] == [
        "time_to_first_launch",
        "cost_per_additional_project",
    ]


def test_each_measure_is_typed_data_with_its_definition():
    measures = {k.id: k.measure for k in default_config(Path.cwd()).kpis}
    assert measures["time_to_launch"] == DurationMeasure("go_decision", "launched")
    assert measures["simple_update_lead_time"] == ItemsMeasure("updates", "simple")
    assert measures["environment_promotion_time"] == EnvironmentsMeasure("go_decision")
    assert measures["cost_per_additional_project"] == CostMeasure("kickoff", "launched")
    assert measures["total_cost_of_ownership"] == TcoMeasure(5.0)
    assert measures["total_cost_of_ownership"].definition.endswith("projected to 5 years")
    assert measures["feedback_cycle_time"].definition == (
        "median over feedback_rounds: requested → addressed"
    )


def test_a_role_can_point_at_another_milestone(tmp_path):
    config = config_of(
        tmp_path, "milestones: [{id: steering_approval}]\nroles: {go: steering_approval}\n"
    )
    assert (config.roles.start, config.roles.go) == ("kickoff", "steering_approval")
    with pytest.raises(KpictlError, match=r"roles\.launch is 'live', which is not a milestone"):
        config_of(tmp_path, "roles: {launch: live}\n")


def test_a_removed_milestone_still_referred_to_names_every_reference(tmp_path):
    with pytest.raises(KpictlError) as error:
        config_of(tmp_path, "milestones: [{id: launched, removed: true}]\n")
    message = str(error.value)
    assert message.startswith("kpictl.yaml: the milestone 'launched' is removed, but ")
    for reference in (
        "the KPI time_to_launch (measure.to)",
        "the KPI time_to_first_launch (measure.to)",
        "the KPI cost_per_additional_project (measure.to)",
        "the gate on launched",
        "roles.launch",
    ):
        assert reference in message
    assert "`roles: {launch: <milestone>}`" in message and "`gates:`" in message


def test_removing_milestones_and_kpis(tmp_path):
    config = config_of(
        tmp_path,
        "milestones:\n"
        "  - {id: ui_finalized, removed: true}\n"
        "kpis:\n"
        "  - {id: time_to_finalize_ui, removed: true}\n"
        "  - {id: time_to_first_launch, removed: true}\n",
    )
    assert "ui_finalized" not in config.milestone_ids
    ids = [k.id for k in config.kpis]
    assert "time_to_finalize_ui" not in ids and "time_to_first_launch" not in ids
    assert [k.id for k in config.kpis if k.learning_curve] == ["cost_per_additional_project"]
    with pytest.raises(KpictlError, match=r"no milestone 'nope' to remove"):
        config_of(tmp_path, "milestones: [{id: nope, removed: true}]\n")
    with pytest.raises(KpictlError, match=r"the KPI 'time_to_launch' is removed.*not target"):
        config_of(tmp_path, "kpis: [{id: time_to_launch, removed: true, target: 3}]\n")


def test_a_removed_milestone_can_come_back_with_a_new_definition(tmp_path):
    config = config_of(
        tmp_path,
        "milestones:\n"
        "  - {id: demo_ready, removed: true}\n"
        "  - {id: demo_ready, title: Demo day, phase: poc}\n",
    )
    assert config.milestone_ids[-1] == "demo_ready"
    assert config.milestones[-1].title == "Demo day"


def test_forecast_settings_merge_over_the_defaults_and_are_validated(tmp_path):
    defaults = default_config(Path.cwd()).forecast
    assert (defaults.enabled, defaults.min_basis, defaults.window_days) == (True, 5, 730)
    config = config_of(tmp_path, "forecast: {min_basis: 8}\n")
    assert (config.forecast.min_basis, config.forecast.window_days) == (8, 730)
    assert config_of(tmp_path, "forecast: {window_days: null}\n").forecast.window_days is None
    assert config_of(tmp_path, "forecast: {enabled: false}\n").forecast.enabled is False
    with pytest.raises(
        KpictlError,
        match=r"kpictl.yaml:1:\d+: error\[invalid-value\]: forecast.min_basis is 1; it must be at "
        r"least 2",
    ):
        config_of(tmp_path, "forecast: {min_basis: 1}\n")
    with pytest.raises(KpictlError, match=r"forecast.window_days is 7"):
        config_of(tmp_path, "forecast: {window_days: 7}\n")
    with pytest.raises(KpictlError, match=r'unknown key "seed" in forecast'):
        config_of(tmp_path, "forecast: {seed: 3}\n")


@pytest.mark.parametrize(
    ("make", "kind"),
    [
        (lambda root: (root / "kpictl.yaml").symlink_to("real.yaml"), "a symbolic link"),
        (lambda root: (root / "kpictl.yaml").mkdir(), "a folder"),
    ],
)
def test_a_kpictl_yaml_committed_as_something_else_than_a_file_is_an_error(tmp_path, make, kind):
    from tests.gitutil import git, init_repo

    root = init_repo(tmp_path / "kpis")
    (root / "real.yaml").write_text("timezone: Europe/Paris\n")
    make(root)
    if (root / "kpictl.yaml").is_dir():
        (root / "kpictl.yaml" / "timezone.yaml").write_text("timezone: Europe/Paris\n")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "kpictl.yaml")
    mode = git(root, "ls-tree", "HEAD", "kpictl.yaml").split()[0]
    committed = git(root, "cat-file", "-p", "HEAD:kpictl.yaml").encode()
    with pytest.raises(KpictlError) as refused:
        load_config(root, use_file=False, committed=committed, committed_mode=mode)
    assert str(refused.value) == (
        f"kpictl.yaml:1:1: error[not-a-file]: kpictl.yaml is committed as {kind}, not a file, "
        "so kpictl cannot read its configuration from it: commit the file itself there, or "
        "remove it (git rm) to use the built-in defaults"
    )


def test_a_kpictl_yaml_committed_as_a_file_is_read(tmp_path):
    for mode in ("100644", "100755"):
        config = load_config(
            tmp_path, use_file=False, committed=b"timezone: Europe/Paris\n", committed_mode=mode
        )
        assert config.timezone == "Europe/Paris"
