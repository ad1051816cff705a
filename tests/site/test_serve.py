"""`kpictl serve` follows kpictl.yaml, commits and uncommitted edits (marked provisional)."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from kpictl.config import load_config
from kpictl.site.serve import serve_site
from tests.gitutil import HistoryRepo, project_yaml


def wait_for(messages: list[str], predicate, what: str) -> None:
    deadline = time.time() + 60
    while not predicate():
        assert time.time() < deadline, f"waited for {what}: {messages}"
        time.sleep(0.05)


def serving_in_a_thread(repo: HistoryRepo) -> tuple[list[str], threading.Event, threading.Thread]:
    """serve_site on port 0 in a thread: the lines it says, the event that stops it, the thread."""
    messages: list[str] = []
    stop = threading.Event()
    thread = threading.Thread(
        target=serve_site,
        args=(load_config(repo.path),),
        kwargs={"port": 0, "out": None, "echo": messages.append, "poll_seconds": 0.1, "stop": stop},
        daemon=True,
    )
    thread.start()
    return messages, stop, thread


def test_serve_reloads_the_configuration_follows_commits_and_marks_uncommitted_dates(tmp_path):
    repo = HistoryRepo(tmp_path / "kpis")
    repo.commit(
        "2025-01-06T09:00:00+00:00",
        {"kpictl.yaml": "# defaults\n", "projects/alpha.yaml": project_yaml("alpha", "Alpha")},
    )
    messages, stop, thread = serving_in_a_thread(repo)

    def built(count: int):
        return lambda: sum(m.startswith("built") for m in messages) >= count

    def page(path: str) -> str:
        return urllib.request.urlopen(f"{url}{path}").read().decode()

    try:
        wait_for(messages, lambda: any(m.startswith("serving") for m in messages), "serving")
        url = next(m for m in messages if m.startswith("serving")).split()[1]
        assert "target 21 days" in page("index.html")

        (repo.path / "kpictl.yaml").write_text(
            "kpis:\n  - {id: time_to_assemble_team, target: 9}\n"
        )
        wait_for(messages, built(2), "a rebuild after kpictl.yaml changed")
        assert "target 9 days" in page("index.html")

        (repo.path / "kpictl.yaml").write_text("timezone: Mars/Olympus\n")
        wait_for(messages, lambda: any("Mars/Olympus" in m for m in messages), "the error")
        assert "target 21 days" not in page("index.html")  # the last good site stays

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


def test_serve_gives_its_own_address_so_the_404_page_works_at_the_root(tmp_path):
    """With a GitHub remote a built site's address is https://ORG.github.io/REPO/; the local
    server serves at its root, so its 404 page must link there, not under /REPO/ (where
    every link would 404)."""
    repo = HistoryRepo(tmp_path / "kpis")
    repo.commit(
        "2025-01-06T09:00:00+00:00",
        {"kpictl.yaml": "# defaults\n", "projects/alpha.yaml": project_yaml("alpha", "Alpha")},
    )
    subprocess.run(
        ["git", "remote", "add", "origin", "https://github.com/acme/portfolio-kpis.git"],
        cwd=repo.path,
        check=True,
    )
    messages, stop, thread = serving_in_a_thread(repo)
    try:
        wait_for(messages, lambda: any(m.startswith("serving") for m in messages), "serving")
        url = next(m for m in messages if m.startswith("serving")).split()[1]
        page = urllib.request.urlopen(f"{url}404.html").read().decode()
        assert "/portfolio-kpis/" not in page and 'href="/assets/kpictl.css"' in page
        assert not any("site_url" in m for m in messages)  # no note about an address
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


@contextlib.contextmanager
def running_serve(repo: HistoryRepo) -> Iterator[tuple[int, list[str]]]:
    """`kpictl serve --port 0` as a user starts it, in its own process: its port, and every
    line it writes on stderr (read as it comes)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    run = subprocess.Popen(
        [sys.executable, "-m", "kpictl", "serve", "--port", "0"],
        cwd=repo.path,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    stream = run.stderr
    assert stream is not None
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(stream), daemon=True)
    reader.start()
    try:
        wait_for(lines, lambda: any("serving http" in line for line in lines), "serving")
        url = next(line for line in lines if "serving http" in line).split()[1]
        yield int(url.rstrip("/").rsplit(":", 1)[1]), lines
    finally:
        run.send_signal(signal.SIGINT)
        run.wait(timeout=60)
        reader.join(timeout=10)


def raw_request(port: int, host: str | None, path: str = "/index.html") -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=30) as conn:
        head = f"GET {path} HTTP/1.1\r\n" + (f"Host: {host}\r\n" if host is not None else "")
        conn.sendall((head + "Connection: close\r\n\r\n").encode())
        answer = b""
        while chunk := conn.recv(65536):
            answer += chunk
        return answer


@pytest.fixture
def served_repo(tmp_path) -> HistoryRepo:
    repo = HistoryRepo(tmp_path / "kpis")
    repo.commit(
        "2025-01-06T09:00:00+00:00",
        {"kpictl.yaml": "# defaults\n", "projects/alpha.yaml": project_yaml("alpha", "Alpha")},
    )
    return repo


def test_connections_a_browser_drops_mid_answer_print_nothing(served_repo):
    big = "/search/search_index.json"
    with running_serve(served_repo) as (port, lines):
        assert raw_request(port, f"127.0.0.1:{port}", big).startswith(b"HTTP/1.0 200")
        for _ in range(60):
            conn = socket.create_connection(("127.0.0.1", port), timeout=30)
            # Closed at once with a reset (SO_LINGER 0), as a browser drops a reloaded page.
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            conn.sendall(f"GET {big} HTTP/1.1\r\nHost: localhost:{port}\r\n\r\n".encode())
            conn.close()
        for _ in range(20):  # a request cut off half-way
            conn = socket.create_connection(("127.0.0.1", port), timeout=30)
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            conn.sendall(b"GET /index.html HTTP/1.1\r\nHost: loc")
            conn.close()
        time.sleep(1)
        assert raw_request(port, f"localhost:{port}").startswith(b"HTTP/1.0 200")  # still up
    text = "".join(lines)
    assert "Traceback" not in text and "Exception" not in text and "Error" not in text, text


ANSWERED = [
    ("127.0.0.1:{port}", 200),
    ("localhost:{port}", 200),
    ("LOCALHOST", 200),
    ("[::1]:{port}", 200),
    ("127.0.0.1", 200),
    ("attacker.example.com", 421),
    ("attacker.example.com:{port}", 421),
    ("localhost.attacker.example.com:{port}", 421),
    ("127.0.0.1.nip.io:{port}", 421),
    ("localhost:{port}\r\nHost: attacker.example.com", 421),
    ("", 421),
    (None, 421),
]


def test_serve_answers_only_requests_for_this_machine(served_repo):
    """A page elsewhere that rebinds its name to 127.0.0.1 (DNS rebinding) sends its own name
    as the Host: it gets 421, never a page of the site."""
    with running_serve(served_repo) as (port, lines):
        for host, answered in ANSWERED:
            shown = None if host is None else host.format(port=port)
            answer = raw_request(port, shown)
            status = answer.split(b"\r\n", 1)[0].split()[1]
            assert status == str(answered).encode(), (host, answer[:200])
            if answered == 421:
                assert b"kpictl serve answers only" in answer and b"KPIs" not in answer, host
    assert "Traceback" not in "".join(lines)
