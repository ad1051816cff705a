"""The KPI computation: timelines and the catalog in, per-project and portfolio results out.

Pure: no git, no subprocess, no clock (the as-of time is an argument); a static test holds the
package to that. ``timeline`` decides each milestone's date, ``measures`` each KPI value,
``portfolio`` the statistics across projects, ``forecast`` the launch forecasts.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kpictl.kpis.computation import compute
    from kpictl.kpis.measures import project_result
    from kpictl.kpis.results import (
        Forecast,
        KpiValue,
        LaunchCount,
        Portfolio,
        ProjectResult,
        Report,
    )

__all__ = [
    "Forecast",
    "KpiValue",
    "LaunchCount",
    "Portfolio",
    "ProjectResult",
    "Report",
    "compute",
    "project_result",
]

_HOMES = {
    "compute": "kpictl.kpis.computation",
    "project_result": "kpictl.kpis.measures",
    "KpiValue": "kpictl.kpis.results",
    "Portfolio": "kpictl.kpis.results",
    "ProjectResult": "kpictl.kpis.results",
    "Report": "kpictl.kpis.results",
    "Forecast": "kpictl.kpis.results",
    "LaunchCount": "kpictl.kpis.results",
}


def __getattr__(name: str) -> Any:
    # Loaded on first use, so that reading timelines (`kpictl history`) does not import the
    # measures and the portfolio statistics.
    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib import import_module

    return getattr(import_module(_HOMES[name]), name)
