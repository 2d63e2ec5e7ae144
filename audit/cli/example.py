"""`trial-audit example escc OUT_DIR`: write the built-in reference study, optionally with known defects."""

from __future__ import annotations

from pathlib import Path

import typer

from audit.cli.app import app, fail, user_errors

MARKER = ".trial-audit-example"
STUDIES = ("escc", "escort")
FORMATS = ("csv", "parquet", "xpt", "json")


@app.command("example")
@user_errors
def example(
    study: str = typer.Argument(..., help="Which built-in study: escc (radiotherapy + camrelizumab in ESCC) or "
                                "escort (two-arm camrelizumab against chemotherapy)."),
    out_dir: Path = typer.Argument(..., help="Folder to write into: new, empty, or a previous example output."),
    fmt: str = typer.Option("csv", "--format", help="Dataset format: csv, parquet, xpt or json."),
    subjects: int = typer.Option(49, "--subjects", min=1, max=100_000,
                                 help="Number of subjects (49 reproduces the paper)."),
    seed: int | None = typer.Option(None, "--seed", min=0, max=2**63 - 1,
                                    help="Random seed (default: the reference seed)."),
    defects: bool = typer.Option(
        False, "--defects", help="Also write a damaged copy: OUT_DIR/clean/, OUT_DIR/damaged/, OUT_DIR/defects.json."
    ),
) -> None:
    """Write the synthetic reference study as SDTM + ADaM datasets (exit 0; 2 on a usage error).

    Without --defects the datasets go straight into OUT_DIR. With --defects,
    OUT_DIR/clean/ holds the clean snapshot, OUT_DIR/damaged/ the same data
    with known defects, and OUT_DIR/defects.json lists each defect with the
    rule IDs an audit should report for it.
    """
    if study not in STUDIES:
        fail(f"unknown example study {study!r}: choose one of {', '.join(STUDIES)}")
    if fmt not in FORMATS:
        fail(f"unknown format {fmt!r}: choose one of {', '.join(FORMATS)}")
    if study == "escort":
        _prepare(out_dir)
        _escort(out_dir, fmt, defects)
        return
    from audit.synth import DEFAULT_SEED, generate_escc, write_snapshot
    from audit.synth.manifest import write_manifest

    clean = generate_escc(subjects=subjects, seed=DEFAULT_SEED if seed is None else seed)
    damaged, manifest = _damaged(clean, subjects) if defects else (None, [])
    _prepare(out_dir)
    if damaged is not None:
        write_snapshot(clean, out_dir / "clean", fmt)
        write_snapshot(damaged, out_dir / "damaged", fmt)
        write_manifest(manifest, out_dir / "defects.json")
    else:
        write_snapshot(clean, out_dir, fmt)
    (out_dir / MARKER).write_text("written by trial-audit example\n", encoding="utf-8")
    rows = sum(frame.height for frame in clean.values())
    typer.echo(f"wrote {len(clean)} datasets ({rows:,} rows, {subjects} subjects) to {out_dir}")


def _damaged(clean: dict, subjects: int) -> tuple[dict, list[dict]]:
    """The damaged copy and its manifest; a study too small for every defect is a usage error."""
    from audit.synth import inject_defects
    from audit.synth.defect_kinds import TooFewSubjects

    try:
        return inject_defects(clean)
    except TooFewSubjects as exc:
        fail(f"--defects: {subjects} subjects are too few to give every known defect a subject of its own "
             f"({exc}); the reference --subjects 49 holds them all")
    raise AssertionError("unreachable")


def _escort(out_dir: Path, fmt: str, defects: bool) -> None:
    """The two-arm example: ADSL and ADTTE; its claims file ships in the examples folder."""
    from audit.packs import examples_dir
    from audit.synth import write_snapshot
    from audit.synth.escort import generate_escort

    if defects:
        fail("--defects is available for the escc study only")
    datasets = generate_escort()
    write_snapshot(datasets, out_dir, fmt)
    (out_dir / MARKER).write_text("written by trial-audit example\n", encoding="utf-8")
    claims = examples_dir() / "escort-camrelizumab" / "claims.yaml"
    typer.echo(f"wrote {len(datasets)} datasets ({datasets['ADSL'].height} subjects) to {out_dir}; "
               f"verify with: trial-audit verify {out_dir} --claims {claims}")


def _prepare(out_dir: Path) -> None:
    """Refuse a non-empty folder that is not a previous example output; clear a previous output."""
    if out_dir.exists() and not out_dir.is_dir():
        fail(f"{out_dir} exists and is not a folder")
    if not out_dir.exists():
        out_dir.mkdir(parents=True)
        return
    entries = list(out_dir.iterdir())
    if entries and not (out_dir / MARKER).exists():
        fail(f"{out_dir} is not empty and is not a previous example output; choose an empty or new folder")
    for folder in (out_dir / "clean", out_dir / "damaged", out_dir):
        if folder.is_dir():
            for path in folder.iterdir():
                if path.is_file() and path.suffix.lstrip(".") in (*FORMATS, "json"):
                    path.unlink()
