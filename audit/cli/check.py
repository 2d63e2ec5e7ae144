"""`trial-audit check` and `trial-audit baseline`: run rule packs on a snapshot, render, exit by the gate.

Exit codes: 0 the gate passes; 1 findings at or above --fail-on (only new
ones with --baseline), or something the run could not check that fails it
(an execution error, a required dataset absent, a rule not applicable under
--strict); 2 usage or input error.
"""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from audit.cli.app import EXIT_CLEAN, EXIT_FINDINGS, app, emit_report, fail, guard_output, parse_cutoff, user_errors
from audit.cli.loading import ENCODING, KEEP_NA_TEXT
from audit.findings import SEVERITIES

_SNAPSHOT = typer.Argument(..., help="Snapshot folder (xpt, Dataset-JSON, parquet or csv files).")
_RULES = typer.Option(None, "--rules", help="Rule file or folder (repeatable), run beside the built-in packs.")
_NO_BUILTIN = typer.Option(False, "--no-builtin-rules", help="Run only the --rules files, not the built-in packs.")
_REQUIRE = typer.Option(
    None, "--require", help="Datasets the snapshot must hold (comma-separated, e.g. TR,RS); one absent fails the run.")
_CONFIG = typer.Option(None, "--config", help="Settings YAML (sections study, recist, ctcae).")
_CUTOFF = typer.Option(None, "--cutoff", help="Data cut-off date (YYYY-MM-DD); overrides the snapshot's.")


def _ids(values: list[str] | None) -> list[str] | None:
    if not values:
        return None
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def _progress_hook(total: int):
    """A progress bar on stderr, only when stderr is a terminal."""
    if not sys.stderr.isatty():
        return None, None
    from rich.console import Console
    from rich.progress import Progress

    progress = Progress(console=Console(stderr=True), transient=True)
    task = progress.add_task("checking", total=total)
    progress.start()
    return (lambda rule_id: progress.update(task, advance=1, description=rule_id)), progress


def _audit(snapshot: Path, rules, select, ignore, config, cutoff, max_details, baseline=None, *,
           expectations=(), engine="native", compare=None, claims=None, encoding=None, keep_na_text=False,
           builtin_rules=True, strict=False, require=None):
    from audit.api import CheckRequest, rule_set, run_check

    request = CheckRequest(
        snapshot=snapshot, rules=tuple(rules or ()), builtin_rules=builtin_rules,
        expectations=tuple(expectations or ()), engine=engine, select=_ids(select), ignore=_ids(ignore),
        config=config, cutoff=parse_cutoff(cutoff), max_details=max_details, baseline=baseline, compare=compare,
        claims=claims, encoding=encoding, keep_na_text=keep_na_text, strict=strict,
        required_datasets=tuple(_ids(require) or ()),
    )
    rule_count = len(rule_set(request).rules) if request.select is None and sys.stderr.isatty() else None
    hook, bar = _progress_hook(rule_count) if rule_count else (None, None)
    try:
        return run_check(request, progress=hook)
    finally:
        if bar is not None:
            bar.stop()


@app.command("check")
@user_errors
def check(
    snapshot: Path = _SNAPSHOT,
    rules: list[Path] | None = _RULES,
    no_builtin_rules: bool = _NO_BUILTIN,
    select: list[str] | None = typer.Option(None, "--select", help="Rule IDs or prefixes to run (comma-separated)."),
    ignore: list[str] | None = typer.Option(None, "--ignore", help="Rule IDs or prefixes to skip (comma-separated)."),
    output_format: str = typer.Option("console", "--format", help="console, json, junit, html, xlsx."),
    output: Path | None = typer.Option(None, "--output", "-o", help="Write the report here instead of stdout."),
    fail_on: str = typer.Option("major", "--fail-on", help="Exit 1 when findings reach this severity."),
    baseline: Path | None = typer.Option(None, "--baseline", help="Accepted findings: only new ones gate."),
    max_details: int = typer.Option(1000, "--max-details", min=0, help="Detail rows kept per rule."),
    cutoff: str | None = _CUTOFF,
    config: Path | None = _CONFIG,
    expectations: list[Path] | None = typer.Option(
        None, "--expectations", help="Expectation suite (GX 1.x JSON) or folder; adds to or replaces a built-in one."),
    engine: str = typer.Option("native", "--engine", help="Run suites natively (Polars) or through gx."),
    compare: Path | None = typer.Option(
        None, "--compare", help="An earlier JSON report: mark findings new, persisting or resolved."),
    claims: Path | None = typer.Option(
        None, "--claims", help="Claims file: verify published figures too (verdicts and plots in the HTML report)."),
    encoding: str | None = ENCODING,
    keep_na_text: bool = KEEP_NA_TEXT,
    strict: bool = typer.Option(False, "--strict", help="A selected rule that is not applicable fails the run."),
    require: list[str] | None = _REQUIRE,
) -> None:
    """Run rule packs and expectation suites on a snapshot; exit 0 when the gate passes, 1 when it fails."""
    from audit.report import ReportOptions, writer, writes_binary
    from audit.report.xlsx import subject_sites

    if fail_on not in SEVERITIES:
        fail(f"--fail-on: expected one of {', '.join(SEVERITIES)}, found {fail_on!r}")
    render = writer(output_format)
    guard_output(output, snapshot)
    if output is None and writes_binary(output_format):
        fail(f"--format {output_format} writes a binary file: give --output FILE")
    outcome = _audit(snapshot, rules, select, ignore, config, cutoff, max_details, baseline,
                     expectations=expectations, engine=engine, compare=compare, claims=claims,
                     encoding=encoding, keep_na_text=keep_na_text, builtin_rules=not no_builtin_rules,
                     strict=strict, require=require)
    result = outcome.result
    to_terminal = output is None and sys.stdout.isatty()
    options = ReportOptions(fail_on=fail_on, color=to_terminal and output_format == "console",
                            rules=outcome.rules, sites=subject_sites(outcome.study),
                            verification=outcome.verification, figures=outcome.figures)
    emit_report(render(result, options), output, output_format)
    if output is not None:
        from audit.report.console import gate_line

        typer.echo(gate_line(result, fail_on), err=True)  # the log says why the job failed, the file says in full
    raise typer.Exit(EXIT_FINDINGS if result.gate_failures(fail_on) else EXIT_CLEAN)


@app.command("baseline")
@user_errors
def baseline_command(
    snapshot: Path = _SNAPSHOT,
    output: Path = typer.Option(..., "--output", "-o", help="Baseline file to write (JSON)."),
    rules: list[Path] | None = _RULES,
    no_builtin_rules: bool = _NO_BUILTIN,
    select: list[str] | None = typer.Option(None, "--select", help="Rule IDs or prefixes to run."),
    ignore: list[str] | None = typer.Option(None, "--ignore", help="Rule IDs or prefixes to skip."),
    cutoff: str | None = _CUTOFF,
    config: Path | None = _CONFIG,
    encoding: str | None = ENCODING,
    keep_na_text: bool = KEEP_NA_TEXT,
) -> None:
    """Record every current finding as accepted, for `check --baseline FILE`."""
    from audit.baseline import write_baseline

    guard_output(output, snapshot)
    outcome = _audit(snapshot, rules, select, ignore, config, cutoff, sys.maxsize, encoding=encoding,
                     keep_na_text=keep_na_text, builtin_rules=not no_builtin_rules)
    count = write_baseline(outcome.result, output)
    typer.echo(f"baseline: {count} findings accepted -> {output}")
