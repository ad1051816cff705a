"""kpictl.yaml: the organisation's configuration, merged over the packaged defaults."""

from __future__ import annotations

import copy
import os
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path, PurePosixPath
from typing import Any, Literal

from kpictl.config.catalog import (
    DIRECTIONS,
    ITEM_LISTS,
    MEASURE_TYPES,
    MILESTONE_STATUSES,
    PHASES,
    CostMeasure,
    DurationMeasure,
    EnvironmentsMeasure,
    Gate,
    ItemsMeasure,
    KpiDef,
    Measure,
    MilestoneDef,
    Roles,
    TcoMeasure,
    one_of,
)
from kpictl.errors import KpictlError
from kpictl.yamlfile import Document, load_bytes, load_file

__all__ = [
    "CONFIG_FILE",
    "MAX_RATE",
    "MILESTONE_ID",
    "MIN_RATE",
    "SLUG",
    "Config",
    "ForecastSettings",
    "Gate",
    "KpiDef",
    "MilestoneDef",
    "Roles",
    "default_config",
    "find_root",
    "load_config",
]

CONFIG_FILE = "kpictl.yaml"
# (?!\n) before $: in Python, $ also matches before a final line break; in JSON Schema
# (ECMAScript) it does not. The look-ahead makes both read the pattern the same way.
SLUG = r"^[a-z0-9]+(-[a-z0-9]+)*(?!\n)$"
MILESTONE_ID = r"^[a-z][a-z0-9_]*(?!\n)$"
# A conversion rate's bounds: any real pair of currencies is well inside them, and an amount
# (at most 1e12) times a rate stays a finite number of the reporting currency, never 0.
MIN_RATE = 1e-9
MAX_RATE = 1e9


@dataclass(frozen=True)
class Publish:
    """What the published site shows: people by name, initials or not at all; owners'
    e-mail addresses or not; costs in full, totals only, or not at all."""

    people: Literal["names", "initials", "none"] = "names"
    emails: bool = False
    costs: Literal["true", "totals", "false"] = "true"


@dataclass(frozen=True)
class ForecastSettings:
    """Launch forecasts: on or off, the completed steps they need, and how far back they look."""

    enabled: bool = True
    min_basis: int = 5  # projects that completed a step on the path, at the least
    window_days: int | None = 730  # steps that started this many days before the as-of; None: all


@dataclass(frozen=True)
class Config:
    root: Path
    source: str | None  # the kpictl.yaml that was read, relative to the root; None for defaults
    projects_dir: str
    timezone: str
    milestones: tuple[MilestoneDef, ...]
    environments: tuple[str, ...]
    gates: tuple[Gate, ...]
    roles: Roles
    kpis: tuple[KpiDef, ...] = ()
    reporting_currency: str = "USD"
    rates: tuple[tuple[str, float], ...] = ()  # currency → units of the reporting currency
    poc_days: int = 90
    stale_days: int = 60
    forecast: ForecastSettings = ForecastSettings()
    current_quarters: int = 4  # a KPI's current value: the values that ended in these quarters
    teams: tuple[tuple[str, str], ...] = ()  # team id → the name people know it by
    publish: Publish = Publish()
    repo_url: str | None = None
    site_dir: str = "site"
    site_out: str = "build/site"

    @property
    def milestone_ids(self) -> tuple[str, ...]:
        return tuple(m.id for m in self.milestones)

    @property
    def projects_path(self) -> Path:
        return self.root / self.projects_dir

    def team_name(self, team: str) -> str:
        """The team's display name from kpictl.yaml, else its id as written."""
        return dict(self.teams).get(team, team)


def _catalog_entry(extra: dict[str, Any]) -> dict[str, Any]:
    """A milestone or KPI entry of kpictl.yaml: an id, and what it changes or adds."""
    return {
        "type": "object",
        "additionalProperties": False,
        "patternProperties": {"^x-": {}},
        "required": ["id"],
        "properties": {
            "id": {"type": "string", "pattern": MILESTONE_ID},
            "title": {"type": "string", "minLength": 1},
            "phase": {"enum": list(PHASES)},
            "description": {"type": "string"},
            "removed": {"type": "boolean"},
            **extra,
        },
    }


def _config_schema() -> dict[str, Any]:
    text = {"type": "string", "minLength": 1}
    return {
        "type": "object",
        "additionalProperties": False,
        "patternProperties": {"^x-": {}},
        "properties": {
            "projects_dir": text,
            "timezone": text,
            "milestones": {"type": "array", "items": _catalog_entry({})},
            "roles": {
                "type": "object",
                "additionalProperties": False,
                "properties": {
                    role: {"type": "string", "pattern": MILESTONE_ID}
                    for role in ("start", "go", "launch")
                },
            },
            "environments": {
                "type": "array",
                "minItems": 1,
                "uniqueItems": True,
                "items": {"type": "string", "pattern": SLUG},
            },
            "repo_url": {"type": ["string", "null"], "pattern": "^https?://[^\\s]+$"},
            "site": {
                "type": "object",
                "additionalProperties": False,
                "properties": {"dir": text, "out": text},
            },
            "currency": {
                "type": "object",
                "additionalProperties": False,
                "properties": {
                    "reporting": {"type": "string", "pattern": "^[A-Z]{3}$"},
                    "rates": {
                        "type": "object",
                        "propertyNames": {"pattern": "^[A-Z]{3}$"},
                        "additionalProperties": {
                            "type": "number",
                            "minimum": MIN_RATE,
                            "maximum": MAX_RATE,
                        },
                    },
                },
            },
            "purgatory": {
                "type": "object",
                "additionalProperties": False,
                "properties": {
                    "poc_days": {"type": "integer", "minimum": 1},
                    "stale_days": {"type": "integer", "minimum": 1},
                },
            },
            "forecast": {
                "type": "object",
                "additionalProperties": False,
                "properties": {
                    "enabled": {"type": "boolean"},
                    "min_basis": {"type": "integer", "minimum": 2},
                    "window_days": {"type": ["integer", "null"], "minimum": 30},
                },
            },
            "current": {
                "type": "object",
                "additionalProperties": False,
                "properties": {"quarters": {"type": "integer", "minimum": 1, "maximum": 40}},
            },
            "publish": {
                "type": "object",
                "additionalProperties": False,
                "properties": {
                    "people": {"enum": ["names", "initials", "none"]},
                    "emails": {"type": "boolean"},
                    "costs": {"enum": [True, "totals", False]},
                },
            },
            "teams": {
                "type": "object",
                "propertyNames": {"pattern": SLUG},
                "additionalProperties": {"type": "string", "minLength": 1},
            },
            "kpis": {
                "type": "array",
                "items": _catalog_entry(
                    {
                        "unit": text,
                        "target": {"type": ["number", "null"]},
                        "direction": {"enum": list(DIRECTIONS)},
                        "learning_curve": {"type": "boolean"},
                        "headline": {"type": "boolean"},
                        "measure": {
                            "type": "object",
                            "additionalProperties": False,
                            "required": ["type"],
                            "properties": {
                                "type": {"enum": list(MEASURE_TYPES)},
                                "from": text,
                                "to": text,
                                "items": {"enum": list(ITEM_LISTS)},
                                "kind": text,
                                "projection_years": {
                                    "type": "number",
                                    "exclusiveMinimum": 0,
                                    "maximum": 100,  # beyond it, a projection is no number
                                },
                            },
                        },
                    }
                ),
            },
            "gates": {
                "type": "array",
                "items": {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["milestone", "requires"],
                    "properties": {
                        "milestone": {"type": "string"},
                        "status": {"enum": list(MILESTONE_STATUSES)},
                        "requires": {"type": "array", "items": {"type": "string"}},
                        "reason": {"type": "string"},
                    },
                },
            },
        },
    }


def _defaults() -> dict[str, Any]:
    raw = resources.files("kpictl.config").joinpath("defaults.yaml").read_bytes()
    doc, problems = load_bytes(raw, "kpictl/config/defaults.yaml")
    if doc is None:  # a packaging defect, not a user's problem
        raise RuntimeError(f"the packaged defaults are broken: {problems[0]}")
    return doc.data


def find_root(start: Path) -> Path:
    """The nearest folder holding kpictl.yaml, else the nearest git work tree, else ``start``."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if os.path.lexists(folder / CONFIG_FILE):  # whatever it is: load_config says if unusable
            return folder
    for folder in (start, *start.parents):
        if (folder / ".git").exists():
            return folder
    return start


def _check(doc: Document) -> None:
    from kpictl.yamlfile.fastschema import compile_schema

    schema = _config_schema()
    if not compile_schema(schema)(doc.data):
        from kpictl.config.explain import explain  # jsonschema only to say what is wrong

        raise explain(doc, schema)


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


def _check_removed(removed: list[str], data: dict[str, Any], source: str | None) -> None:
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


def _roles(data: dict[str, Any], known: set[str], source: str | None) -> Roles:
    roles = data["roles"]
    for role, milestone in roles.items():
        if milestone not in known:
            raise KpictlError(
                f"{source}: roles.{role} is {milestone!r}, which is not a milestone; use one of "
                f"{', '.join(sorted(known))}"
            )
    return Roles(start=roles["start"], go=roles["go"], launch=roles["launch"])


def _measure(kpi: dict[str, Any], known: set[str], source: str | None) -> Measure:
    """The KPI's measure as typed data, after checking what it needs and the events it names."""
    measure = kpi["measure"]
    kind = one_of(measure["type"], MEASURE_TYPES, f"the measure type of {kpi['id']!r}")
    needs = {
        "duration": ("from", "to"),
        "cost": ("from", "to"),
        "environments": ("from",),
        "items": ("items",),
        "tco": (),
    }[kind]
    for key in needs:
        if key not in measure:
            raise KpictlError(f"{source}: the KPI {kpi['id']!r} ({kind}) needs measure.{key}")
    built: Measure
    if kind == "duration":
        built = DurationMeasure(measure["from"], measure["to"])
    elif kind == "cost":
        built = CostMeasure(measure["from"], measure["to"])
    elif kind == "environments":
        built = EnvironmentsMeasure(measure["from"])
    elif kind == "items":
        items = one_of(measure["items"], ITEM_LISTS, f"measure.items of {kpi['id']!r}")
        built = ItemsMeasure(items, measure.get("kind"))
    else:
        built = TcoMeasure(float(measure.get("projection_years", 5)))
    if kpi.get("unit") != built.unit:
        raise KpictlError(
            f"{source}: the KPI {kpi['id']!r} measures {kind}, so its unit is {built.unit!r}, "
            f"not {kpi.get('unit')!r} (durations are in days; costs in the reporting currency)"
        )
    for event in built.events:
        milestone = event.removesuffix(".started")
        if milestone not in known:
            raise KpictlError(
                f"{source}: the KPI {kpi['id']!r} measures from or to {event!r}, but "
                f"{milestone!r} is not a milestone; use a milestone id, or <milestone>.started "
                f"(milestones: {', '.join(sorted(known))})"
            )
    return built


def _published_costs(value: Any) -> Literal["true", "totals", "false"]:
    if value is True:
        return "true"
    return "false" if value is False else "totals"


def default_config(root: Path) -> Config:
    """The packaged defaults alone, whatever kpictl.yaml ``root`` holds."""
    return load_config(root, use_file=False)


def load_config(
    root: Path,
    *,
    use_file: bool = True,
    committed: bytes | None = None,
    committed_mode: str | None = None,
) -> Config:
    """Read ``kpictl.yaml`` under ``root`` (if present) over the defaults; errors exit 2.
    ``committed`` is a kpictl.yaml read from git instead of the working tree (with
    ``use_file=False`` and no ``committed``: the revision has none, so the defaults), and
    ``committed_mode`` the mode of git's tree entry there, when known: anything but a file
    (a link, a folder, a submodule) is an error, not the defaults."""
    if committed_mode is not None:
        from kpictl.config.explain import not_a_committed_file

        problem = not_a_committed_file(committed_mode)
        if problem is not None:
            raise problem
    data = copy.deepcopy(_defaults())
    source = None
    removed: list[str] = []
    path = root / CONFIG_FILE
    # Anything at that name is read, or refused: a FIFO, a folder or a link is never taken for
    # "no kpictl.yaml", which would put the defaults (and their publish: settings) in its place.
    if committed is not None or (use_file and os.path.lexists(path)):
        source = CONFIG_FILE
        if committed is not None:
            doc, problems = load_bytes(committed, CONFIG_FILE)
        else:
            doc, problems = load_file(path, CONFIG_FILE)
        if doc is None and problems[0].code != "empty-file":  # comments alone mean defaults
            from kpictl.config.explain import unusable

            raise unusable(problems[0], CONFIG_FILE if committed is not None else str(path))
        if doc is not None:
            _check(doc)
        for key, value in (doc.data if doc else {}).items():
            if key == "milestones":
                data["milestones"], removed = _merge_catalog(
                    data["milestones"], value, "milestone", source, _new_milestone
                )
            elif key == "kpis":
                data["kpis"], _ = _merge_catalog(
                    data["kpis"], value, "KPI", source, _new_kpi(source)
                )
            elif key in (
                "currency",
                "purgatory",
                "current",
                "site",
                "roles",
                "forecast",
                "publish",
            ):
                merged = dict(data[key])
                merged.update(value)
                if key == "currency":
                    merged["rates"] = {**data[key]["rates"], **value.get("rates", {})}
                data[key] = merged
            elif not key.startswith("x-"):
                data[key] = value
    folder = PurePosixPath(data["projects_dir"])
    if folder.is_absolute() or ".." in folder.parts or str(folder) in (".", ""):
        raise KpictlError(
            f"{source}: projects_dir is {data['projects_dir']!r}; it must be a folder inside the "
            "repository, such as projects"
        )
    try:
        from zoneinfo import ZoneInfo

        ZoneInfo(data["timezone"])
    except (KeyError, ValueError, OSError):
        raise KpictlError(
            f"{source or 'defaults'}: unknown time zone {data['timezone']!r}; "
            "use an IANA name such as UTC or Europe/Paris"
        ) from None
    milestones = tuple(
        MilestoneDef(
            m["id"],
            m["title"],
            one_of(m["phase"], PHASES, f"the phase of the milestone {m['id']!r}"),
            m.get("description", ""),
        )
        for m in data["milestones"]
    )
    known = {m.id for m in milestones}
    _check_removed([m for m in removed if m not in known], data, source)
    roles = _roles(data, known, source)
    gates = []
    for gate in data["gates"]:
        for name in (gate["milestone"], *gate["requires"]):
            if name not in known:
                raise KpictlError(
                    f"{source}: the gate on {gate['milestone']!r} names the unknown milestone "
                    f"{name!r}; known milestones: {', '.join(sorted(known))}"
                )
        gates.append(
            Gate(
                gate["milestone"],
                one_of(gate.get("status", "done"), MILESTONE_STATUSES, "a gate's status"),
                tuple(gate["requires"]),
                gate.get("reason", "a gate in kpictl.yaml requires it"),
            )
        )
    kpis = []
    for kpi in data["kpis"]:
        kpis.append(
            KpiDef(
                kpi["id"],
                kpi["title"],
                one_of(kpi["phase"], PHASES, f"the phase of the KPI {kpi['id']!r}"),
                kpi.get("description", ""),
                _measure(kpi, known, source),
                kpi.get("target"),
                one_of(
                    kpi.get("direction", "lower"), DIRECTIONS, f"the direction of {kpi['id']!r}"
                ),
                learning_curve=bool(kpi.get("learning_curve", False)),
                headline=bool(kpi.get("headline", False)),
            )
        )
    return Config(
        root=root,
        source=source,
        projects_dir=data["projects_dir"],
        timezone=data["timezone"],
        milestones=milestones,
        environments=tuple(data["environments"]),
        gates=tuple(gates),
        roles=roles,
        kpis=tuple(kpis),
        reporting_currency=data["currency"]["reporting"],
        rates=tuple(sorted((k, float(v)) for k, v in data["currency"]["rates"].items())),
        poc_days=int(data["purgatory"]["poc_days"]),
        stale_days=int(data["purgatory"]["stale_days"]),
        forecast=ForecastSettings(
            enabled=bool(data["forecast"]["enabled"]),
            min_basis=int(data["forecast"]["min_basis"]),
            window_days=data["forecast"]["window_days"],
        ),
        current_quarters=int(data["current"]["quarters"]),
        teams=tuple(sorted((data.get("teams") or {}).items())),
        publish=Publish(
            people=data["publish"]["people"],
            emails=bool(data["publish"]["emails"]),
            costs=_published_costs(data["publish"]["costs"]),
        ),
        repo_url=data.get("repo_url"),
        site_dir=data["site"]["dir"],
        site_out=data["site"]["out"],
    )
