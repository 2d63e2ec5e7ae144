"""The typer application and its command groups; commands live in sibling modules.

Command modules import heavy libraries inside their functions, so that
`trial-audit --version` and `--help` start fast.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import date
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import typer
from typer._click.exceptions import ClickException, NoArgsIsHelpError, UsageError
from typer.core import TyperGroup
from typer.exceptions import Abort

from audit import __version__
from audit.errors import AuditInputError, one_line

EXIT_CLEAN = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2


class OneLineErrors(TyperGroup):
    """The root group: a usage error (unknown option, bad number) is one `error:` line and exit 2.

    typer would draw a boxed panel of several lines; scripts and CI logs read
    one line, the same shape as every other input error.
    """

    def main(self, args: Any = None, prog_name: str | None = None, complete_var: str | None = None,
             standalone_mode: bool = True, **extra: Any) -> Any:
        try:
            code = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except NoArgsIsHelpError as exc:
            exc.show()
            code = EXIT_USAGE
        except UsageError as exc:
            where = exc.ctx.command_path if exc.ctx else "trial-audit"
            typer.echo(f"error: {one_line(exc.format_message())} (see {one_line(where, 80)} -h)", err=True)
            code = EXIT_USAGE
        except ClickException as exc:
            typer.echo(f"error: {one_line(exc.format_message())}", err=True)
            code = exc.exit_code
        except Abort:
            typer.echo("aborted", err=True)
            code = 130
        code = code if isinstance(code, int) else EXIT_CLEAN
        if standalone_mode:
            sys.exit(code)
        return code


app = typer.Typer(
    cls=OneLineErrors,
    name="trial-audit",
    help="Audit clinical-trial data snapshots (SDTM/ADaM) and verify published figures.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
rules_app = typer.Typer(help="List, explain and validate rule packs.", no_args_is_help=True)
derive_app = typer.Typer(help="Write derived datasets (RECIST responses, CTCAE lab grades).", no_args_is_help=True)
claims_app = typer.Typer(help="Draft and check claims files of published figures.", no_args_is_help=True)
app.add_typer(rules_app, name="rules")
app.add_typer(derive_app, name="derive")
app.add_typer(claims_app, name="claims")


def _version(value: bool) -> None:
    if value:
        typer.echo(f"trial-audit {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """Audit clinical-trial data snapshots and verify published figures."""


F = TypeVar("F", bound=Callable[..., Any])


def user_errors(func: F) -> F:
    """Turn errors in what the user gave us into one line on stderr and exit code 2."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except AuditInputError as exc:
            typer.echo(f"error: {exc.render()}", err=True)
            raise typer.Exit(EXIT_USAGE) from None

    return wrapper  # type: ignore[return-value]


def fail(message: str) -> None:
    """Stop with a one-line usage error (exit 2)."""
    typer.echo(f"error: {one_line(message)}", err=True)
    raise typer.Exit(EXIT_USAGE)


def parse_cutoff(text: str | None) -> date | None:
    """The --cutoff option as a date; a usage error naming the option otherwise."""
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        fail(f"--cutoff: expected a date YYYY-MM-DD, found {text!r}")
    return None


def emit_report(report: str | bytes, output: Path | None, output_format: str) -> None:
    """A writer's report to --output, or to stdout when it is text (a binary format needs --output)."""
    if output is not None:
        write_output(output, report)
    elif isinstance(report, bytes):
        fail(f"--format {output_format} writes a binary file: give --output FILE")
    else:
        typer.echo(report, nl=False)


def write_output(output: Path, content: str | bytes, option: str = "--output") -> None:
    """Write a report or dataset the user asked for; a missing folder or a directory is a usage error."""
    try:
        output.write_bytes(content) if isinstance(content, bytes) else output.write_text(content, encoding="utf-8")
    except OSError as exc:
        fail(f"{option} {output}: cannot write: {exc.strerror or exc}")


def guard_output(output: Path | None, snapshot: Path) -> None:
    """Never write into the snapshot folder."""
    if output is not None and output.resolve().is_relative_to(snapshot.resolve()):
        fail(f"--output {output}: refusing to write into the snapshot folder {snapshot}")


def main() -> None:
    """Console-script entry point."""
    from audit import cli  # noqa: F401  (registers every command)

    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)
