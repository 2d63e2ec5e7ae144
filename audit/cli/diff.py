"""`trial-audit diff OLD.json NEW.json`: findings new, resolved and persisting between two runs."""

from __future__ import annotations

from pathlib import Path

import typer

from audit.cli.app import EXIT_CLEAN, EXIT_FINDINGS, app, emit_report, fail, guard_output, user_errors


@app.command("diff")
@user_errors
def diff(
    old: Path = typer.Argument(..., help="JSON report of the earlier run (check --format json)."),
    new: Path = typer.Argument(..., help="JSON report of the later run."),
    output_format: str = typer.Option("console", "--format", "-f", help="console, json, junit, html, xlsx."),
    output: Path | None = typer.Option(None, "--output", "-o", help="Write here instead of stdout."),
    fail_on: str = typer.Option("minor", "--fail-on", help="Exit 1 when a NEW finding is at or above this."),
) -> None:
    """Compare two JSON reports by finding fingerprint: new, resolved, persisting; exit 1 on a new finding.

    What the newer run could not check and that failed it (an execution error, a required dataset
    absent, a rule not applicable under --strict) fails the diff too: its findings are not known.
    """
    from audit.diff import capped_rules, diff_reports
    from audit.findings import SEVERITIES
    from audit.report import DIFF, ReportOptions, writer, writes_binary

    if fail_on not in SEVERITIES:
        fail(f"--fail-on must be one of {', '.join(SEVERITIES)} (found {fail_on!r})")
    render = writer(output_format, DIFF)
    if output is None and writes_binary(output_format):
        fail("--format xlsx writes a binary workbook: give --output FILE.xlsx")
    result = diff_reports(old, new)
    if result.trail.snapshot:  # the newer run's snapshot folder, as its report records it
        guard_output(output, Path(result.trail.snapshot))
    capped = capped_rules(result)
    if capped:
        typer.echo(f"note: findings listed only up to the cap for {', '.join(capped)}; "
                   "their comparison covers the listed findings", err=True)
    emit_report(render(result, ReportOptions(fail_on=fail_on)), output, output_format)
    raise typer.Exit(EXIT_FINDINGS if result.gate_failures(fail_on) else EXIT_CLEAN)
