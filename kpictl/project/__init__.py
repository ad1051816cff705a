"""Project files: the strict YAML loader, the schema and its fast check, the rules a schema
cannot say, and validation (the one validity policy, shared by `validate` and history)."""
