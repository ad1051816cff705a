"""kpictl.yaml over the packaged defaults, as plain data: catalog entries by id, sections key
by key; and the check that a removed milestone is no longer named."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kpictl.errors import KpictlError

# The sections whose keys kpictl.yaml changes one by one; any other key replaces the default.
_SECTIONS = ("currency", "purgatory", "current", "site", "roles", "forecast", "publish")


def merge_over_defaults(
    data: dict[str, Any], written: dict[str, Any], source: str | None
) -> tuple[dict[str, Any], list[str]]:
    """kpictl.yaml's ``written`` data over the defaults' ``data`` (changed in place); also
    returns the milestone ids it removed."""
    removed: list[str] = []
    for key, value in written.items():
        if key == "milestones":
            data["milestones"], removed = _merge_catalog(
                data["milestones"], value, "milestone", source, _new_milestone
            )
        elif key == "kpis":
            data["kpis"], _ = _merge_catalog(data["kpis"], value, "KPI", source, _new_kpi(source))
        elif key in _SECTIONS:
            merged = dict(data[key])
            merged.update(value)
            if key == "currency":
                merged["rates"] = {**data[key]["rates"], **value.get("rates", {})}
            data[key] = merged
        elif not key.startswith("x-"):
            data[key] = value
    return data, removed


def _merge_catalog(
    base: list[dict[str, Any]],
    extra: list[dict[str, Any]],
    what: str,
    source: str | None,
    new: Callable[[dict[str, Any]], dict[str, Any]],
) -> tuple[list[dict[str, Any]], list[str]]:
    """``extra`` over ``base``: a known id changes its entry, `removed: true` drops it, a new id
    is added (``new`` fills in its defaults). Also returns the ids that were removed."""
    merged = [dict(e) for e in base]
    removed: list[str] = []
    for entry in extra:
        index = {e["id"]: e for e in merged}
        name = entry["id"]
        if entry.get("removed"):
            if name not in index:
                raise KpictlError(
                    f"{source}: there is no {what} {name!r} to remove; {what}s: {', '.join(index)}"
                )
            rest = sorted(k for k in entry if k not in ("id", "removed") and not k.startswith("x-"))
            if rest:
                raise KpictlError(
                    f"{source}: the {what} {name!r} is removed, so its entry takes only its id "
                    f"and `removed: true`, not {', '.join(rest)}"
                )
            merged.remove(index[name])
            removed.append(name)
            continue
        changes = {k: v for k, v in entry.items() if k != "removed"}
        if name in index:
            index[name].update(changes)
        else:
            merged.append(new(changes))
            if name in removed:
                removed.remove(name)  # removed, then added again
    return merged, removed


def _new_milestone(entry: dict[str, Any]) -> dict[str, Any]:
    title = entry["id"].replace("_", " ").capitalize()
    return {"title": title, "phase": "production", "description": "", **entry}


def _new_kpi(source: str | None) -> Callable[[dict[str, Any]], dict[str, Any]]:
    def new(entry: dict[str, Any]) -> dict[str, Any]:
        missing = [k for k in ("title", "measure", "unit") if k not in entry]
        if missing:
            raise KpictlError(
                f"{source}: the new KPI {entry['id']!r} needs {', '.join(missing)} "
                "(a KPI with a default id only needs the keys it changes)"
            )
        return {"phase": "scale", "description": "", "target": None, "direction": "lower", **entry}

    return new


def _and(names: list[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def check_removed(removed: list[str], data: dict[str, Any], source: str | None) -> None:
    """A removed milestone that a KPI, a gate or a role still names is an error naming them all."""
    problems: list[str] = []
    fixes: dict[str, None] = {}  # ordered, without repeats
    for name in removed:
        found: list[str] = []
        for kpi in data["kpis"]:
            for key in ("from", "to"):
                event = kpi["measure"].get(key)
                if isinstance(event, str) and event.removesuffix(".started") == name:
                    found.append(f"the KPI {kpi['id']} (measure.{key})")
                    fixes[
                        "give each of those KPIs a measure under `kpis:` (or remove it with "
                        "`removed: true`)"
                    ] = None
        for gate in data["gates"]:
            if name in (gate["milestone"], *gate["requires"]):
                found.append(f"the gate on {gate['milestone']}")
                fixes["list the gates again under `gates:`"] = None
        for role, milestone in data["roles"].items():
            if milestone == name:
                found.append(f"roles.{role}")
                fixes[f"set `roles: {{{role}: <milestone>}}`"] = None
        if found:
            problems.append(
                f"the milestone {name!r} is removed, but {_and(found)} still "
                f"refer{'s' if len(found) == 1 else ''} to it"
            )
    if problems:
        raise KpictlError(f"{source}: {'; '.join(problems)}; in kpictl.yaml, {_and(list(fixes))}")
