"""A small Language Server Protocol client for the editor tests: it runs the real
yaml-language-server (npm, pinned in tests/tools/package.json) over stdio and asks what an
editor asks: completions at a position, and the diagnostics of an open document.

Every wait has a timeout and the server process is always killed, so a hung or crashed server
fails a test instead of hanging the suite.
"""

from __future__ import annotations

import json
import os
import queue
import shutil
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

REPO = Path(__file__).resolve().parent.parent
SERVER = REPO / "tests/tools/node_modules/yaml-language-server/bin/yaml-language-server"
NODE = shutil.which("node")
TIMEOUT = 30.0  # seconds for any one answer; the server answers in well under one


class LspError(RuntimeError):
    pass


def missing() -> str | None:
    """Why the server cannot run here (None when it can)."""
    if NODE is None:
        return "Node.js is not installed (.ci/run installs it)"
    if not SERVER.is_file():
        return "yaml-language-server is not installed: npm ci --prefix tests/tools"
    return None


def _read_message(stream: IO[bytes]) -> dict[str, Any] | None:
    """One Content-Length framed JSON-RPC message; None at the end of the stream."""
    length = None
    while True:
        line = stream.readline()
        if not line:
            return None
        line = line.strip()
        if not line:
            break
        name, _, value = line.decode("ascii").partition(":")
        if name.strip().lower() == "content-length":
            length = int(value.strip())
    if length is None:
        raise LspError("a message without Content-Length")
    body = stream.read(length)
    return json.loads(body.decode("utf-8")) if len(body) == length else None


class Server:
    """A running yaml-language-server: requests, notifications, and what it published."""

    def __init__(self, process: subprocess.Popen[bytes]) -> None:
        self.process = process
        self._next_id = 0
        self._answers: queue.Queue[dict[str, Any] | None] = queue.Queue()
        self._published: dict[str, list[list[dict[str, Any]]]] = {}
        self._published_changed = threading.Condition()
        self._write_lock = threading.Lock()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _send(self, message: dict[str, Any]) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode("utf-8")
        assert self.process.stdin is not None
        with self._write_lock:
            self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
            self.process.stdin.flush()

    def _read(self) -> None:
        assert self.process.stdout is not None
        try:
            while (message := _read_message(self.process.stdout)) is not None:
                if "id" in message and "method" in message:  # the server asks the client
                    self._send({"id": message["id"], "result": self._answer(message)})
                elif "id" in message:
                    self._answers.put(message)
                elif message.get("method") == "textDocument/publishDiagnostics":
                    params = message["params"]
                    with self._published_changed:
                        self._published.setdefault(params["uri"], []).append(params["diagnostics"])
                        self._published_changed.notify_all()
        except (OSError, ValueError, LspError):
            pass
        finally:
            self._answers.put(None)  # wakes a waiting request: the server has gone

    @staticmethod
    def _answer(message: dict[str, Any]) -> Any:
        if message["method"] == "workspace/configuration":
            return [None for _ in message["params"]["items"]]
        return None  # client/registerCapability, window/workDoneProgress/create

    def request(self, method: str, params: dict[str, Any]) -> Any:
        self._next_id += 1
        wanted = self._next_id
        self._send({"id": wanted, "method": method, "params": params})
        while True:
            try:
                answer = self._answers.get(timeout=TIMEOUT)
            except queue.Empty:
                raise LspError(f"no answer to {method} in {TIMEOUT:.0f} s") from None
            if answer is None:
                raise LspError(f"the server stopped before answering {method}")
            if answer.get("id") == wanted:
                if "error" in answer:
                    raise LspError(f"{method}: {answer['error']}")
                return answer.get("result")

    def notify(self, method: str, params: dict[str, Any]) -> None:
        self._send({"method": method, "params": params})

    def open(self, path: Path, text: str) -> str:
        """Open ``text`` as the document at ``path`` (not read from disk); return its URI."""
        uri = path.resolve().as_uri()
        self.notify(
            "textDocument/didOpen",
            {"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": text}},
        )
        return uri

    def completion_labels(self, uri: str, line: int, character: int) -> list[str]:
        result = self.request(
            "textDocument/completion",
            {"textDocument": {"uri": uri}, "position": {"line": line, "character": character}},
        )
        items = result.get("items", []) if isinstance(result, dict) else (result or [])
        return [item["label"] for item in items]

    def diagnostics_of(self, uri: str) -> list[dict[str, Any]]:
        """The diagnostics the server first publishes for ``uri`` (after it is opened)."""
        with self._published_changed:
            if not self._published_changed.wait_for(lambda: uri in self._published, TIMEOUT):
                raise LspError(f"no diagnostics published for {uri} in {TIMEOUT:.0f} s")
            return self._published[uri][0]


@contextmanager
def language_server(settings: dict[str, Any] | None = None) -> Iterator[Server]:
    """A started and initialised yaml-language-server, killed on the way out whatever happens."""
    reason = missing()
    if reason is not None:
        raise LspError(reason)
    assert NODE is not None
    process = subprocess.Popen(
        [NODE, str(SERVER), "--stdio"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        cwd=REPO,
        env={**os.environ, "NODE_NO_WARNINGS": "1"},
    )
    try:
        server = Server(process)
        server.request(
            "initialize",
            {
                "processId": os.getpid(),
                "rootUri": REPO.as_uri(),
                "capabilities": {
                    "textDocument": {
                        "completion": {"completionItem": {"snippetSupport": True}},
                        "publishDiagnostics": {},
                    },
                    "workspace": {"configuration": False},
                },
            },
        )
        server.notify("initialized", {})
        yaml_settings = {
            "validate": True,
            "completion": True,
            "hover": True,
            "schemaStore": {"enable": False},  # no download of schemastore.org's catalog
            **(settings or {}),
        }
        server.notify("workspace/didChangeConfiguration", {"settings": {"yaml": yaml_settings}})
        yield server
    finally:
        process.kill()
        process.wait(timeout=TIMEOUT)
        for stream in (process.stdin, process.stdout):
            if stream is not None:
                stream.close()
