"""Formatting of computed results for people and machines: validate's findings, history, the KPI
report, the project list and the diff. Nothing here judges a KPI or runs git."""
