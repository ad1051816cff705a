"""kpictl.yaml: the organisation's configuration, merged over the packaged defaults.

The package's face: the configuration (settings), the catalog's definitions, the patterns and
bounds of its schema, and loading it.
"""

from kpictl.config.definitions import Gate, KpiDef, MilestoneDef, Roles
from kpictl.config.loading import CONFIG_FILE, default_config, find_root, load_config
from kpictl.config.schema import MAX_RATE, MILESTONE_ID, MIN_RATE, SLUG
from kpictl.config.settings import Config, ForecastSettings, Publish

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
    "Publish",
    "Roles",
    "default_config",
    "find_root",
    "load_config",
]
