"""The command line: one module per command (parse options, call the library, print), and
`main`, the group and the edge that turns every failure into a message and an exit code."""
