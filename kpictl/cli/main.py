"""The command line: arguments in, a library call, a reporter, an exit code.

Imports of heavy modules stay inside the commands, so `kpictl validate` (run by pre-commit on
every commit) loads neither git nor jinja2 nor MkDocs.
"""

from __future__ import annotations

import io
import itertools
import os
import signal
import sys
import threading
import traceback
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

import click

from kpictl import __version__
from kpictl.errors import (
    EXIT_INTERNAL,
    EXIT_INTERRUPTED,
    EXIT_INVALID,
    EXIT_OK,
    EXIT_TERMINATED,
    KpictlError,
    write_crash_log,
)
from kpictl.printable import printable

if TYPE_CHECKING:
    from kpictl.config import Config


class Context:
    def config(self) -> Config:
        """The configuration of the KPI repository kpictl was started in: the nearest folder
        upwards with kpictl.yaml, else the git work tree."""
        from kpictl.config import find_root, load_config

        return load_config(find_root(Path.cwd()))


pass_context = click.make_pass_decorator(Context)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option(
    "-C",
    "--root",
    type=click.Path(file_okay=False, path_type=Path),
    help="Run as if kpictl were started in this folder (as `git -C`): the KPI repository is "
    "the nearest folder upwards with kpictl.yaml, else the git work tree, and paths are "
    "relative to it.",
)
@click.version_option(__version__, prog_name="kpictl")
@click.pass_context
def cli(ctx: click.Context, root: Path | None) -> None:
    """Measure generative-AI projects from their YAML files and git history.

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
    ctx.obj = Context()


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "github"]),
    default="text",
    show_default=True,
    help="github prints workflow annotations shown on the pull request's diff.",
)
@pass_context
def validate(obj: Context, paths: tuple[Path, ...], fmt: str) -> int:
    """Check project files against the schema and the repository's rules.

    With no PATHS, every project file of the repository; with PATHS (files or folders), those,
    with ids still checked against the rest of the repository. When PATHS include kpictl.yaml
    or the schema file (as the pre-commit hook passes them), every project file is checked
    against the configuration, and a schema file that no longer matches it is an error.
    Exit 0 when valid (warnings allowed), 1 when a file is invalid, 2 for a usage or
    configuration error.

    \b
    Example:
      kpictl validate projects/support-assistant.yaml
      kpictl validate --format github
    """
    from kpictl.config import CONFIG_FILE
    from kpictl.output.findings import format_diagnostics, summary_line
    from kpictl.project.schema import SCHEMA_FILE, stale_schema
    from kpictl.project.validate import discover, validate_files

    config = obj.config()
    everything = discover(config)
    configuration = {(config.root / name).resolve() for name in (CONFIG_FILE, SCHEMA_FILE)}
    changed_configuration = any(path.resolve() in configuration for path in paths)
    if changed_configuration:
        paths = ()  # a new configuration applies to every project file
    if paths:
        files: list[Path] = []
        for path in paths:
            if path.is_dir():
                # A folder means the project files in it, not every YAML file (workflows...).
                folder = path.resolve()
                inside = [f for f in everything if f.resolve().is_relative_to(folder)]
                if not inside and not folder.is_relative_to(config.projects_path.resolve()):
                    raise KpictlError(
                        f"{path} holds no project files; they live under {config.projects_dir}/ "
                        "(give that folder, or the files)"
                    )
                files.extend(inside)
            else:
                files.append(path)
        result = validate_files(files, config, others=everything)
    else:
        if not config.projects_path.is_dir():
            raise KpictlError(
                f"there is no {config.projects_dir}/ folder in {config.root}; create one with "
                "`kpictl new ID`, or pass the files to check"
            )
        result = validate_files(everything, config)
    stale = stale_schema(config, error=changed_configuration)
    if stale is not None:
        result.diagnostics.append(stale)
    click.echo(format_diagnostics(result, fmt), nl=False)
    if fmt == "text":
        click.echo(summary_line(result), err=True)
    return EXIT_INVALID if result.errors else EXIT_OK


@cli.command()
@pass_context
def schema(obj: Context) -> int:
    """Print the JSON Schema of a project file (with kpictl.yaml's milestones), for editors.

    \b
    Example:
      kpictl schema > schema/project.schema.json
    """
    from kpictl.project.schema import schema_text

    click.echo(schema_text(obj.config()), nl=False)
    return EXIT_OK


@cli.command()
@click.argument("project_id", metavar="ID")
@click.option("--name", help="The project's name (default: from the id).")
@click.option("--team", default="unassigned", show_default=True, help="The owning team's slug.")
@click.option("--owner", default="owner@example.com", show_default=True, help="The owner's email.")
@pass_context
def new(obj: Context, project_id: str, name: str | None, team: str, owner: str) -> int:
    """Write projects/ID.yaml, a valid project file to fill in.

    \b
    Example:
      kpictl new support-assistant --team customer-experience --owner maria@example.com
    """
    from kpictl.scaffold.new import new_project

    config = obj.config()
    target = new_project(project_id, config, name=name, team=team, owner=owner)
    click.echo(
        f"wrote {printable(str(target))}; fill in name, summary, roles and costs, then open a "
        "pull request"
    )
    return EXIT_OK


@cli.command()
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@pass_context
def projects(obj: Context, fmt: str) -> int:
    """List the projects with their phase and milestones (invalid files are reported, not listed).

    \b
    Example:
      kpictl projects --format json
    """
    from kpictl.output.findings import format_diagnostics
    from kpictl.output.projects import format_projects
    from kpictl.project.validate import discover, validate_files

    config = obj.config()
    result = validate_files(discover(config), config)
    click.echo(format_projects(result.documents, config, fmt), nl=False)
    if result.diagnostics:
        click.echo(format_diagnostics(result, "text"), nl=False, err=True)
    return EXIT_INVALID if result.errors else EXIT_OK


@cli.command()
@click.argument("ids", nargs=-1, metavar="[ID]...")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@click.option(
    "--ref",
    help="The branch, tag or commit whose first-parent history to read "
    "(default: the current branch).",
)
@click.option(
    "--worktree",
    is_flag=True,
    help="Add uncommitted changes to project files, dated now and marked provisional.",
)
@click.option("--no-cache", is_flag=True, help="Read everything from git, ignoring the cache.")
@pass_context
def history(
    obj: Context, ids: tuple[str, ...], fmt: str, ref: str | None, worktree: bool, no_cache: bool
) -> int:
    """Milestone dates read from when each change landed on the branch.

    The date of a change is the committer time of the first-parent commit that landed it (for
    a merged pull request, the merge commit). Every date names its commit.

    \b
    Example:
      kpictl history support-assistant
      kpictl history --format json --ref main > history.json
    """
    from kpictl.kpis.timeline import build_timelines
    from kpictl.output.history import history_json, history_text
    from kpictl.pipeline import read_landed

    landed = read_landed(obj.config(), ref=ref, worktree=worktree, use_cache=not no_cache)
    config, found = landed.config, landed.history
    _say(landed.notes, [])
    unknown = sorted(set(ids) - found.projects.keys())
    if unknown:
        raise KpictlError(
            f"no project with the id {', '.join(unknown)} in the history of {found.ref}; "
            "`kpictl projects` lists the ids"
        )
    _say([], found.warnings)
    if fmt == "json":
        output = history_json(found, config, ids)
    else:
        output = history_text(found, build_timelines(found, config, ids))
    click.echo(output, nl=False)
    return EXIT_OK


@cli.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "csv", "markdown"]),
    default="table",
    show_default=True,
)
@click.option(
    "--as-of",
    "as_of",
    metavar="DATE",
    help="Compute from history up to this date, the whole day included (2025-06-30: up to "
    "23:59:59 in the configured time zone), a time with an offset, or `now`. Default: the "
    "time of the head commit, so a commit always gives the same report.",
)
@click.option(
    "--project",
    "project_ids",
    multiple=True,
    metavar="ID",
    help="Show only this project (repeatable); the portfolio still covers all.",
)
@click.option(
    "--group-by",
    type=click.Choice(["team", "label"]),
    help="Add the portfolio statistics per team or per label.",
)
@click.option(
    "--fail-on",
    type=click.Choice(["missed", "overdue"]),
    multiple=True,
    help="Exit 1 when a shown project misses a KPI target (missed), or has a duration still "
    "running past its target (overdue); repeatable (for CI).",
)
@click.option("--ref", help="The branch, tag or commit to read (default: the current branch).")
@click.option("--worktree", is_flag=True, help="Count uncommitted changes, dated now.")
@click.option(
    "--strict",
    is_flag=True,
    help="Exit 1 after the report when the run had any warning (a skipped revision, a value "
    "that could not be computed), so CI can refuse to publish over one.",
)
@pass_context
def report(
    obj: Context,
    fmt: str,
    as_of: str | None,
    project_ids: tuple[str, ...],
    group_by: str | None,
    fail_on: tuple[str, ...],
    ref: str | None,
    worktree: bool,
    strict: bool,
) -> int:
    """The 15 KPIs per project and across the portfolio, with statuses and provenance.

    \b
    Example:
      kpictl report
      kpictl report --format json --as-of 2025-06-30 > kpis.json
      kpictl report --project support-assistant --fail-on missed --fail-on overdue
    """
    from kpictl.output.report import report_csv, report_json, report_markdown, report_table
    from kpictl.pipeline import compute_as_of

    computed = compute_as_of(obj.config(), as_of=as_of, ref=ref, worktree=worktree)
    result, warnings = computed.report, computed.warnings
    unknown = sorted(set(project_ids) - {p.id for p in result.projects})
    if unknown:
        raise KpictlError(
            f"no project with the id {', '.join(unknown)}; `kpictl projects` lists them"
        )
    _say(computed.notes, warnings)
    shown = [p for p in result.projects if not project_ids or p.id in project_ids]
    if fmt == "json":
        result.projects = shown
        output = report_json(result, group_by, warnings)
    elif fmt == "csv":
        result.projects = shown
        output = report_csv(result)
    else:
        everything = result.projects
        result.projects = shown
        output = (
            report_markdown(result, group_by)
            if fmt == "markdown"
            else report_table(result, group_by, portfolio=not project_ids)
        )
        result.projects = everything
    click.echo(output, nl=False)
    if strict and warnings:
        click.echo(
            f"kpictl: error: {len(warnings)} warning(s) and --strict; fix them or drop --strict",
            err=True,
        )
        return EXIT_INVALID
    failed = False
    for status in dict.fromkeys(fail_on):  # in the order given, each once
        found = [f"{p.id}: {k}" for p in shown for k, v in p.kpis.items() if v.status == status]
        if found:
            what = "missed" if status == "missed" else "overdue (running past the target)"
            click.echo(f"kpictl: {len(found)} KPI target(s) {what}: {'; '.join(found)}", err=True)
            failed = True
    if failed:
        return EXIT_INVALID
    return EXIT_OK


@cli.command()
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@click.option("--as-of", "as_of", metavar="DATE", help="As for `kpictl report`.")
@click.option("--ref", help="The branch, tag or commit to read (default: the current branch).")
@click.option(
    "--backtest",
    is_flag=True,
    help="Replay history: at each past month-end, forecast every then-running project from "
    "what was known then, and print how often launches landed by p50 and p85, per horizon.",
)
@pass_context
def forecast(obj: Context, fmt: str, as_of: str | None, ref: str | None, backtest: bool) -> int:
    """When each running project is expected to launch, and how many launches per quarter.

    From the durations the portfolio's own projects took on the path to launch (those still
    running counted as taking at least this long): the 50th and 85th percentiles of the launch
    and of the next milestone, or the reason there is no date.

    \b
    Example:
      kpictl forecast
      kpictl forecast --backtest --format json
    """
    import dataclasses

    from kpictl.output.forecast import (
        backtest_json,
        backtest_text,
        forecast_json_text,
        forecast_text,
    )
    from kpictl.pipeline import backtest_as_of, compute_as_of

    def enabled(config: Config) -> Config:  # asked for by name: even when the report does not
        return dataclasses.replace(
            config, forecast=dataclasses.replace(config.forecast, enabled=True)
        )

    if backtest:
        scored, head = backtest_as_of(obj.config(), as_of=as_of, ref=ref, configure=enabled)
        output = backtest_json(scored, head) if fmt == "json" else backtest_text(scored, head)
        click.echo(output, nl=False)
        return EXIT_OK
    computed = compute_as_of(obj.config(), as_of=as_of, ref=ref, configure=enabled)
    _say(computed.notes, computed.warnings)
    if fmt == "json":
        output = forecast_json_text(computed.report, computed.warnings)
    else:
        output = forecast_text(computed.report)
    click.echo(output, nl=False)
    return EXIT_OK


@cli.command()
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Where to write the site (default: site.out in kpictl.yaml, build/site).",
)
@click.option(
    "--strict",
    is_flag=True,
    help="Fail (exit 1) on any warning, from history (a skipped revision, a value that could "
    "not be computed) or from MkDocs (a broken link), keeping the last good site.",
)
@click.option("--as-of", "as_of", metavar="DATE", help="As for `kpictl report`.")
@click.option("--ref", help="The branch, tag or commit to read (default: the current branch).")
@pass_context
def build(obj: Context, out: Path | None, strict: bool, as_of: str | None, ref: str | None) -> int:
    """Build the static KPI website (MkDocs Material) and its kpis.json.

    \b
    Example:
      kpictl build --strict
      kpictl build --out public
    """
    from kpictl.pipeline import compute_as_of
    from kpictl.site.build import build_site
    from kpictl.site.output_folder import out_setting, site_target

    config = obj.config()
    target = site_target(config, out)  # refuse a wrong --out before reading any history
    computed = compute_as_of(config, as_of=as_of, ref=ref)
    _say(computed.notes, [])
    where = out_setting(config, out)
    result = build_site(computed, computed.config, out=target, strict=strict, where=where)
    _say([], result.warnings)
    click.echo(f"built {result.pages} pages into {printable(str(result.out))}")
    return EXIT_OK


@cli.command()
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8000,
    show_default=True,
    help="The port on 127.0.0.1 (0: any free port).",
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Where to write the site (default: a temporary folder).",
)
@pass_context
def serve(obj: Context, port: int, out: Path | None) -> int:
    """Build the site, serve it on localhost, and rebuild when a project file changes.

    Uncommitted changes are included, dated now and marked provisional.

    \b
    Example:
      kpictl serve --port 8000
    """
    from kpictl.site.serve import serve_site

    serve_site(
        obj.config(), port=port, out=out, echo=lambda text: click.echo(printable(text), err=True)
    )
    return EXIT_OK


@cli.command()
@click.argument("directory", default=".", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--force",
    is_flag=True,
    help="Replace scaffold files that differ but are still what kpictl wrote; for a file you "
    "changed (and kpictl.yaml, always), write kpictl's version beside it as FILE.new.",
)
def init(directory: Path, force: bool) -> int:
    """Set up a KPI repository: projects/, kpictl.yaml, the site, pre-commit and CI workflows.

    Never overwrites a file that differs without --force, nor with it a file you changed;
    running it twice changes nothing. In a repository that has projects, adds no example.

    \b
    Example:
      kpictl init my-kpis && cd my-kpis && git init -b main && kpictl validate
    """
    from kpictl.git.repository import work_tree_prefix
    from kpictl.scaffold.init import current_branch, init_repository

    results = init_repository(directory, force=force)
    prefix = work_tree_prefix(directory)
    if prefix:
        click.echo(
            f"kpictl: warning: {printable(str(directory))} is the folder {printable(prefix)} "
            "of a git repository; GitHub "
            "reads workflows, and pre-commit its configuration, only at the top of the "
            f"repository: move .github/ and .pre-commit-config.yaml there and prefix their "
            f"paths with {printable(prefix)}",
            err=True,
        )
    for written in results:
        note = f" ({written.note})" if written.note else ""
        click.echo(printable(f"{written.action:>14}  {written.path}{note}"))
    branch = current_branch(directory)
    first = "" if prefix is not None else f"git init -b {branch}, "
    click.echo(f"next: {first}edit projects/, then `kpictl validate`")
    return EXIT_OK


@cli.command()
@click.argument(
    "directory", default="kpictl-demo", type=click.Path(file_okay=False, path_type=Path)
)
@click.option("--no-site", is_flag=True, help="Create the repository only; do not build the site.")
def demo(directory: Path, no_site: bool) -> int:
    """Create a demo KPI repository with two years of pull-request history, and build its site.

    \b
    Example:
      kpictl demo kpictl-demo && kpictl -C kpictl-demo report
    """
    from kpictl.config import load_config
    from kpictl.scaffold.demo import create_demo

    create_demo(directory)
    click.echo(f"created a demo KPI repository with its git history in {printable(str(directory))}")
    if not no_site:
        from kpictl.pipeline import compute_as_of
        from kpictl.site.build import build_site

        config = load_config(directory.resolve())
        computed = compute_as_of(config)
        result = build_site(computed, computed.config)
        click.echo(f"built its site: {printable(str(result.out / 'index.html'))}")
    shown = printable(str(directory))
    click.echo(f"next: kpictl -C {shown} report, or kpictl -C {shown} serve")
    return EXIT_OK


@cli.command()
@click.argument("base")
@click.argument("head", required=False)
@click.option(
    "--as-of",
    "as_of",
    metavar="DATE",
    help="Compute both sides at this moment (as for `kpictl report`). Default: now when HEAD "
    "has commits not landed on BASE or is the working tree, else HEAD's time.",
)
@pass_context
def diff(obj: Context, base: str, head: str | None, as_of: str | None) -> int:
    """What a change does to the KPIs, as Markdown (for a pull request's job summary).

    BASE and HEAD are commits, branches or tags; without HEAD, the working tree. Each side is
    read with its own kpictl.yaml, both at the same moment. Commits of HEAD that are not on
    BASE's first-parent line (nor on the main branch's) count as landing at that moment, as
    they will when merged.

    \b
    Example:
      kpictl diff origin/main >> "$GITHUB_STEP_SUMMARY"
      kpictl diff v1.0 main
    """
    from kpictl.git.repository import first_parent_line, main_branch, refuse_option_like
    from kpictl.output.diff import diff_markdown
    from kpictl.pipeline import compute_as_of

    for ref in (base, head):  # before any git command sees them
        if ref is not None:
            refuse_option_like(ref)
    config = obj.config()
    main = main_branch(config.root)
    landed = [base] + ([main, f"origin/{main}"] if main else [])
    line = first_parent_line(config.root, landed)
    after = compute_as_of(config, as_of=as_of, ref=head, worktree=head is None, landed_line=line)
    before = compute_as_of(config, as_of=after.as_of, ref=base)
    _say([*before.notes, *after.notes], [])
    click.echo(diff_markdown(before, after, base, head), nl=False)
    return EXIT_OK


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
        return _main(argv)
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _say(notes: Iterable[str], warnings: Iterable[str]) -> None:
    """Notes and warnings on stderr, one line each, never mixed into the output."""
    for note in notes:
        click.echo(f"kpictl: note: {printable(note)}", err=True)
    for warning in warnings:
        click.echo(f"kpictl: warning: {printable(warning)}", err=True)


def _annotating(argv: list[str] | None) -> bool:
    """Whether the command asked for GitHub annotations (--format github)."""
    args = sys.argv[1:] if argv is None else argv
    pairs = itertools.pairwise(args)
    return "--format=github" in args or any(a == "--format" and b == "github" for a, b in pairs)


def _error(exc: KpictlError, argv: list[str] | None) -> None:
    """A user's problem: one line each on stderr, and as annotations under --format github.
    A message may quote a file name or a value: it is shown escaped (``printable``)."""
    from kpictl.config.explain import ConfigError

    findings = exc.diagnostics if isinstance(exc, ConfigError) else []
    message = printable(str(exc))
    if _annotating(argv):
        from kpictl.output.findings import github_annotation

        for finding in findings:
            click.echo(github_annotation(finding))
        if not findings:
            click.echo(github_error(message, "kpictl"))
    for finding in findings:
        click.echo(f"kpictl: {finding}", err=True)
    if not findings:
        click.echo(f"kpictl: error: {message}", err=True)


def github_error(message: str, title: str) -> str:
    from kpictl.output.findings import escape_data, escape_property

    return f"::error title={escape_property(title)}::{escape_data(message)}"


def _main(argv: list[str] | None) -> int:
    try:
        code = cli.main(args=argv, prog_name="kpictl", standalone_mode=False)
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
        _error(exc, argv)
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
        if _annotating(argv):
            click.echo(github_error(message, "kpictl internal error"))
        click.echo(f"kpictl: {message}", err=True)
        return EXIT_INTERNAL


def run() -> None:
    sys.exit(main())


if __name__ == "__main__":  # pragma: no cover
    run()
