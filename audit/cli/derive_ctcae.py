"""`trial-audit derive ctcae`: write every gradable lab record with its CTCAE v5 grade (ADLB-like)."""

from __future__ import annotations

from pathlib import Path

import typer

from audit.cli.app import derive_app, fail, guard_output, parse_cutoff, user_errors
from audit.cli.loading import ENCODING, KEEP_NA_TEXT, echo_notes

COLUMN_LABELS = {
    "CTCTERM": "CTCAE v5.0 Term",
    "AVAL": "Analysis Value (grading unit)",
    "AVALU": "Analysis Value Unit",
    "ANRLO": "Analysis Normal Range Lower Limit",
    "ANRHI": "Analysis Normal Range Upper Limit",
    "BASE": "Baseline Value",
    "BASEABN": "Baseline Outside Normal Range",
    "ATOXDIR": "Direction of Abnormality (low/high)",
    "UNITOK": "Unit Known to the Grading Table",
    "ATOXSTAT": "Grading Status",
    "ATOXGRN": "Analysis Toxicity Grade (N)",
    "ATOXGR": "Analysis Toxicity Grade",
}


@derive_app.command("ctcae")
@user_errors
def derive_ctcae_command(
    snapshot: Path = typer.Argument(..., help="Snapshot folder with LB (and DM for baselines)."),
    output: Path = typer.Option(
        ..., "--output", "-o", help="File to write: .parquet, .csv, .xpt or .json."
    ),
    cutoff: str = typer.Option(None, "--cutoff", help="Data cut-off date (YYYY-MM-DD)."),
    encoding: str | None = ENCODING,
    keep_na_text: bool = KEEP_NA_TEXT,
) -> None:
    """Grade every lab record by CTCAE v5.0 (ATOXGRN); ungradable records say why (ATOXSTAT)."""
    import polars as pl

    from audit.derive import DeriveContext, NotApplicable
    from audit.formats import write_dataset
    from audit.study import load_study

    guard_output(output, snapshot)
    cut = parse_cutoff(cutoff)
    study = load_study(snapshot, cutoff=cut, encoding=encoding, keep_na_text=keep_na_text)
    echo_notes(study.notes)
    ctx = DeriveContext(study)
    try:
        graded = ctx.derived("ctcae.lab_grades").collect()
    except NotApplicable as exc:
        fail(f"{snapshot}: cannot grade labs: {exc}")
    keep = [c for c in graded.columns if c != "DATASET" and not c.endswith(("_LO", "_HI"))]
    try:
        write_dataset(
            graded.select(keep),
            output,
            "ADLBCTC",
            label="Lab Records with CTCAE v5.0 Grades",
            column_labels=COLUMN_LABELS,
        )
    except (ValueError, OSError) as exc:
        fail(f"{output}: {exc}")
    n_graded = graded.filter(pl.col("ATOXGRN").is_not_null()).height
    typer.echo(f"wrote {graded.height:,} lab records ({n_graded:,} graded) to {output}")
