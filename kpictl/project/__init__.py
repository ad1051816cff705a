"""Project files: the schema, the rules a schema cannot say, and validation (the one validity
policy, shared by `validate` and history). Files are read with kpictl.yamlfile."""
