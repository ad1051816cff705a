"""Wiring for `kpictl report`: history → timelines → KPIs, at an as-of time."""

from __future__ import annotations

import time

from kpictl.config import Config
from kpictl.dates import DateError, parse_declared, zone
from kpictl.errors import KpictlError
from kpictl.history import read_history
from kpictl.kpis import Report, compute
from kpictl.timeline import build_timelines


def parse_as_of(text: str | None, config: Config, default: int) -> int:
    if text is None:
        return default
    if text == "now":
        return int(time.time())
    try:
        return int(parse_declared(text, zone(config.timezone))[0].timestamp())
    except DateError as exc:
        raise KpictlError(f"--as-of: {exc}, or `now`") from None


def build_report(
    config: Config, *, as_of: str | None = None, ref: str | None = None, worktree: bool = False
) -> tuple[Report, list[str]]:
    history = read_history(config, ref=ref, worktree=worktree)
    moment = parse_as_of(as_of, config, history.head_landed_at)
    if worktree and as_of is None:
        moment = int(time.time())
    timelines = build_timelines(history, config, as_of=moment)
    head = history.head_at(moment)
    return compute(timelines, config, moment, head), history.warnings
