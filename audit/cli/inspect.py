"""`trial-audit inspect`: what a snapshot holds, before any rule runs."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path

import typer

from audit.cli.app import app, parse_cutoff, user_errors
from audit.cli.loading import ENCODING, KEEP_NA_TEXT


class InspectFormat(StrEnum):
    console = "console"
    json = "json"


def _render_console(document: dict) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(width=max(Console().width, 132))
    table = Table(title=f"Snapshot {document['snapshot']}", title_justify="left")
    for header, justify in [
        ("dataset", "left"), ("file", "left"), ("records", "right"), ("variables", "right"),
        ("subjects", "right"), ("dates", "left"), ("invalid dates", "right"), ("sha256", "left"),
    ]:
        table.add_column(header, justify=justify, no_wrap=True)
    for d in document["datasets"]:
        span = f"{d['first_date']} .. {d['last_date']}" if d["first_date"] else "-"
        table.add_row(
            d["name"], d["file"], f"{d['records']:,}", str(d["variables"]),
            "-" if d["subjects"] is None else f"{d['subjects']:,}", span,
            str(d["invalid_dates"]), d["sha256"][:12],
        )
    console.print(table)
    cutoff = document["cutoff"] or "not given"
    source = f" ({document['cutoff_source']})" if document["cutoff_source"] else ""
    console.print(f"data cut-off: {cutoff}{source}")
    for note in document["notes"]:
        console.print(f"note: {note}", soft_wrap=True)


@app.command("inspect")
@user_errors
def inspect_command(
    snapshot: Path = typer.Argument(..., help="Folder of datasets (.xpt, .json, .ndjson, .parquet, .csv)."),
    output_format: InspectFormat = typer.Option(InspectFormat.console, "--format", "-f", help="Output format."),
    cutoff: str = typer.Option(None, "--cutoff", help="Data cut-off date (YYYY-MM-DD); default: read from TS/ADSL."),
    encoding: str | None = ENCODING,
    keep_na_text: bool = KEEP_NA_TEXT,
) -> None:
    """List the datasets of a snapshot: records, variables, subjects, date range, checksum."""
    from audit.inspect import summary_document
    from audit.study import load_study

    study = load_study(snapshot, cutoff=parse_cutoff(cutoff), encoding=encoding, keep_na_text=keep_na_text)
    document = summary_document(study)
    if output_format is InspectFormat.json:
        typer.echo(json.dumps(document, indent=2))
    else:
        _render_console(document)
