from kpictl.cli import run

run()
