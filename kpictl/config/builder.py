"""The typed configuration built from merged plain data, with each reference checked: the
projects folder, the time zone, roles, gates and the events each KPI measures."""

from __future__ import annotations

from pathlib import Path, PurePosixPath
from typing import Any, Literal

from kpictl.config.definitions import (
    DIRECTIONS,
    ITEM_LISTS,
    KPI_PHASES,
    MEASURE_TYPES,
    MILESTONE_STATUSES,
    PHASES,
    VALUE_MEASURES,
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
    ValueMeasure,
    one_of,
)
from kpictl.config.merge import check_removed
from kpictl.config.settings import Config, ForecastSettings, Publish
from kpictl.errors import KpictlError


def build_config(
    root: Path, source: str | None, data: dict[str, Any], removed: list[str]
) -> Config:
    """The configuration that ``data`` (kpictl.yaml named ``source`` over the defaults, or the
    defaults alone when ``source`` is None) says; an error names what it refers to wrongly."""
    _check_places(data, source)
    milestones = _milestones(data)
    known = {m.id for m in milestones}
    check_removed([m for m in removed if m not in known], data, source)
    roles = _roles(data, known, source)
    gates = _gates(data, known, source)
    kpis = _kpis(data, known, source)
    return Config(
        root=root,
        source=source,
        projects_dir=data["projects_dir"],
        timezone=data["timezone"],
        milestones=milestones,
        environments=tuple(data["environments"]),
        gates=gates,
        roles=roles,
        kpis=kpis,
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
            value=_published_costs(data["publish"]["value"]),
        ),
        repo_url=data.get("repo_url"),
        site_dir=data["site"]["dir"],
        site_out=data["site"]["out"],
        site_url=data["site"].get("url"),
    )


def _check_places(data: dict[str, Any], source: str | None) -> None:
    """The projects folder is inside the repository, and the time zone is one Python knows."""
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


def _milestones(data: dict[str, Any]) -> tuple[MilestoneDef, ...]:
    return tuple(
        MilestoneDef(
            m["id"],
            m["title"],
            one_of(m["phase"], PHASES, f"the phase of the milestone {m['id']!r}"),
            m.get("description", ""),
        )
        for m in data["milestones"]
    )


def _gates(data: dict[str, Any], known: set[str], source: str | None) -> tuple[Gate, ...]:
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
    return tuple(gates)


def _kpis(data: dict[str, Any], known: set[str], source: str | None) -> tuple[KpiDef, ...]:
    kpis = []
    for kpi in data["kpis"]:
        kpis.append(
            KpiDef(
                kpi["id"],
                kpi["title"],
                one_of(kpi["phase"], KPI_PHASES, f"the phase of the KPI {kpi['id']!r}"),
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
    return tuple(kpis)


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
        "value": ("of",),
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
    elif kind == "value":
        built = ValueMeasure(one_of(measure["of"], VALUE_MEASURES, f"measure.of of {kpi['id']!r}"))
    else:
        built = TcoMeasure(float(measure.get("projection_years", 5)))
    if kpi.get("unit") != built.unit:
        raise KpictlError(
            f"{source}: the KPI {kpi['id']!r} measures {kind}, so its unit is {built.unit!r}, "
            f"not {kpi.get('unit')!r} (durations are in days; costs in the reporting currency; "
            "a return is a ratio)"
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
