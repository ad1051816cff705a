"""The command line: the commands, and the edge that turns a failure into an exit code."""
