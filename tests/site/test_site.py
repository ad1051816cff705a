"""Page generation, escaping, links and the real `mkdocs build`."""

from __future__ import annotations

import filecmp
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from kpictl.output.report import md_escape
from kpictl.site import charts, trends
from kpictl.site.links import repo_links, web_base
from tests.conftest import run_kpictl
from tests.sitefixture import HOSTILE_NAME, build, make_repo


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> tuple[Path, Path]:
    base = tmp_path_factory.mktemp("site")
    repo = make_repo(base / "kpis")
    out = base / "out"
    build(repo, out)
    return repo.path, out


def test_markdown_escaping_leaves_no_markup():
    text = md_escape("<script>x</script> [a](javascript:b) *c* `d` _e_ & #f")
    assert not set("<>[]()*`_&#") & set(re.sub(r"&#\d+;", "", text))


@pytest.mark.parametrize(
    ("remote", "expected"),
    [
        ("git@github.com:org/kpis.git", ("https://github.com/org/kpis", "github")),
        ("https://github.com/org/kpis", ("https://github.com/org/kpis", "github")),
        (
            "ssh://git@gitlab.example.com:2222/group/sub/kpis.git",
            ("https://gitlab.example.com/group/sub/kpis", "gitlab"),
        ),
        ("https://user:token@gitlab.com/g/k.git", ("https://gitlab.com/g/k", "gitlab")),
        ("/srv/git/kpis.git", None),
        ("https://bitbucket.org/org/kpis.git", None),
    ],
)
def test_web_addresses_are_derived_from_github_and_gitlab_remotes(remote, expected):
    assert web_base(remote) == expected


def test_commit_and_edit_links():
    github = repo_links(None, "git@github.com:org/kpis.git", "main")
    assert github.commit("abc") == "https://github.com/org/kpis/commit/abc"
    assert (
        github.edit("projects/a b.yaml")
        == "https://github.com/org/kpis/edit/main/projects/a%20b.yaml"
    )
    gitlab = repo_links("https://gitlab.com/g/k/", None, "main")
    assert gitlab.commit("abc") == "https://gitlab.com/g/k/-/commit/abc"
    assert repo_links(None, None, "main").commit("abc") is None
    assert repo_links("javascript:alert(1)", None, "main").commit("abc") is None


def test_charts_are_well_formed_svg_with_title_and_description():
    from datetime import timezone

    ids = charts.Ids("t")
    days = lambda v: f"{v:,.1f}"  # noqa: E731
    money = lambda v: f"${v / 1000:,.0f}k"  # noqa: E731
    quarters = [
        trends.QuarterPoint("2024-Q1", 0, 7_862_400, 10.0, False),
        trends.QuarterPoint("2024-Q2", 7_862_400, 15_724_800, None, False),
        trends.QuarterPoint("2024-Q3", 15_724_800, 23_673_600, 4.0, True),
    ]
    drawn = [
        charts.sparkline(ids, [3, None, 2, 4], "trend <b>", 2),
        charts.bars(
            ids,
            [("a <script>", 3.0, "met"), ("b", 5.0, "missed"), ("c", 90.0, "overdue")],
            "bars",
            "days",
            4,
            days,
        ),
        charts.histogram(ids, list(range(100)), "hist", "days", 50, days),
        charts.timeline(
            ids,
            [
                ("Kickoff", "done", 0, 0),
                ("Launch", "in_progress", 86400, None),
                ("Skipped", "skipped", None, None),
                ("Later", "planned", None, None),
            ],
            0,
            864000,
            432000,
            "timeline",
            timezone.utc,
        ),
        trends.control(
            ids,
            [(100, 3.0, "met", "p <i>"), (200, 9.0, "missed", "q")],
            quarters,
            5,
            "trend",
            "days",
            days,
        ),
        charts.curve(
            ids,
            [("p1", 300.0), ("p2", 240.0), ("p3", 200.0)],
            300,
            -0.3,
            250,
            "curve",
            "days",
            days,
            "kickoff",
        ),
        trends.spend_columns(
            ids,
            quarters,
            [{"people": 10.0}, {}, {"people": 20.0, "other": 5.0}],
            ["other", "people"],
            "costs",
            "USD",
            money,
        ),
        trends.cumulative(ids, quarters, [10.0, 10.0, 35.0], "cumulative", "USD", money),
    ]
    for svg in drawn:
        root = ET.fromstring(svg)
        assert root.get("role") == "img"
        names = [child.tag.split("}")[-1] for child in root]
        assert names[:2] == ["title", "desc"]
        assert "<script>" not in svg and "<i>" not in svg and "<b>" not in svg
    assert len({ET.fromstring(s).get("aria-labelledby") for s in drawn}) == len(drawn)


def test_charts_are_fluid_so_their_text_is_never_scaled_down():
    """Every chart but the sparkline (which has no text) fills the column without a viewBox:
    x in percent, y in pixels, so its 12 px text is 12 px on a phone and on a laptop."""
    ids = charts.Ids("t")
    drawn = charts.bars(ids, [("a", 3.0, "met")], "bars", "days", 4, str)
    root = ET.fromstring(drawn)
    assert root.get("viewBox") is None and root.get("width") == "100%"
    assert all(
        t.get("x", "").endswith("%")
        for t in root.iter("{http://www.w3.org/2000/svg}text") or root.iter("text")
    )


def test_the_site_has_every_page_and_kpis_json(site):
    _, out = site
    for page in (
        "index.html",
        "portfolio.html",
        "projects/index.html",
        "about.html",
        "projects/project-1.html",
        "projects/hostile.html",
        "kpis/time_to_launch.html",
        "kpis/total_cost_of_ownership.html",
    ):
        assert (out / page).is_file(), page
    data = json.loads((out / "kpis.json").read_text())
    assert {p["id"] for p in data["projects"]} == {
        "project-1",
        "project-2",
        "project-3",
        "hostile",
        "stuck",
    }
    home = (out / "index.html").read_text()
    assert "Time to launch the feature" in home and 'class="kpictl-tile' in home
    assert "https://github.com/example/kpis/commit/" in home


def test_each_tile_shows_the_status_the_engine_gave_the_kpi_now(site):
    _, out = site
    data = json.loads((out / "kpis.json").read_text())
    value = {k["id"] for k in data["catalog"] if k["phase"] == "value"}  # the value sentence
    statuses = {
        k: v["current"]["status"] for k, v in data["portfolio"]["kpis"].items() if k not in value
    }
    home = (out / "index.html").read_text()
    tile = r'class="kpictl-tile kpictl-([a-z_]+)" href="kpis/([a-z_]+)\.html"'
    assert {kpi: status for status, kpi in re.findall(tile, home)} == statuses
    assert {"met", "no_recent_data"} <= set(statuses.values())


def test_project_pages_are_out_of_the_navigation(site):
    _, out = site
    home = (out / "index.html").read_text()
    assert "projects/index.html" in home
    assert "projects/project-2.html" not in home.split('class="md-content"')[0]


def test_user_text_is_escaped_everywhere(site):
    _, out = site
    for page in out.rglob("*.html"):
        text = page.read_text()
        assert "<script>window.__pwned" not in text, page
        assert "onerror=window" not in text or "&lt;img" in text or "&#60;img" in text, page
        assert 'href="javascript:' not in text.lower(), page
    hostile = (out / "projects" / "hostile.html").read_text()
    assert "<b>evil</b>" not in hostile
    assert "&lt;b&gt;evil&lt;/b&gt;" in hostile
    assert "https://example.com/?q=&lt;x&gt;" in hostile


def test_the_site_asks_no_other_host(site):
    _, out = site
    for page in out.rglob("*.html"):
        text = page.read_text()
        for tag in re.findall(r"<(?:script|link|img)\b[^>]*>", text):
            assert not re.search(r"(src|href)=\"(https?:)?//", tag), (page, tag)
        assert "fonts.googleapis" not in text and "fonts.gstatic" not in text


def test_two_builds_of_the_same_commit_are_identical(site, tmp_path):
    repo, out = site
    again = tmp_path / "again"
    result = run_kpictl("build", "--out", str(again), cwd=repo)
    assert result.code == 0, result.err
    compare = filecmp.dircmp(out, again)

    def differences(c: filecmp.dircmp) -> list[str]:
        found = c.left_only + c.right_only + c.diff_files + c.funny_files
        for sub in c.subdirs.values():
            found += differences(sub)
        return found

    assert differences(compare) == []


def test_strict_fails_on_a_broken_link_and_keeps_the_last_good_site(site, tmp_path):
    repo, _ = site
    out = tmp_path / "strict"
    assert run_kpictl("build", "--strict", "--out", str(out), cwd=repo).code == 0
    stamp = (out / "index.html").read_bytes()
    about = repo / "site" / "about.md"
    original = about.read_text()
    about.write_text(original + "\n[broken](missing-page.md)\n")
    try:
        failed = run_kpictl("build", "--strict", "--out", str(out), cwd=repo)
        assert failed.code == 1
        assert "missing-page.md" in failed.err and "last good site" in failed.err
        assert (out / "index.html").read_bytes() == stamp
        assert not [p for p in out.parent.iterdir() if p.name.startswith(".kpictl-build-")]
        relaxed = run_kpictl("build", "--out", str(out), cwd=repo)
        assert relaxed.code == 0 and "missing-page.md" in relaxed.err
    finally:
        about.write_text(original)


def test_build_refuses_to_replace_a_folder_that_is_not_a_site(site, tmp_path):
    repo, _ = site
    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / "thesis.txt").write_text("do not delete")
    result = run_kpictl("build", "--out", str(precious), cwd=repo)
    assert result.code == 2 and "kpictl did not build" in result.err
    assert (precious / "thesis.txt").read_text() == "do not delete"


def test_hostile_name_appears_as_text_in_kpis_json(site):
    _, out = site
    data = json.loads((out / "kpis.json").read_text())
    assert next(p for p in data["projects"] if p["id"] == "hostile")["name"] == HOSTILE_NAME


def test_serve_serves_on_localhost_and_rebuilds_when_a_project_changes(tmp_path):
    import threading
    import time
    import urllib.request

    from kpictl.config import load_config
    from kpictl.site.serve import serve_site
    from tests.gitutil import HistoryRepo, project_yaml

    repo = HistoryRepo(tmp_path / "kpis")
    repo.commit(
        "2025-01-06T09:00:00+00:00", {"projects/alpha.yaml": project_yaml("alpha", "Alpha")}
    )
    messages: list[str] = []
    stop = threading.Event()
    thread = threading.Thread(
        target=serve_site,
        kwargs={
            "config": load_config(repo.path),
            "port": 0,
            "out": tmp_path / "served",
            "echo": messages.append,
            "poll_seconds": 0.2,
            "stop": stop,
        },
        daemon=True,
    )
    thread.start()
    try:
        deadline = time.time() + 60
        while not any(m.startswith("serving http://127.0.0.1:") for m in messages):
            assert time.time() < deadline, messages
            time.sleep(0.1)
        url = next(m for m in messages if m.startswith("serving")).split()[1]
        page = urllib.request.urlopen(f"{url}projects/alpha.html").read().decode()
        assert "Alpha" in page
        (repo.path / "projects/alpha.yaml").write_text(project_yaml("alpha", "Renamed alpha"))
        while sum("built" in m for m in messages) < 2:
            assert time.time() < deadline, messages
            time.sleep(0.1)
        page = urllib.request.urlopen(f"{url}projects/alpha.html").read().decode()
        assert "Renamed alpha" in page  # uncommitted edits count while serving
    finally:
        stop.set()
        thread.join(timeout=30)


def test_a_kpi_that_misses_its_target_in_the_last_four_quarters_is_missed_now(tmp_path):
    """Six teams assembled in 10 days long ago, three in 30 or more days in the last four full
    quarters: the all-time median meets the 21-day target, the tile says missed, now."""
    from tests.gitutil import HistoryRepo, project_yaml

    repo = HistoryRepo(tmp_path / "kpis")
    events: list[tuple[str, dict[str, str | None]]] = []
    starts = [(f"old-{k}", f"2023-0{k + 1}-02", 10) for k in range(6)]
    starts += [(f"new-{k}", f"2025-0{k + 2}-03", 30 + k) for k in range(3)]
    for pid, day, took in starts:
        path = f"projects/{pid}.yaml"
        events.append((f"{day}T09:00:00+00:00", {path: project_yaml(pid, pid.title())}))
        done = project_yaml(pid, pid.title(), kickoff="done", team_assembled="done")
        month, date = int(day[5:7]), 2 + took
        when = f"{day[:4]}-{month + date // 29:02d}-{date % 29 + 1:02d}T09:00:00+00:00"
        events.append((when, {path: done}))
    events.append(("2025-10-20T12:00:00+00:00", {"notes.txt": "head\n"}))
    for when, files in sorted(events):
        repo.commit(when, files)
    out = tmp_path / "site"
    build(repo, out)
    kpi = json.loads((out / "kpis.json").read_text())["portfolio"]["kpis"]["time_to_assemble_team"]
    assert kpi["status"] == "met" and kpi["current"]["status"] == "missed"
    home = (out / "index.html").read_text()
    link = r'href="kpis/time_to_assemble_team\.html">(.*?)</a>'
    tile = re.search(r'<a class="kpictl-tile kpictl-([a-z_]+)" ' + link, home, re.S)
    assert tile is not None and tile[1] == "missed"
    assert kpi["median"] < 21 < kpi["current"]["median"]
    assert "missed by" in tile[2] and f"all time {kpi['median']:.0f} days" in tile[2]
    assert 'href="kpis/time_to_assemble_team.html">Time to assemble the team</a>' in home


def test_times_on_the_pages_are_in_the_configured_time_zone_and_utc_in_kpis_json(tmp_path):
    from tests.gitutil import HistoryRepo, project_yaml

    repo = HistoryRepo(tmp_path / "kpis")
    repo.write({"kpictl.yaml": "timezone: Asia/Tokyo\n"})
    repo.commit(
        "2025-01-06T20:00:00+00:00", {"projects/alpha.yaml": project_yaml("alpha", "Alpha")}
    )
    done = project_yaml("alpha", "Alpha", kickoff="done", team_assembled="done")
    repo.commit("2025-03-31T16:30:00+00:00", {"projects/alpha.yaml": done})
    out = tmp_path / "site"
    build(repo, out)
    data = json.loads((out / "kpis.json").read_text())
    value = data["projects"][0]["kpis"]["time_to_assemble_team"]
    assert value["to"] == "2025-03-31T16:30:00Z"  # UTC in the JSON
    page = (out / "projects" / "alpha.html").read_text()
    # 1 April in Tokyo: 2025-Q2
    assert "1\u00a0Apr\u00a02025, 01:30" in page and "Asia/Tokyo" in page
    kpi = (out / "kpis" / "time_to_assemble_team.html").read_text()
    assert "2025-Q2" in kpi and "2025-Q1" not in kpi.split('<h2 id="over-time"', 1)[1]


def test_the_published_folder_has_no_source_maps_nor_search_files_for_other_languages(site):
    """What a browser never asks for on an English KPI site is not published: Material's source
    maps, and the word splitters and stemmers of languages the search does not use."""
    _, out = site
    assert not list(out.rglob("*.map"))
    lunr = out / "assets" / "javascripts" / "lunr"
    assert not (lunr / "tinyseg.js").exists() and not (lunr / "wordcut.js").exists()
    assert sorted(p.name for p in (lunr / "min").iterdir()) == [
        "lunr.multi.min.js",
        "lunr.stemmer.support.min.js",
    ]
    index = json.loads((out / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert index["config"]["lang"] == ["en"]


def test_a_count_of_zero_carries_no_status_mark(site):
    """ "✗ 0 missed" in red reads as a problem; a zero count is plain text."""
    _, out = site
    pages = list((out / "projects").glob("*.html"))
    assert pages
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert not re.search(r'class="kst [a-z_]+">0 ', text), page
    assert any(">0 missed</span>" in p.read_text(encoding="utf-8") for p in pages)
