"""`kpictl serve`: build, serve on localhost, rebuild when a project file or the site changes."""

from __future__ import annotations

import functools
import tempfile
import threading
import time
from collections.abc import Callable
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from kpictl.config import Config
from kpictl.errors import KpictlError
from kpictl.pipeline import compute_as_of
from kpictl.site.build import build_site


def _snapshot(config: Config) -> dict[str, float]:
    """Modification times of everything a rebuild depends on."""
    watched: dict[str, float] = {}
    for folder in (config.projects_path, config.root / config.site_dir):
        if folder.is_dir():
            for path in folder.rglob("*"):
                if path.is_file():
                    watched[str(path)] = path.stat().st_mtime
    config_file = config.root / "kpictl.yaml"
    if config_file.is_file():
        watched[str(config_file)] = config_file.stat().st_mtime
    return watched


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def serve_site(
    config: Config,
    *,
    port: int,
    out: Path | None,
    echo: Callable[[str], None],
    poll_seconds: float = 1.0,
    stop: threading.Event | None = None,
) -> None:
    target = out or Path(tempfile.mkdtemp(prefix="kpictl-serve-")) / "site"

    def rebuild() -> None:
        started = time.perf_counter()
        try:
            computed = compute_as_of(config, as_of="now", worktree=True)
            result = build_site(computed, config, out=target)
        except KpictlError as exc:
            echo(f"kpictl: error: {exc} (keeping the last good site)")
            return
        echo(f"built {result.pages} pages in {time.perf_counter() - started:.1f} s")

    rebuild()
    handler = functools.partial(_Quiet, directory=str(target))
    try:
        server = ThreadingHTTPServer(("127.0.0.1", port), handler)
    except OSError as exc:
        raise KpictlError(
            f"cannot listen on 127.0.0.1:{port} ({exc.strerror}); try --port"
        ) from None
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    echo(f"serving http://127.0.0.1:{server.server_address[1]}/ (Ctrl-C to stop)")
    stop = stop or threading.Event()
    seen = _snapshot(config)
    try:
        while not stop.wait(poll_seconds):
            now = _snapshot(config)
            if now != seen:
                seen = now
                echo("a project or site file changed; rebuilding")
                rebuild()
    finally:
        server.shutdown()
        server.server_close()
