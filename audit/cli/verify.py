"""`trial-audit verify`: recompute published figures from a snapshot and give each a verdict."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from audit.cli.app import EXIT_CLEAN, EXIT_FINDINGS, app, emit_report, guard_output, user_errors
from audit.cli.loading import ENCODING, KEEP_NA_TEXT


@app.command("verify")
@user_errors
def verify_command(
    snapshot: Path = typer.Argument(..., help="Folder of datasets (.xpt, .json, .ndjson, .parquet, .csv)."),
    claims: Path = typer.Option(..., "--claims", "-c", help="Claims file (YAML or JSON)."),
    output_format: str = typer.Option("console", "--format", "-f", help="console, json, junit, html."),
    output: Path = typer.Option(None, "--output", "-o", help="Write the report to this file."),
    encoding: str | None = ENCODING,
    keep_na_text: bool = KEEP_NA_TEXT,
) -> None:
    """Verify each claim under every catalogued method. Exit 1 if any claim is reproduced by none."""
    from audit.claims import load_claims, verify_claims
    from audit.report import VERIFY, ReportOptions, writer
    from audit.study import load_study

    render = writer(output_format, VERIFY)
    guard_output(output, snapshot)
    claims_file = load_claims(claims)
    study = load_study(snapshot, encoding=encoding, keep_na_text=keep_na_text)
    result = verify_claims(study, claims_file, claims_file=claims)
    options = ReportOptions(width=_width(output), color=output is None and sys.stdout.isatty(),
                            figures=_figures(study, claims_file, output_format), notes=study.notes)
    emit_report(render(result, options), output, output_format)
    raise typer.Exit(EXIT_FINDINGS if result.failed else EXIT_CLEAN)


def _width(output: Path | None) -> int:
    """The terminal's width on a terminal, else a fixed 120 so a written report does not depend on it."""
    if output is None and sys.stdout.isatty():
        import shutil

        return shutil.get_terminal_size().columns
    return 120


def _figures(study, claims_file, output_format: str) -> tuple:
    """KM and waterfall figures, drawn only for the page that shows them."""
    if output_format != "html":
        return ()
    from audit.figures import study_figures

    return tuple(study_figures(study, claims_file))
