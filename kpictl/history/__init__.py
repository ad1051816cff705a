"""A branch's history: each revision parsed (incrementally, cached by blob id) and replayed by
project id, read from git through ``kpictl.git`` (``branch.py``); the rest is plain data."""
