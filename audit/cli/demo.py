"""`trial-audit demo`: the whole tool on the built-in reference study, in one command."""

from __future__ import annotations

from pathlib import Path

import typer

from audit.cli.app import EXIT_CLEAN, app, fail, user_errors

_MARKERS = (".trial-audit-example",)


def _prepare(out_dir: Path) -> None:
    """A new or empty folder, or a previous demo output (which is replaced)."""
    import shutil

    if out_dir.exists() and not out_dir.is_dir():
        fail(f"{out_dir} exists and is not a folder")
    if out_dir.is_dir() and any(out_dir.iterdir()):
        if not (out_dir / "snapshots" / _MARKERS[0]).exists():
            fail(f"{out_dir} is not empty and is not a previous demo output; choose a new folder")
        for child in ("snapshots", "reports"):
            shutil.rmtree(out_dir / child, ignore_errors=True)
    out_dir.mkdir(parents=True, exist_ok=True)


def _print_summary(summary) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(width=max(Console().width, 110))
    flagged = sum(c.flagged for c in summary.defects)
    snapshots = summary.out_dir / "snapshots"
    console.print(f"[bold]Reference study[/bold] written to {snapshots} (clean, damaged, defects.json)")
    console.print(f"Clean snapshot: {summary.clean_gating} findings at minor or above")
    table = Table(title=f"Damaged snapshot: {flagged} of {len(summary.defects)} injected defects flagged",
                  title_justify="left")
    for column in ("defect", "kind", "subject", "expected rule(s)", "flagged by"):
        table.add_column(column)
    for check in summary.defects:
        table.add_row(check.defect_id, check.kind, check.usubjid, ", ".join(check.expected_rules),
                      ", ".join(check.flagged_by) or "[red]not flagged[/red]")
    console.print(table)
    verdicts = Table(title="Published figures", title_justify="left")
    for column in ("claim", "clean snapshot", "reproduced by (first method)", "damaged snapshot"):
        verdicts.add_column(column)
    damaged = {claim_id: (verdict, how) for claim_id, verdict, how in summary.damaged_verdicts}
    for claim_id, verdict, how in summary.clean_verdicts:
        after, after_how = damaged.get(claim_id, ("-", ""))
        shown_after = after.replace("_", " ") + (f"\n{after_how}" if after == "not_reproduced" else "")
        verdicts.add_row(claim_id, verdict.replace("_", " "), how, shown_after)
    console.print(verdicts)
    two_arm = Table(title="Randomised two-arm study (snapshots/escort): published figures", title_justify="left")
    for column in ("claim", "verdict", "reproduced by (first method)"):
        two_arm.add_column(column)
    for claim_id, verdict, how in summary.two_arm_verdicts:
        two_arm.add_row(claim_id, verdict.replace("_", " "), how)
    console.print(two_arm)
    console.print("Reports:")
    for path in summary.reports:
        console.print(f"  {path}")


@app.command("demo")
@user_errors
def demo(
    out_dir: Path = typer.Argument(Path("trial-audit-demo"), help="Folder for the snapshots and reports."),
    fmt: str = typer.Option("parquet", "--format", help="Dataset format of the snapshots: csv, parquet, xpt, json."),
) -> None:
    """Generate the reference studies, audit the clean and damaged copies, verify the published figures."""
    from audit.demo import run_demo

    if fmt not in ("csv", "parquet", "xpt", "json"):
        fail(f"--format: expected csv, parquet, xpt or json, found {fmt!r}")
    _prepare(out_dir)
    summary = run_demo(out_dir, fmt)
    _print_summary(summary)
    # A demonstration that ran is a success; what it found is in the summary and the reports.
    raise typer.Exit(EXIT_CLEAN)
