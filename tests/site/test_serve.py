"""`kpictl serve` follows kpictl.yaml, commits and uncommitted edits (marked provisional)."""

from __future__ import annotations

import os
import threading
import time
import urllib.request
from pathlib import Path

from kpictl.config import load_config
from kpictl.site.serve import serve_site
from tests.gitutil import HistoryRepo, project_yaml


def wait_for(messages: list[str], predicate, what: str) -> None:
    deadline = time.time() + 60
    while not predicate():
        assert time.time() < deadline, f"waited for {what}: {messages}"
        time.sleep(0.05)


def test_serve_reloads_the_configuration_follows_commits_and_marks_uncommitted_dates(tmp_path):
    repo = HistoryRepo(tmp_path / "kpis")
    repo.commit(
        "2025-01-06T09:00:00+00:00",
        {"kpictl.yaml": "# defaults\n", "projects/alpha.yaml": project_yaml("alpha", "Alpha")},
    )
    messages: list[str] = []
    stop = threading.Event()
    thread = threading.Thread(
        target=serve_site,
        args=(load_config(repo.path),),
        kwargs={"port": 0, "out": None, "echo": messages.append, "poll_seconds": 0.1, "stop": stop},
        daemon=True,
    )
    thread.start()

    def built(count: int):
        return lambda: sum(m.startswith("built") for m in messages) >= count

    def page(path: str) -> str:
        return urllib.request.urlopen(f"{url}{path}").read().decode()

    try:
        wait_for(messages, lambda: any(m.startswith("serving") for m in messages), "serving")
        url = next(m for m in messages if m.startswith("serving")).split()[1]
        assert "target 21.0" in page("index.html")

        (repo.path / "kpictl.yaml").write_text(
            "kpis:\n  - {id: time_to_assemble_team, target: 9}\n"
        )
        wait_for(messages, built(2), "a rebuild after kpictl.yaml changed")
        assert "target 9.0" in page("index.html")

        (repo.path / "kpictl.yaml").write_text("timezone: Mars/Olympus\n")
        wait_for(messages, lambda: any("Mars/Olympus" in m for m in messages), "the error")
        assert "target 21.0" not in page("index.html")  # the last good site stays

        (repo.path / "kpictl.yaml").write_text("# defaults\n")
        wait_for(messages, built(3), "a rebuild after the fix")
        (repo.path / "projects/alpha.yaml").write_text(
            project_yaml("alpha", "Alpha", team_assembled="done")
        )
        wait_for(messages, built(4), "a rebuild after an edit")
        assert "uncommitted (provisional)" in page("projects/alpha.html")
        assert "Includes uncommitted changes" in page("index.html")

        repo.commit("2025-01-20T09:00:00+00:00")
        wait_for(messages, built(5), "a rebuild after the commit")
        assert "uncommitted (provisional)" not in page("projects/alpha.html")
    finally:
        stop.set()
        thread.join(timeout=30)


def test_the_watch_opens_nothing_and_sees_a_link_change(tmp_path):
    from kpictl.site.serve import _snapshot

    repo = HistoryRepo(tmp_path / "kpis")
    repo.commit(
        "2025-01-06T09:00:00+00:00",
        {"kpictl.yaml": "# defaults\n", "projects/alpha.yaml": project_yaml("alpha", "Alpha")},
    )
    projects = repo.path / "projects"
    os.mkfifo(projects / "pipe.yaml")  # opening it to read would wait for a writer forever
    (projects / "zero.yaml").symlink_to("/dev/zero")
    config = load_config(repo.path)
    before = _snapshot(config)
    assert {"pipe.yaml", "zero.yaml", "alpha.yaml"} <= {Path(p).name for p in before}
    (projects / "zero.yaml").unlink()
    (projects / "zero.yaml").symlink_to("/dev/null-but-longer")
    assert _snapshot(config) != before
