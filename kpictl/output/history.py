"""`kpictl history` output: the JSON contract other tools read, and text for people."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, Literal

from kpictl import __version__
from kpictl.config import Config
from kpictl.dates import DAY, iso, minute_text
from kpictl.history.cache import FragmentCache
from kpictl.history.model import BranchHistory, ProjectHistory
from kpictl.kpis.timeline import Dated, Event, Item, Timeline, build_timeline, build_timelines
from kpictl.output.contracts import HISTORY_SCHEMA_VERSION
from kpictl.output.jsontext import json_text
from kpictl.printable import json_safe, printable

HistoryFormat = Literal["text", "json"]


def _dated(d: Dated) -> dict[str, Any]:
    out: dict[str, Any] = {
        "status": d.status,
        "started_at": iso(d.started_at),
        "done_at": iso(d.done_at),
        "source": d.source,
        "commit": d.commit,
    }
    if d.started_source == "created":
        out["started_source"] = "created"
    if d.provisional:
        out["provisional"] = True
    return out


def _item(i: Item, done_key: str) -> dict[str, Any]:
    out: dict[str, Any] = {"id": i.id}
    if i.kind is not None:
        out["kind"] = i.kind
    out.update(status=i.status, requested_at=iso(i.requested_at), **{done_key: iso(i.done_at)})
    out["commit"] = i.commit
    if i.recorded_done:
        out["recorded_done"] = True
    if i.provisional:
        out["provisional"] = True
    return out


def _event(e: Event) -> dict[str, Any]:
    out: dict[str, Any] = {
        "landed_at": iso(e.landed_at),
        "authored_at": iso(e.authored_at),
        "commit": e.commit,
        "author": e.author,
        "subject": e.subject,
        "field": e.field,
        "old": e.old,
        "new": e.new,
    }
    if e.provisional:
        out["provisional"] = True
    return out


def timeline_json(t: Timeline) -> dict[str, Any]:
    return {
        "id": t.id,
        "name": t.data.get("name"),
        "team": t.data.get("team"),
        "path": t.path,
        "created_at": iso(t.created_at),
        "created_commit": t.created_commit,
        "archived": t.archived,
        "milestones": {k: _dated(v) for k, v in t.milestones.items()},
        "environments": {k: _dated(v) for k, v in t.environments.items()},
        "updates": [_item(i, "live_at") for i in t.updates],
        "feedback_rounds": [_item(i, "addressed_at") for i in t.feedback_rounds],
        "costs": [
            {
                "item": c.item,
                "category": c.category,
                "amount": c.amount,
                "currency": c.currency,
                "per": c.per,
                "added_at": iso(c.added_at),
                "starts_at": iso(c.starts_at),
                "ends_at": iso(c.ends_at),
                "commit": c.commit,
            }
            for c in t.costs
        ],
        "benefits": [
            {
                "item": b.item,
                "kind": b.kind,
                "amount": b.amount,
                "currency": b.currency,
                "per": b.per,
                "basis": b.basis,
                "added_at": iso(b.added_at),
                "starts_at": iso(b.starts_at),
                "ends_at": iso(b.ends_at),
                "commit": b.commit,
                "measured_at": iso(b.measured_at),
                "measured_commit": b.measured_commit,
            }
            for b in t.benefits
        ],
        "events": [_event(e) for e in t.events],
    }


def _dumps(value: Any) -> str:
    # Compact: a large history's JSON is megabytes, and the C encoder only runs without indent.
    return json_text(value, compact=True)


def history_json(history: BranchHistory, config: Config, ids: Iterable[str] = ()) -> str:
    """The JSON contract. Each project's part is kept in the history cache by the commits of its
    revisions, so a run after one new commit rebuilds and encodes only the project it touched."""
    key = repr((config.milestone_ids, config.environments, config.timezone, __version__))
    cache = FragmentCache(history.memo_path, key)
    wanted = set(ids)
    parts = []
    for project_id, project in sorted(history.projects.items()):
        if wanted and project_id not in wanted:
            continue
        signature = _signature(project)
        fragment = cache.get(project_id, signature)
        if fragment is None:
            fragment = _dumps(timeline_json(build_timeline(project, config)))
            cache.put(project_id, signature, fragment)
        parts.append(fragment)
    cache.save()
    # A fragment cached by an older kpictl may hold raw bidi characters: escaped here.
    return json_safe(
        f'{{"schema_version":{HISTORY_SCHEMA_VERSION},'
        f'"head":{_dumps(history.head)},"ref":{_dumps(history.ref)},'
        f'"projects":[{",".join(parts)}],"warnings":{_dumps(history.warnings)}}}\n'
    )


def _signature(project: ProjectHistory) -> tuple[tuple[str, str], ...] | None:
    if any(r.commit is None for r in project.revisions):
        return None  # provisional revisions are dated now: never reused
    return tuple((r.commit.sha, r.path) for r in project.revisions if r.commit is not None)


def _when(epoch: int | None) -> str:
    return "" if epoch is None else minute_text(epoch)


def _took(d: Dated) -> str:
    if d.started_at is None or d.done_at is None:
        return ""
    if d.done_at < d.started_at:
        return "skew"  # done before started: clock skew, warned about above
    return f"{(d.done_at - d.started_at) / DAY:.1f} d"


def _short(sha: str | None) -> str:
    return sha[:8] if sha else "worktree"


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return "—" if value is None else printable(str(value))


def history_text(history: BranchHistory, config: Config, ids: Iterable[str] = ()) -> str:
    timelines = build_timelines(history, config, ids)
    lines: list[str] = [f"{history.ref} at {history.head[:10]}; times in UTC", ""]
    for t in timelines:
        state = "  (archived)" if t.archived else ""
        lines.append(f"{t.id}  ·  {_value(t.data.get('name'))}  ·  {t.path}{state}")
        lines.append(f"  created {_when(t.created_at)} in {_short(t.created_commit)}")
        header = f"  {'milestone':<28}{'status':<13}{'started':<18}{'done':<18}{'took':>9}  commit"
        lines.append(header)
        for section in (t.milestones, t.environments):
            for name, d in section.items():
                mark = {
                    "declared": " (declared)",
                    "added": " (file added)",
                    "created": " (done before the file; no date)",
                }.get(d.source or "", "")
                commit = "" if d.done_at is None else _short(d.commit) + mark
                lines.append(
                    f"  {name:<28}{d.status:<13}{_when(d.started_at):<18}{_when(d.done_at):<18}"
                    f"{_took(d):>9}  {commit}".rstrip()
                )
        if t.events:
            lines.append("  changes")
        for e in t.events:
            lines.append(
                f"  {_when(e.landed_at)}  {_short(e.commit)}  {printable(e.field)}: "
                f"{_value(e.old)} → {_value(e.new)}"
            )
        lines.append("")
    lines.append(f"{len(timelines)} project{'s' if len(timelines) != 1 else ''}")
    return "\n".join(lines) + "\n"


HISTORY_FORMATS: dict[HistoryFormat, Callable[[BranchHistory, Config, Iterable[str]], str]] = {
    "text": history_text,
    "json": history_json,
}
