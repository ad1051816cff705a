"""The group, the dispatch to each command's module, and the edge: the one place a failure
becomes a message and an exit code.

A command's module is imported only when that command runs, so `kpictl validate` (run by
pre-commit on every commit) loads neither git nor jinja2 nor MkDocs.
"""

from __future__ import annotations

import importlib
import io
import os
import signal
import sys
import threading
import traceback
from collections.abc import Iterable, Iterator, MutableMapping
from pathlib import Path

import click

from kpictl import __version__
from kpictl.cli.context import Context
from kpictl.errors import (
    EXIT_INTERNAL,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_TERMINATED,
    KpictlError,
    write_crash_log,
)
from kpictl.printable import printable

# Each command is the function of its name in the module kpictl.cli.<name>.
COMMANDS = (
    "build",
    "demo",
    "diff",
    "forecast",
    "history",
    "init",
    "new",
    "projects",
    "report",
    "schema",
    "serve",
    "validate",
)


class CommandModules(MutableMapping[str, click.Command]):
    """The commands by name, each imported from its own module when first asked for."""

    def __init__(self, names: Iterable[str]) -> None:
        self._names = list(names)
        self._loaded: dict[str, click.Command] = {}

    def __getitem__(self, name: str) -> click.Command:
        if name not in self._names:
            raise KeyError(name)
        if name not in self._loaded:
            command = getattr(importlib.import_module(f"kpictl.cli.{name}"), name)
            if not isinstance(command, click.Command):
                raise TypeError(f"kpictl.cli.{name}.{name} is not a click command")
            self._loaded[name] = command
        return self._loaded[name]

    def __setitem__(self, name: str, command: click.Command) -> None:
        self._names.append(name)
        self._loaded[name] = command

    def __delitem__(self, name: str) -> None:
        self._names.remove(name)
        self._loaded.pop(name, None)

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)


@click.group(
    commands=CommandModules(COMMANDS),
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.option(
    "-C",
    "--root",
    type=click.Path(file_okay=False, path_type=Path),
    help="Run as if kpictl were started in this folder (as `git -C`): the KPI repository is "
    "the nearest folder upwards with kpictl.yaml, else the git work tree, and paths are "
    "relative to it.",
)
@click.version_option(__version__, prog_name="kpictl")
def cli(root: Path | None) -> None:
    """Measure generative-AI projects from their YAML files and git history: the 15 KPIs of
    the strategy and, beside them, value and return.

    \b
    Example:
      kpictl validate            # check every project file
      kpictl projects            # list projects and their milestones
    """
    if root is not None:
        try:
            os.chdir(root)
        except FileNotFoundError:
            raise KpictlError(f"-C {root}: no such folder") from None
        except OSError as exc:
            raise KpictlError(f"-C {root}: {exc.strerror or 'cannot enter it'}") from None


class Terminated(BaseException):
    """SIGTERM, raised where the run is, so that every `finally` (scratch folders) runs."""


def _on_sigterm(signum: int, frame: object) -> None:
    raise Terminated


def main(argv: list[str] | None = None) -> int:
    """Run the CLI and return its exit code; no traceback reaches the user."""
    previous = None
    if threading.current_thread() is threading.main_thread():
        previous = signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        return _main(argv, Context())
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _error(exc: KpictlError, annotating: bool) -> None:
    """A user's problem: one line each on stderr, and as annotations under --format github.
    A message may quote a file name or a value: it is shown escaped (``printable``)."""
    findings = exc.diagnostics
    message = printable(str(exc))
    if annotating:
        from kpictl.output.findings import github_annotation, github_error

        for finding in findings:
            click.echo(github_annotation(finding))
        if not findings:
            click.echo(github_error(message, "kpictl"))
    for finding in findings:
        click.echo(f"kpictl: {finding}", err=True)
    if not findings:
        click.echo(f"kpictl: error: {message}", err=True)


def _main(argv: list[str] | None, context: Context) -> int:
    try:
        code = cli.main(args=argv, prog_name="kpictl", standalone_mode=False, obj=context)
        return code if isinstance(code, int) else EXIT_OK
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.ClickException as exc:
        shown = io.StringIO()
        exc.show(file=shown)  # it quotes the arguments given: shown escaped, line by line
        lines = shown.getvalue().rstrip("\n").split("\n")
        click.echo("\n".join(printable(line) for line in lines), err=True)
        return exc.exit_code
    except KpictlError as exc:
        _error(exc, context.format == "github")
        return exc.exit_code
    except (click.Abort, KeyboardInterrupt):
        click.echo("kpictl: interrupted", err=True)
        return EXIT_INTERRUPTED
    except Terminated:
        click.echo("kpictl: terminated", err=True)
        return EXIT_TERMINATED
    except BrokenPipeError:
        sys.stderr.close()  # the reader went away (kpictl ... | head); nothing left to say
        return EXIT_OK
    except Exception as exc:
        log = write_crash_log(traceback.format_exc())
        where = f"; details in {log}" if log else ""
        message = (
            f"internal error ({type(exc).__name__}: {printable(str(exc))}){where}. "
            "This is a bug in kpictl; please report it with that file."
        )
        if context.format == "github":
            from kpictl.output.findings import github_error

            click.echo(github_error(message, "kpictl internal error"))
        click.echo(f"kpictl: {message}", err=True)
        return EXIT_INTERNAL


def run() -> None:
    sys.exit(main())


if __name__ == "__main__":  # pragma: no cover
    run()
