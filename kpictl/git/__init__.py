"""The one place kpictl runs git: the repository, its first-parent log, blobs and working tree,
returned as plain data (ids, times, paths, bytes); nothing of kpictl above it."""
