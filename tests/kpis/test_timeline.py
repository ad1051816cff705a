"""A project's revisions → its timeline, on hand-made revisions (no git): each date, where it
came from and the commit that produced it; the events; items and costs followed by their ids."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from kpictl.config import Config, default_config
from kpictl.history.model import BranchHistory, Commit, ProjectHistory, Revision
from kpictl.kpis.timeline import Cost, Dated, Item, build_timeline, build_timelines

DAY = 86_400
T0 = 1_700_000_000  # 2023-11-14T22:13:20Z
CONFIG = default_config(Path.cwd())


def day(n: float) -> int:
    return int(T0 + n * DAY)


def project(**fields: Any) -> dict[str, Any]:
    return {"id": "p", "name": "P", "team": "platform", "milestones": {"kickoff": "done"}, **fields}


def rev(
    n: float,
    data: dict[str, Any] | None,
    path: str = "projects/p.yaml",
    provisional: bool = False,
) -> Revision:
    commit = Commit(f"c{n:g}", day(n), day(n) - 60, "Ada", f"change {n:g}")
    return Revision(commit, day(n), path, data, provisional)


def build(*revisions: Revision, config: Config = CONFIG):
    return build_timeline(ProjectHistory("p", list(revisions)), config)


def events(t) -> list[tuple[str, Any, Any, str | None]]:
    return [(e.field, e.old, e.new, e.commit) for e in t.events]


def in_zone(config: Config, name: str) -> Config:
    return dataclasses.replace(config, timezone=name)


# -- milestones --------------------------------------------------------------------------------


def test_a_milestone_is_dated_by_the_revisions_that_started_and_finished_it():
    t = build(
        rev(0, project()),
        rev(3, project(milestones={"kickoff": "done", "team_assembled": "in_progress"})),
        rev(10, project(milestones={"kickoff": "done", "team_assembled": "done"})),
    )
    assert t.milestones["kickoff"] == Dated("done", day(0), day(0), "added", "c0", False, "git")
    assert t.milestones["team_assembled"] == Dated(
        "done", day(3), day(10), "git", "c10", False, "git"
    )
    assert t.milestones["demo_ready"] == Dated("planned")
    assert (t.created_at, t.created_commit, t.last_change_at) == (day(0), "c0", day(10))


def test_a_milestone_done_again_is_dated_by_the_last_time_it_became_done():
    ms = {"kickoff": "done"}
    t = build(
        rev(0, project()),
        rev(5, project(milestones={**ms, "team_assembled": "done"})),
        rev(6, project(milestones={**ms, "team_assembled": "done"}, summary="touched")),
        rev(7, project(milestones={**ms, "team_assembled": "in_progress"})),
        rev(9, project(milestones={**ms, "team_assembled": "done"})),
    )
    assert t.milestones["team_assembled"] == Dated(
        "done", day(5), day(9), "git", "c9", False, "git"
    )


def test_milestones_already_reached_when_the_file_was_added_are_dated_created():
    t = build(rev(0, project(milestones={"kickoff": "done", "team_assembled": "done"})))
    assert t.milestones["team_assembled"] == Dated(
        "done", day(0), day(0), "created", "c0", False, "created"
    )
    started = build(rev(0, project(milestones={"kickoff": "done", "demo_ready": "in_progress"})))
    assert started.milestones["demo_ready"] == Dated(
        "in_progress", day(0), started_source="created"
    )


def test_the_start_milestone_is_dated_when_its_file_was_added_even_if_not_written_done():
    t = build(rev(0, project(milestones={})), rev(4, project(milestones={"kickoff": "done"})))
    assert t.milestones["kickoff"] == Dated("done", day(4), day(4), "git", "c4", False, "git")
    planned = build(rev(2, project(milestones={})))
    assert planned.milestones["kickoff"] == Dated("planned", None, day(2), "added", "c2")


def test_a_declared_date_overrides_git_in_the_configured_time_zone():
    declared = {"kickoff": "done", "team_assembled": {"status": "done", "date": "2023-11-01"}}
    first = rev(0, project())
    t = build(first, rev(10, project(milestones=declared)))
    midnight_utc = int(datetime(2023, 11, 1, tzinfo=timezone.utc).timestamp())
    # git saw it start only on day 10, after the declared date: no start is known
    assert t.milestones["team_assembled"] == Dated("done", None, midnight_utc, "declared", "c10")
    paris = build(
        first, rev(10, project(milestones=declared)), config=in_zone(CONFIG, "Europe/Paris")
    )
    midnight_paris = int(datetime(2023, 11, 1, tzinfo=ZoneInfo("Europe/Paris")).timestamp())
    assert paris.milestones["team_assembled"].done_at == midnight_paris != midnight_utc


def test_a_declared_date_keeps_a_start_git_saw_before_it_and_dates_a_skip():
    ms = {"kickoff": "done"}
    later = {"status": "done", "date": "2024-01-10"}
    t = build(
        rev(0, project()),
        rev(3, project(milestones={**ms, "team_assembled": "in_progress"})),
        rev(
            70,
            project(
                milestones={
                    **ms,
                    "team_assembled": later,
                    "demo_ready": later | {"status": "skipped"},
                }
            ),
        ),
    )
    at = int(datetime(2024, 1, 10, tzinfo=timezone.utc).timestamp())
    assert t.milestones["team_assembled"] == Dated(
        "done", day(3), at, "declared", "c70", False, "git"
    )
    assert t.milestones["demo_ready"] == Dated("skipped", None, at, "declared", "c70")
    in_progress = {"status": "in_progress", "date": "2024-01-10"}
    t = build(rev(0, project(milestones={**ms, "team_assembled": in_progress})))
    assert t.milestones["team_assembled"].source is None  # a date counts once it is done


def test_a_declared_date_removed_falls_back_to_git_and_a_changed_one_is_an_event():
    ms = {"kickoff": "done"}
    one = {"status": "done", "date": "2023-11-01"}
    two = {"status": "done", "date": "2023-11-02"}
    t = build(
        rev(0, project()),
        rev(5, project(milestones={**ms, "team_assembled": one})),
        rev(6, project(milestones={**ms, "team_assembled": two})),
        rev(7, project(milestones={**ms, "team_assembled": "done"})),
    )
    assert t.milestones["team_assembled"] == Dated(
        "done", day(5), day(5), "git", "c5", False, "git"
    )
    assert ("milestones.team_assembled.date", "2023-11-01", "2023-11-02", "c6") in events(t)
    again = build(
        rev(0, project()),
        rev(5, project(milestones={**ms, "team_assembled": one})),
        rev(6, project(milestones={**ms, "team_assembled": two})),
    )
    assert again.milestones["team_assembled"].commit == "c6"


def test_a_provisional_revision_makes_its_dates_provisional():
    t = build(
        rev(0, project()),
        rev(5, project(milestones={"kickoff": "done", "team_assembled": "done"}), provisional=True),
    )
    assert t.milestones["team_assembled"].provisional is True
    assert t.milestones["kickoff"].provisional is False
    assert [e.provisional for e in t.events] == [False, False, True]


def test_environments_are_dated_like_milestones_but_none_is_the_start():
    t = build(
        rev(0, project(environments={"dev": "done"})),
        rev(4, project(environments={"dev": "done", "uat": "in_progress"})),
        rev(8, project(environments={"dev": "done", "uat": "done"})),
    )
    assert t.environments["dev"] == Dated("done", day(0), day(0), "created", "c0", False, "created")
    assert t.environments["uat"] == Dated("done", day(4), day(8), "git", "c8", False, "git")
    assert t.environments["prod"] == Dated("planned")


# -- identity and events -----------------------------------------------------------------------


def test_the_events_record_each_change_with_its_commit():
    t = build(
        rev(0, project()),
        rev(2, project(milestones={"kickoff": "done", "team_assembled": "in_progress"})),
        rev(3, project(name="Q", team="ml"), path="projects/q.yaml"),
    )
    assert events(t) == [
        ("created", None, "projects/p.yaml", "c0"),
        ("milestones.kickoff", None, "done", "c0"),
        ("milestones.team_assembled", "planned", "in_progress", "c2"),
        ("path", "projects/p.yaml", "projects/q.yaml", "c3"),
        ("name", "P", "Q", "c3"),
        ("team", "platform", "ml", "c3"),
        ("milestones.team_assembled", "in_progress", "planned", "c3"),
    ]
    e = t.events[1]
    assert (e.landed_at, e.authored_at, e.author, e.subject) == (
        day(0),
        day(0) - 60,
        "Ada",
        "change 0",
    )
    assert (t.path, t.data["name"]) == ("projects/q.yaml", "Q")


def test_a_revision_without_a_commit_is_an_event_with_no_commit():
    t = build_timeline(
        ProjectHistory("p", [Revision(None, day(1), "projects/p.yaml", project(), True)]), CONFIG
    )
    e = t.events[0]
    assert (e.commit, e.authored_at, e.author, e.subject) == (None,) * 4 and e.provisional
    assert t.created_commit is None and t.milestones["kickoff"].commit is None


def test_a_deleted_project_is_archived_until_restored_and_archived_again_when_deleted_again():
    first, restored = rev(0, project()), rev(20, project(name="Back"))
    deleted = build(first, rev(10, None))
    assert deleted.archived is True and deleted.last_change_at == day(10)
    assert events(deleted)[-1] == ("archived", False, True, "c10")
    back = build(first, rev(10, None), restored)
    assert back.archived is False and back.data["name"] == "Back"
    assert events(back)[-3:] == [
        ("archived", False, True, "c10"),
        ("archived", True, False, "c20"),
        ("name", "P", "Back", "c20"),
    ]
    again = build(first, rev(10, None), restored, rev(30, None))
    assert again.archived is True and again.last_change_at == day(30)
    assert again.data["name"] == "Back"  # the latest content that landed
    assert [e for e in events(again) if e[0] == "archived"] == [
        ("archived", False, True, "c10"),
        ("archived", True, False, "c20"),
        ("archived", False, True, "c30"),
    ]


def test_the_last_change_is_the_latest_landing_even_when_clocks_went_back():
    t = build(rev(5, project()), rev(3, project(name="Q")))
    assert t.last_change_at == day(5)


# -- updates and feedback rounds ---------------------------------------------------------------


def test_items_are_followed_by_id_from_their_request_to_done():
    u1 = {"id": "u1", "kind": "simple", "status": "requested"}
    t = build(
        rev(0, project(updates=[u1])),
        rev(4, project(updates=[u1 | {"status": "live"}])),
        rev(5, project(updates=[u1 | {"status": "live"}, {"id": "u2", "status": "live"}])),
    )
    assert t.updates == [
        Item("u1", "live", "simple", day(0), day(4), "c4"),
        Item("u2", "live", None, day(5), day(5), "c5", recorded_done=True),
    ]
    assert ("updates.u1", "requested", "live", "c4") in events(t)
    assert ("updates.u2", None, "live", "c5") in events(t)


def test_an_item_removed_and_written_again_is_requested_anew():
    f1 = {"id": "f1", "status": "open"}
    t = build(
        rev(0, project(feedback_rounds=[f1])),
        rev(3, project(feedback_rounds=[])),
        rev(6, project(feedback_rounds=[f1])),
        rev(8, project(feedback_rounds=[f1 | {"status": "addressed"}]), provisional=True),
    )
    assert t.feedback_rounds == [
        Item("f1", "addressed", None, day(6), day(8), "c8", provisional=True)
    ]
    assert ("feedback_rounds.f1", "open", None, "c3") in events(t)


def test_an_item_done_then_reopened_has_no_done_date():
    u = {"id": "u", "status": "requested"}
    t = build(
        rev(0, project(updates=[u])),
        rev(2, project(updates=[u | {"status": "live"}])),
        rev(4, project(updates=[u | {"status": "requested"}])),
    )
    assert t.updates == [Item("u", "requested", None, day(0))]


# -- costs -------------------------------------------------------------------------------------


def cost(**fields: Any) -> dict[str, Any]:
    return {"item": "API", "category": "inference", "amount": 100, "currency": "USD"} | fields


def test_a_cost_starts_when_it_landed_unless_its_from_date_is_written():
    t = build(rev(0, project()), rev(2, project(costs=[cost(per="month")])))
    assert t.costs == [Cost("API", "inference", 100, "USD", "month", day(2), day(2), None, "c2")]
    written = cost(per="month", **{"from": "2023-10-01", "until": "2024-10-01"})
    paris = build(rev(2, project(costs=[written])), config=in_zone(CONFIG, "Europe/Paris"))
    start = int(datetime(2023, 10, 1, tzinfo=ZoneInfo("Europe/Paris")).timestamp())
    end = int(datetime(2024, 10, 1, tzinfo=ZoneInfo("Europe/Paris")).timestamp())
    assert paris.costs == [
        Cost("API", "inference", 100, "USD", "month", day(2), start, end, "c2", True)
    ]


def test_a_one_off_cost_has_no_end_whatever_is_written():
    once = cost(per="once", until="2024-10-01")
    assert build(rev(0, project(costs=[once]))).costs[0].ends_at is None


def test_cost_changes_are_events_in_words_and_a_cost_keeps_when_it_was_first_added():
    t = build(
        rev(0, project(costs=[cost(per="month")])),
        rev(1, project(costs=[cost(per="month", amount=1234.5)])),
        rev(2, project(costs=[cost(per="once", amount=2000)])),
        rev(3, project(costs=[])),
        rev(4, project(costs=[cost(per="year", amount=1000.25)])),
    )
    assert [e for e in events(t) if e[0] == "costs.API"] == [
        ("costs.API", None, "100 USD/month", "c0"),
        ("costs.API", "100 USD/month", "1,234.5 USD/month", "c1"),
        ("costs.API", "1,234.5 USD/month", "2,000 USD", "c2"),
        ("costs.API", "2,000 USD", None, "c3"),
        ("costs.API", None, "1,000.25 USD/year", "c4"),
    ]
    assert (t.costs[0].added_at, t.costs[0].commit) == (day(4), "c4")
    unchanged = build(
        rev(0, project(costs=[cost(per="month")])),
        rev(1, project(costs=[cost(per="month"), cost(item="B", per="once")])),
    )
    assert [e[0] for e in events(unchanged)].count("costs.API") == 1
    assert unchanged.costs[0].added_at == day(0)


# -- the portfolio's timelines -----------------------------------------------------------------


def test_timelines_are_built_for_the_projects_wanted_as_of_a_moment():
    def history(*projects: ProjectHistory) -> BranchHistory:
        return BranchHistory("main", "c9", {p.id: p for p in projects}, [], 0)

    a = ProjectHistory("a", [rev(0, project(id="a")), rev(5, project(id="a", name="A2"))])
    b = ProjectHistory("b", [rev(3, project(id="b"))])
    h = history(b, a)
    assert [t.id for t in build_timelines(h, CONFIG, as_of=day(10))] == ["a", "b"]
    assert [t.id for t in build_timelines(h, CONFIG, ids=["b"])] == ["b"]
    early = build_timelines(h, CONFIG, as_of=day(3))
    assert [(t.id, t.data["name"]) for t in early] == [("a", "P"), ("b", "P")]
    assert [t.id for t in build_timelines(h, CONFIG, as_of=day(2))] == ["a"]
    assert build_timelines(h, CONFIG)[0].data["name"] == "A2"


# -- sections written late, removed, or changed back ---------------------------------------------


def test_sections_first_written_in_a_later_revision_or_removed_are_followed():
    t = build(
        rev(0, project()),
        rev(4, project(environments={"dev": "done"}, updates=[{"id": "u", "status": "live"}])),
        rev(6, project(costs=[cost(per="once")])),
        rev(8, project()),
    )
    assert t.environments["dev"] == Dated("planned", day(4), started_source="git")
    assert ("environments.dev", "planned", "done", "c4") in events(t)
    assert ("environments.dev", "done", "planned", "c6") in events(t)
    assert ("updates.u", None, "live", "c4") in events(t)
    assert ("updates.u", "live", None, "c6") in events(t)
    assert ("costs.API", "100 USD", None, "c8") in events(t)
    assert (t.updates, t.costs) == ([], [])


def test_a_milestone_done_then_reopened_has_no_done_date():
    ms = {"kickoff": "done"}
    t = build(
        rev(0, project()),
        rev(5, project(milestones={**ms, "team_assembled": "done"})),
        rev(7, project(milestones={**ms, "team_assembled": "in_progress"})),
    )
    assert t.milestones["team_assembled"] == Dated("in_progress", day(5), started_source="git")


def test_a_declared_date_is_credited_to_the_revision_that_wrote_it():
    ms = {"kickoff": "done"}
    date = "2023-11-20"
    t = build(
        rev(0, project()),
        rev(
            3, project(milestones={**ms, "team_assembled": {"status": "in_progress", "date": date}})
        ),
        rev(9, project(milestones={**ms, "team_assembled": {"status": "done", "date": date}})),
    )
    assert t.milestones["team_assembled"].commit == "c3"
    assert not [e for e in events(t) if e[0].endswith(".date")]


def test_a_start_git_saw_at_the_very_moment_of_a_declared_date_is_kept():
    midnight = int(datetime(2023, 11, 20, tzinfo=timezone.utc).timestamp())
    first = Revision(
        Commit("c0", day(0), day(0), "Ada", "add"), day(0), "projects/p.yaml", project()
    )
    ms = {"kickoff": "done"}
    started = Revision(
        Commit("c1", midnight, midnight, "Ada", "start"),
        midnight,
        "projects/p.yaml",
        project(milestones={**ms, "team_assembled": "in_progress"}),
    )
    done = rev(
        9, project(milestones={**ms, "team_assembled": {"status": "done", "date": "2023-11-20"}})
    )
    t = build(first, started, done)
    assert (t.milestones["team_assembled"].started_at, t.milestones["team_assembled"].done_at) == (
        midnight,
        midnight,
    )


def test_an_environments_declared_date_is_read_in_the_configured_time_zone():
    env = {"dev": {"status": "done", "date": "2023-11-01"}}
    paris = build(rev(2, project(environments=env)), config=in_zone(CONFIG, "Europe/Paris"))
    midnight_paris = int(datetime(2023, 11, 1, tzinfo=ZoneInfo("Europe/Paris")).timestamp())
    assert paris.environments["dev"].done_at == midnight_paris


def test_an_item_removed_done_and_written_again_done_is_dated_anew():
    done = {"id": "f1", "status": "addressed"}
    t = build(
        rev(0, project(feedback_rounds=[{"id": "f1", "status": "open"}])),
        rev(2, project(feedback_rounds=[done])),
        rev(3, project(feedback_rounds=[])),
        rev(6, project(feedback_rounds=[done])),
    )
    assert t.feedback_rounds == [
        Item("f1", "addressed", None, day(6), day(6), "c6", recorded_done=True)
    ]


def test_a_whole_amount_written_with_a_decimal_point_is_shown_without_it():
    t = build(rev(0, project(costs=[cost(per="month", amount=2000.0)])))
    assert events(t)[-1] == ("costs.API", None, "2,000 USD/month", "c0")


def test_a_project_not_yet_written_as_of_a_moment_leaves_the_others_in():
    early = ProjectHistory("a-late", [rev(5, project(id="a-late"))])
    later = ProjectHistory("b", [rev(1, project(id="b"))])
    h = BranchHistory("main", "c9", {"a-late": early, "b": later}, [], 0)
    assert [t.id for t in build_timelines(h, CONFIG, as_of=day(2))] == ["b"]
