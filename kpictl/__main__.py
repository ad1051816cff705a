from kpictl.cli.main import run

run()
