"""`trial-audit verify`: recompute published figures from a snapshot and give each a verdict."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path

import typer

from audit.cli.app import EXIT_CLEAN, EXIT_FINDINGS, app, user_errors
from audit.cli.loading import ENCODING, KEEP_NA_TEXT


class VerifyFormat(StrEnum):
    console = "console"
    json = "json"
    junit = "junit"
    html = "html"


def _json(result, notes: tuple[str, ...]) -> str:
    """The verification document with how the snapshot was read (its loading notes)."""
    return json.dumps({**result.to_dict(), "notes": list(notes)}, indent=2, sort_keys=True)


def _write(text: str, output: Path | None) -> None:
    if output is None:
        typer.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")


def _console(result, notes: tuple[str, ...], output: Path | None) -> None:
    from rich.console import Console

    from audit.claims.render import render_console

    if output is None:
        render_console(result)
        for note in notes:
            typer.echo(f"note: {note}")
        return
    with output.open("w", encoding="utf-8") as handle:
        console = Console(file=handle, width=120)
        render_console(result, console)
        for note in notes:
            console.print(f"note: {note}", highlight=False)


@app.command("verify")
@user_errors
def verify_command(
    snapshot: Path = typer.Argument(..., help="Folder of datasets (.xpt, .json, .ndjson, .parquet, .csv)."),
    claims: Path = typer.Option(..., "--claims", "-c", help="Claims file (YAML or JSON)."),
    output_format: VerifyFormat = typer.Option(VerifyFormat.console, "--format", "-f", help="Output format."),
    output: Path = typer.Option(None, "--output", "-o", help="Write the report to this file."),
    encoding: str | None = ENCODING,
    keep_na_text: bool = KEEP_NA_TEXT,
) -> None:
    """Verify each claim under every catalogued method. Exit 1 if any claim is reproduced by none."""
    from audit.claims import load_claims, verify_claims
    from audit.claims.render import RENDERERS
    from audit.study import load_study

    claims_file = load_claims(claims)
    study = load_study(snapshot, encoding=encoding, keep_na_text=keep_na_text)
    result = verify_claims(study, claims_file, claims_file=claims)
    if output_format is VerifyFormat.html:
        from audit.report.html import render_verification_html
        from audit.report.plots import study_figures

        _write(render_verification_html(result, study_figures(study, claims_file), study.notes), output)
    elif output_format is VerifyFormat.console:
        _console(result, study.notes, output)
    elif output_format is VerifyFormat.json:
        _write(_json(result, study.notes), output)
    else:
        _write(RENDERERS[output_format.value](result), output)
    raise typer.Exit(EXIT_FINDINGS if result.failed else EXIT_CLEAN)
