"""The published KPI website: pages, charts and the MkDocs build."""
