"""`trial-audit diff OLD.json NEW.json`: findings new, resolved and persisting between two runs."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

import typer

from audit.cli.app import EXIT_CLEAN, EXIT_FINDINGS, app, fail, user_errors


class DiffFormat(StrEnum):
    console = "console"
    json = "json"
    junit = "junit"
    html = "html"
    xlsx = "xlsx"


def _json(result) -> str:
    """The newer report, every finding marked new or persisting, plus the resolved ones and the counts."""
    import json
    from dataclasses import asdict

    from audit.diff import changes_of

    document = asdict(result)
    document["changes"] = asdict(changes_of(result))
    return json.dumps(document, indent=2, sort_keys=True) + "\n"


def _junit(result) -> str:
    """One test case per finding: new ones fail, persisting ones pass; resolved ones pass too."""
    from xml.etree import ElementTree as ET

    new = [f for f in result.findings if f.new]
    suite = ET.Element("testsuite", name="trial-audit diff", tests=str(len(result.findings) + len(result.resolved)),
                       failures=str(len(new)), errors="0", skipped="0")
    for f in result.findings:
        case = ET.SubElement(suite, "testcase", classname=f"{f.rule_id}.{f.dataset}",
                             name=f"{f.usubjid or ''} {f.record} [{f.fingerprint}]")
        if f.new:
            ET.SubElement(case, "failure", message=f"new: {f.message}", type=f.severity)
    for r in result.resolved:
        case = ET.SubElement(suite, "testcase", classname=f"{r.rule_id}.{r.dataset}",
                             name=f"{r.usubjid or ''} {r.record} [{r.fingerprint}]")
        ET.SubElement(case, "system-out").text = "resolved"
    ET.indent(suite)
    return ET.tostring(suite, encoding="unicode", xml_declaration=True) + "\n"


def _console(result) -> str:
    """A short listing: counts, then each new and each resolved finding."""
    from audit.report.xlsx import change_counts

    counts = change_counts(result)
    lines = [f"{counts['new']} new, {counts['persisting']} persisting, {counts['resolved']} resolved"]
    lines += [f"new       {f.rule_id:<10} {f.severity:<8} {f.usubjid or '-':<16} {f.record}  {f.message}"
              for f in result.findings if f.new]
    lines += [f"resolved  {r.rule_id:<10} {'':<8} {r.usubjid or '-':<16} {r.record}" for r in result.resolved]
    return "\n".join(lines) + "\n"


def render_diff(result, fmt: DiffFormat, output: Path | None) -> None:
    """Write the compared result in one format to --output or stdout (xlsx only to a file)."""
    if fmt is DiffFormat.xlsx:
        from audit.report.xlsx import write_xlsx

        if output is None:
            fail("--format xlsx writes a binary workbook: give --output FILE.xlsx")
        write_xlsx(result, output, compared=True)
        return
    if fmt is DiffFormat.html:
        from audit.report.html import render_audit_html

        text = render_audit_html(result)
    else:
        text = {DiffFormat.json: _json, DiffFormat.junit: _junit, DiffFormat.console: _console}[fmt](result)
    if output is None:
        typer.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")


@app.command("diff")
@user_errors
def diff(
    old: Path = typer.Argument(..., help="JSON report of the earlier run (check --format json)."),
    new: Path = typer.Argument(..., help="JSON report of the later run."),
    output_format: DiffFormat = typer.Option(DiffFormat.console, "--format", "-f", help="Output format."),
    output: Path | None = typer.Option(None, "--output", "-o", help="Write here instead of stdout."),
    fail_on: str = typer.Option("minor", "--fail-on", help="Exit 1 when a NEW finding is at or above this."),
) -> None:
    """Compare two JSON reports by finding fingerprint: new, resolved, persisting."""
    from audit.diff import capped_rules, diff_reports
    from audit.findings import SEVERITIES

    if fail_on not in SEVERITIES:
        fail(f"--fail-on must be one of {', '.join(SEVERITIES)} (found {fail_on!r})")
    result = diff_reports(old, new)
    capped = capped_rules(result)
    if capped:
        typer.echo(f"note: findings listed only up to the cap for {', '.join(capped)}; "
                   "their comparison covers the listed findings", err=True)
    render_diff(result, output_format, output)
    raise typer.Exit(EXIT_FINDINGS if result.gating_count(fail_on) else EXIT_CLEAN)
