"""`kpictl serve`: build, serve on localhost, rebuild when a project file or the site changes."""

from __future__ import annotations

import functools
import gc
import os
import re
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from kpictl.config import CONFIG_FILE, Config, load_config
from kpictl.errors import KpictlError, write_crash_log
from kpictl.pipeline import compute_as_of
from kpictl.scratch import scratch_folder
from kpictl.site.build import build_site
from kpictl.site.output_folder import site_target


def _snapshot(config: Config) -> dict[str, tuple[int, int, int]]:
    """What a rebuild depends on, as each file's type, size and modification time: the project
    and site files, kpictl.yaml, and the branch heads (a commit changes the dates). Nothing is
    opened or followed (a FIFO or a link to /dev/zero is only looked at), and a file that goes
    away while being looked at (an editor saving) is simply not there."""
    watched: dict[str, tuple[int, int, int]] = {}
    git_dir = config.root / ".git"
    files = [config.root / CONFIG_FILE, git_dir / "HEAD", git_dir / "packed-refs"]
    for folder in (config.projects_path, config.root / config.site_dir, git_dir / "refs" / "heads"):
        for parent, _, names in os.walk(folder):
            files.extend(Path(parent) / name for name in names)
    for file in files:
        try:
            status = file.lstat()
        except OSError:
            continue
        watched[str(file)] = (status.st_mode, status.st_size, status.st_mtime_ns)
    return watched


# The Host a browser sends for this machine, with or without a port (a tunnel may change it).
_LOCAL_HOST = re.compile(r"(127\.0\.0\.1|localhost|\[::1\])(:[0-9]{1,5})?", re.IGNORECASE)


class _Quiet(SimpleHTTPRequestHandler):
    """Serves the site to this machine's browser only: a request naming another host (a page
    elsewhere that rebound its name to 127.0.0.1, DNS rebinding) is answered 421."""

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def parse_request(self) -> bool:
        if not super().parse_request():
            return False
        hosts = self.headers.get_all("Host") or []
        if len(hosts) != 1 or not _LOCAL_HOST.fullmatch(hosts[0].strip()):
            self.send_error(
                HTTPStatus.MISDIRECTED_REQUEST,
                "kpictl serve answers only http://127.0.0.1, http://localhost and http://[::1]",
            )
            return False
        return True


_DROPPED = (BrokenPipeError, ConnectionResetError, ConnectionAbortedError)


class _Server(ThreadingHTTPServer):
    """Says nothing when a browser drops a connection (it does, reloading a page mid-answer);
    anything else going wrong with a request is a bug: one line, and the details in a log."""

    def __init__(
        self, address: tuple[str, int], handler: Callable[..., Any], echo: Callable[[str], None]
    ) -> None:
        super().__init__(address, handler)
        self.echo = echo

    def handle_error(self, request: Any, client_address: Any) -> None:
        error = sys.exc_info()[1]
        if isinstance(error, _DROPPED):
            return
        log = write_crash_log(traceback.format_exc())
        where = f"; details in {log}" if log else ""
        self.echo(
            f"kpictl: internal error answering a request ({type(error).__name__}: {error})"
            f"{where}. This is a bug in kpictl; please report it with that file."
        )


def serve_site(
    config: Config,
    *,
    port: int,
    out: Path | None,
    echo: Callable[[str], None],
    poll_seconds: float = 1.0,
    stop: threading.Event | None = None,
) -> None:
    with _site_folder(config, out) as target:
        handler = functools.partial(_Quiet, directory=str(target))
        # Bind before building: a port in use is a clear error at once, not after a build.
        try:
            server = _Server(("127.0.0.1", port), handler, echo)
        except OSError as exc:
            raise KpictlError(
                f"cannot listen on 127.0.0.1:{port} ({exc.strerror}); try another --port"
            ) from None
        try:
            _serve(config, server, target, echo, poll_seconds, stop or threading.Event())
        finally:
            server.server_close()


@contextmanager
def _site_folder(config: Config, out: Path | None) -> Iterator[Path]:
    """``--out`` after the checks of `kpictl build`, or a scratch folder removed at the end."""
    if out is not None:
        yield site_target(config, out)
        return
    with scratch_folder(Path(tempfile.gettempdir()), "kpictl-serve-") as folder:
        yield folder / "site"


def _serve(
    config: Config,
    server: _Server,
    target: Path,
    echo: Callable[[str], None],
    poll_seconds: float,
    stop: threading.Event,
) -> None:
    def rebuild(first: bool = False) -> None:
        nonlocal config
        started = time.perf_counter()
        try:
            if not first:
                config = load_config(config.root)  # kpictl.yaml may have changed too
            computed = compute_as_of(config, as_of="now", worktree=True)
            address = f"http://127.0.0.1:{server.server_address[1]}/"
            result = build_site(computed, config, out=target, served_at=address)
        except KpictlError as exc:
            if first:
                raise  # nothing to serve yet: a fatal error at start exits, with its message
            echo(f"kpictl: error: {exc} (keeping the last good site)")
            return
        finally:
            # The history cache sets what it loads aside from cycle collection (gc.freeze),
            # right for one run; a server rebuilding for hours gives it back after each build,
            # so cycles among what an earlier build left behind are still collected.
            gc.unfreeze()
        echo(f"built {result.pages} pages in {time.perf_counter() - started:.1f} s")

    rebuild(first=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    echo(f"serving http://127.0.0.1:{server.server_address[1]}/ (Ctrl-C to stop)")
    seen = _snapshot(config)
    try:
        while not stop.wait(poll_seconds):
            now = _snapshot(config)
            if now != seen:
                seen = now
                echo("a project, site or configuration file, or the branch, changed; rebuilding")
                rebuild()
    finally:
        server.shutdown()
