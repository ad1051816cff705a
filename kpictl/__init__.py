"""kpictl: the KPIs of a generative-AI strategy, from project files and git history."""

__version__ = "0.1.0"
