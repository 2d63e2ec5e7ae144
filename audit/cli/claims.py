"""`trial-audit claims extract|check`: draft a claims file from an abstract, check it without data."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

import typer

from audit.cli.app import EXIT_CLEAN, EXIT_FINDINGS, claims_app, user_errors, write_output


class CheckFormat(StrEnum):
    console = "console"
    json = "json"


# An abstract runs to a few thousand characters; a whole paper's text is not a draft to review.
MAX_ABSTRACT = 50_000


def _read_text(path: Path) -> str:
    from audit.errors import ClaimsFileError

    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ClaimsFileError(f"cannot read: {exc}", file=path) from None
    if len(text) > MAX_ABSTRACT:
        raise ClaimsFileError(f"{len(text):,} characters: an abstract has at most {MAX_ABSTRACT:,}; "
                              "give the abstract, not the whole paper", file=path)
    return text


@claims_app.command("extract")
@user_errors
def extract_command(
    abstract: Path = typer.Argument(..., help="The abstract as plain text."),
    output: Path = typer.Option(None, "--output", "-o", help="Write the claims file here (default: stdout)."),
) -> None:
    """Draft a claims file from an abstract; review the guessed measures and `todo` fields."""
    from audit.claims.extract import dump_claims, extract_claims
    from audit.errors import ClaimsFileError

    claims = extract_claims(_read_text(abstract))
    if not claims.claims:
        raise ClaimsFileError("no figure found in the abstract", file=abstract)
    text = dump_claims(claims, abstract.name)
    if output is None:
        typer.echo(text, nl=False)
    else:
        write_output(output, text)
        typer.echo(f"wrote {len(claims.claims)} claims to {output}", err=True)


@claims_app.command("check")
@user_errors
def check_command(
    source: Path = typer.Argument(..., help="An abstract (.txt) or a claims file (.yaml, .yml, .json)."),
    n: int = typer.Option(None, "--n", min=1, max=100_000_000,
                           help="Number of subjects (default: the count in the claims)."),
    output_format: CheckFormat = typer.Option(CheckFormat.console, "--format", "-f", help="Output format."),
) -> None:
    """Check printed figures with no data (GRIM, count/percent, CI shape). Exit 1 if inconsistent."""
    from audit.claims import load_claims
    from audit.claims.consistency import consistency_report
    from audit.claims.extract import extract_claims
    from audit.claims.render import render_consistency_console, render_consistency_json

    if source.suffix.lower() in (".yaml", ".yml", ".json"):
        claims = load_claims(source)
    else:
        claims = extract_claims(_read_text(source))
    report = consistency_report(claims, str(source), n)
    if output_format is CheckFormat.json:
        typer.echo(render_consistency_json(report))
    else:
        render_consistency_console(report)
    raise typer.Exit(EXIT_FINDINGS if report.inconsistent else EXIT_CLEAN)
