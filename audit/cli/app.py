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

from audit import __version__
from audit.errors import AuditInputError

EXIT_CLEAN = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2

app = typer.Typer(
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
    typer.echo(f"error: {message}", err=True)
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
