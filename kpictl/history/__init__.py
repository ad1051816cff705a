"""History as data: commits, revisions, the incremental parse of each revision, and the replay
that follows each project by its id (no git here; ``kpictl.git`` reads it)."""
