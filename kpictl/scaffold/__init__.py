"""Setting up a KPI repository: `kpictl init`, `kpictl new`, the demo repository and the
generated reference pages."""
