"""`trial-audit verify`: recompute published figures from a snapshot and give each a verdict."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

import typer

from audit.cli.app import EXIT_CLEAN, EXIT_FINDINGS, app, user_errors


class VerifyFormat(StrEnum):
    console = "console"
    json = "json"
    junit = "junit"
    html = "html"


@app.command("verify")
@user_errors
def verify_command(
    snapshot: Path = typer.Argument(..., help="Folder of datasets (.xpt, .json, .ndjson, .parquet, .csv)."),
    claims: Path = typer.Option(..., "--claims", "-c", help="Claims file (YAML or JSON)."),
    output_format: VerifyFormat = typer.Option(VerifyFormat.console, "--format", "-f", help="Output format."),
    output: Path = typer.Option(None, "--output", "-o", help="Write the report to this file."),
) -> None:
    """Verify each claim under every catalogued method. Exit 1 if any claim is reproduced by none."""
    from audit.claims import load_claims, verify_claims
    from audit.claims.render import RENDERERS, render_console
    from audit.study import load_study

    claims_file = load_claims(claims)
    study = load_study(snapshot)
    result = verify_claims(study, claims_file, claims_file=claims)
    if output_format is VerifyFormat.html:
        from audit.report.html import render_verification_html
        from audit.report.plots import study_figures

        text = render_verification_html(result, study_figures(study, claims_file))
        if output is None:
            typer.echo(text, nl=False)
        else:
            output.write_text(text, encoding="utf-8")
    elif output_format is VerifyFormat.console and output is None:
        render_console(result)
    elif output_format is VerifyFormat.console:
        from rich.console import Console

        with output.open("w", encoding="utf-8") as handle:
            render_console(result, Console(file=handle, width=120))
    else:
        text = RENDERERS[output_format.value](result)
        if output is None:
            typer.echo(text, nl=False)
        else:
            output.write_text(text, encoding="utf-8")
    raise typer.Exit(EXIT_FINDINGS if result.failed else EXIT_CLEAN)
