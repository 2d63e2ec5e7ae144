"""The options every command that reads a snapshot shares: how its files' text is read."""

from __future__ import annotations

import typer

ENCODING = typer.Option(
    None, "--encoding",
    help="Text encoding of every XPT, CSV and Dataset-JSON file (default: per file, UTF-8, else cp1252, else latin-1).",
)
KEEP_NA_TEXT = typer.Option(
    False, "--keep-na-text", help='Read CSV "NA" as the text NA (default: NA is a missing value, as R writes it).'
)


def echo_notes(notes: tuple[str, ...]) -> None:
    """How the snapshot was read, on stderr, so a written file's summary line stays alone on stdout."""
    for note in notes:
        typer.echo(f"note: {note}", err=True)
