"""The strict YAML reader beneath config and project: safe file reading, decoding, a document
with the source position of every key and value, its diagnostics and their wording."""
