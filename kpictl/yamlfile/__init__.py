"""The strict YAML reader beneath config and project: safe file reading, decoding, a document
with the source position of every key and value, and its findings (diagnostics).

Its modules import nothing of kpictl but the leaf modules; this is what the rest of kpictl
reads YAML files with. The wording of findings and the fast schema check are its modules
``wording`` and ``fastschema``.
"""

from kpictl.yamlfile.decoding import decode
from kpictl.yamlfile.diagnostics import ERROR, WARNING, Diagnostic
from kpictl.yamlfile.document import Document, LoadError, PathKey
from kpictl.yamlfile.event_builder import DocumentBuilder, build_document
from kpictl.yamlfile.loader import load_bytes, load_file
from kpictl.yamlfile.positions import Position
from kpictl.yamlfile.reading import MAX_BYTES, file_kind, read_regular_file, too_large
from kpictl.yamlfile.scalars import YAML11_BOOLEANS, ScalarError, resolve_plain

__all__ = [
    "ERROR",
    "MAX_BYTES",
    "WARNING",
    "YAML11_BOOLEANS",
    "Diagnostic",
    "Document",
    "DocumentBuilder",
    "LoadError",
    "PathKey",
    "Position",
    "ScalarError",
    "build_document",
    "decode",
    "file_kind",
    "load_bytes",
    "load_file",
    "read_regular_file",
    "resolve_plain",
    "too_large",
]
