"""The one place kpictl runs git: the repository, the first-parent log, blobs, and the cache."""
