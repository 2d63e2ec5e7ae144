"""`trial-audit derive recist`: write derived per-visit and best responses (ADRS-like) for comparison with an ADaM."""

from __future__ import annotations

from pathlib import Path

import typer

from audit.cli.app import derive_app, fail, guard_output, parse_cutoff, user_errors
from audit.cli.loading import ENCODING, KEEP_NA_TEXT, echo_notes

COLUMN_LABELS = {
    "PARAMCD": "Parameter Code",
    "AVALC": "Analysis Value (C)",
    "ADT": "Analysis Date",
    "AVISIT": "Analysis Visit",
    "AVISITN": "Analysis Visit (N)",
    "TARGET_SUM": "Sum of Target Diameters (mm)",
    "BASE_SUM": "Baseline Sum of Diameters (mm)",
    "NADIR": "Nadir Sum Before This Visit (mm)",
    "PCHG_BASE": "Percent Change from Baseline Sum",
    "PCHG_NADIR": "Percent Change from Nadir",
    "CHG_NADIR": "Change from Nadir (mm)",
}


@derive_app.command("recist")
@user_errors
def derive_recist_command(
    snapshot: Path = typer.Argument(..., help="Snapshot folder with TU, TR (and RS, SUPPTU, DM)."),
    output: Path = typer.Option(..., "--output", "-o", help="File to write: .parquet, .csv, .xpt or .json."),
    cutoff: str = typer.Option(None, "--cutoff", help="Data cut-off date (YYYY-MM-DD)."),
    unconfirmed: bool = typer.Option(False, "--unconfirmed", help="BOR without confirmation (randomised trials)."),
    encoding: str | None = ENCODING,
    keep_na_text: bool = KEEP_NA_TEXT,
) -> None:
    """Derive RECIST 1.1 OVRLRESP per visit, BOR and out-of-field ABSRESP/ABSBOR, one row per parameter."""
    from audit.derive import DeriveContext, NotApplicable
    from audit.derive.recist.output import adrs_like
    from audit.formats import write_dataset
    from audit.study import load_study

    guard_output(output, snapshot)
    cut = parse_cutoff(cutoff)
    study = load_study(snapshot, cutoff=cut, encoding=encoding, keep_na_text=keep_na_text)
    echo_notes(study.notes)
    ctx = DeriveContext(study, {"recist": {"confirm": not unconfirmed}})
    try:
        frame = adrs_like(ctx)
    except NotApplicable as exc:
        fail(f"{snapshot}: cannot derive RECIST responses: {exc}")
    try:
        write_dataset(frame, output, "ADRSDER", label="Derived RECIST 1.1 Responses", column_labels=COLUMN_LABELS)
    except (ValueError, OSError) as exc:
        fail(f"{output}: {exc}")
    subjects = frame["USUBJID"].n_unique()
    typer.echo(f"wrote {frame.height:,} response records of {subjects:,} subjects to {output}")
