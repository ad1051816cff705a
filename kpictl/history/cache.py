"""The cache files under the git directory: parsed revisions by blob id, the log, and each
project's JSON.

A cache only saves time: a file that cannot be read is rebuilt, one that cannot be written is
skipped, and nothing in it is trusted across kpictl versions or parsing configurations.
"""

from __future__ import annotations

import gc
import hashlib
import marshal
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from kpictl import __version__
from kpictl.history.model import LogEntry

_COMMIT_ID = re.compile("[0-9a-f]{40}|[0-9a-f]{64}")
_CACHE_FORMAT = 5  # 3: paths, authors and subjects escaped; 5: landing bounds, the ledger


_MAGIC = b"kpictl-cache 1 "  # then the SHA-256 of the payload in hex, a line break, the payload


def write_atomically(path: Path, payload: bytes) -> None:
    """Replace ``path`` with ``payload`` behind a checksum header, in one step (a reader sees the
    old or the new file); a cache that cannot be written only costs time, so errors are ignored."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temp = path.with_suffix(f".{os.getpid()}.tmp")
        digest = hashlib.sha256(payload).hexdigest().encode()
        temp.write_bytes(_MAGIC + digest + b"\n" + payload)
        os.replace(temp, path)
    except OSError:
        pass


def read_checked(path: Path) -> bytes | None:
    """The payload of a cache file whose checksum matches; None when it is missing or damaged,
    so that a damaged cache costs a rebuild and never changes an answer."""
    try:
        raw = path.read_bytes()
    except OSError:
        return None
    header_end = len(_MAGIC) + 64
    if not raw.startswith(_MAGIC) or raw[header_end : header_end + 1] != b"\n":
        return None
    payload = raw[header_end + 1 :]
    if hashlib.sha256(payload).hexdigest().encode() != raw[len(_MAGIC) : header_end]:
        return None
    return payload


@contextmanager
def no_cycle_collection() -> Iterator[None]:
    """Python's cycle collector paused around work that builds or walks millions of objects and
    makes no cycle (loading, replaying, writing a cache), and what it built set aside from later
    collections (``gc.freeze``), which would walk it all again for nothing: that walking took
    two thirds of a warm run. Set aside, it is still freed as usual when no longer used."""
    if not gc.isenabled():
        yield
        return
    gc.collect(1)  # the young garbage first: freezing it would keep any cycles in it
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.enable()


def read_marshal(path: Path) -> Any:
    """The cached value at ``path``, or None when it is missing or damaged."""
    payload = read_checked(path)
    if payload is None:
        return None
    try:
        with no_cycle_collection():
            return marshal.loads(payload)
    except (EOFError, ValueError, TypeError):
        return None


class RevisionCache:
    """Parsed revisions by blob id, the log up to a head and, when the log was replayed as git
    gave it, the replay's ledger at that head (``IdentityLedger.snapshot``), in one marshal
    file: one payload, so the ledger shares its data with the parsed revisions."""

    def __init__(
        self, folder: Path, key_parts: tuple[str, ...], enabled: bool, load: bool = True
    ) -> None:
        key = hashlib.sha256(
            "|".join((str(_CACHE_FORMAT), __version__, *key_parts)).encode()
        ).hexdigest()[:16]
        self.path = folder / f"history-{key}.marshal"
        self.enabled = enabled
        self.blobs: dict[str, Any] = {}
        self.head: str | None = None
        self.log: list[LogEntry] = []
        self.ledger: Any = None  # the replay's ledger at ``head``, as plain data
        self.loaded = False  # whether anything was read from the cache file
        if enabled and load:
            data = read_marshal(self.path)
            # The checksum catches damage; a payload of another shape (a bug, another writer)
            # is refused as a whole, so it costs a cold read and never a crash.
            if (
                isinstance(data, dict)
                and isinstance(data.get("blobs"), dict)
                and isinstance(data.get("head"), str)
                and _COMMIT_ID.fullmatch(data["head"]) is not None  # it reaches git's arguments
                and isinstance(data.get("log"), list)
            ):
                self.blobs, self.head, self.log = data["blobs"], data["head"], data["log"]
                ledger = data.get("ledger")
                self.ledger = ledger if isinstance(ledger, tuple) and len(ledger) == 7 else None
                self.loaded = True

    @property
    def fragments_path(self) -> Path | None:
        """Where the per-project JSON of `kpictl history` is kept, when caching is on."""
        return self.path.with_name(self.path.stem + "-json.marshal") if self.enabled else None

    def save(self, head: str, log: list[LogEntry], ledger: Any = None) -> None:
        if self.enabled:
            kept = {"blobs": self.blobs, "head": head, "log": log, "ledger": ledger}
            with no_cycle_collection():
                payload = marshal.dumps(kept)
            write_atomically(self.path, payload)


class FragmentCache:
    """Each project's encoded JSON, kept by the commits of its revisions and a key of what else
    the encoding depends on, so a run after one new commit encodes only what it touched."""

    def __init__(self, path: Path | None, key: str) -> None:
        self.path = path
        self.key = key
        self.entries: dict[str, tuple[Any, str]] = {}
        self.changed = False
        if path is not None:
            stored = read_marshal(path)
            shaped = isinstance(stored, tuple) and len(stored) == 2 and isinstance(stored[1], dict)
            if shaped and stored[0] == key:
                self.entries = stored[1]

    def get(self, project_id: str, signature: Any) -> str | None:
        entry = self.entries.get(project_id)
        if signature is None or not isinstance(entry, tuple) or len(entry) != 2:
            return None
        fragment = entry[1]
        return fragment if entry[0] == signature and isinstance(fragment, str) else None

    def put(self, project_id: str, signature: Any, fragment: str) -> None:
        if signature is not None:
            self.entries[project_id] = (signature, fragment)
            self.changed = True

    def save(self) -> None:
        if self.path is not None and self.changed:
            with no_cycle_collection():
                payload = marshal.dumps((self.key, self.entries))
            write_atomically(self.path, payload)
