"""A one-line progress display on a terminal; nothing at all in CI or when output is piped."""

from __future__ import annotations

import os
import sys
import time


class Progress:
    def __init__(self, label: str, total: int, *, every: float = 0.2) -> None:
        self.label = label
        self.total = total
        self.every = every
        self.shown = 0.0
        self.active = total > 0 and sys.stderr.isatty() and not os.environ.get("CI")

    def update(self, done: int) -> None:
        if not self.active:
            return
        now = time.monotonic()
        if now - self.shown >= self.every:
            self.shown = now
            sys.stderr.write(f"\r{self.label}: {done:,}/{self.total:,}")
            sys.stderr.flush()

    def close(self) -> None:
        if self.active and self.shown:
            sys.stderr.write("\r\x1b[K")
            sys.stderr.flush()
