"""Verdicts in words (rich console) and ConsistencyReport renderers; verify's writers are in audit.report."""

from __future__ import annotations

import json

from audit.claims.consistency import ConsistencyReport
from audit.claims.results import VERDICT_LABELS, ClaimVerdict, VerificationResult

_STYLE = {
    "reproduced": "green", "reproduced_by_other_methods": "yellow",
    "not_reproduced": "bold red", "not_applicable": "dim",
}
_SHOWN_METHODS = 6


def method_lines(verdict: ClaimVerdict) -> list[str]:
    """The declared method, the other reproducing ones and the closest, one line each."""
    lines = []
    if verdict.reference is not None:
        ref = verdict.reference
        state = "reproduces" if ref.reproduces else "does not reproduce"
        lines.append(f"{verdict.reference_kind} method {ref.label}: {ref.shown()} ({state})")
    others = [m for m in verdict.reproducing if m is not verdict.reference]
    for method in others[:_SHOWN_METHODS]:
        lines.append(f"reproduced by {method.label}: {method.shown()}")
    if len(others) > _SHOWN_METHODS:
        lines.append(f"... and {len(others) - _SHOWN_METHODS} more reproducing combinations")
    if verdict.closest is not None:
        c = verdict.closest
        lines.append(f"closest: {c.label} gives {c.shown()} (gap {c.gap})")
    return lines


def print_verification(result: VerificationResult, console=None) -> None:
    """A table of verdicts, then per claim the methods that do and do not reproduce it."""
    from rich.console import Console
    from rich.table import Table

    console = console or Console()
    table = Table(title=f"Claims {result.claims_file} on {result.snapshot}", title_justify="left")
    for header in ("claim", "printed", "verdict", "summary"):
        table.add_column(header)
    for v in result.verdicts:
        table.add_row(v.claim_id, v.printed, f"[{_STYLE[v.verdict]}]{VERDICT_LABELS[v.verdict]}[/]",
                      v.summary())
    console.print(table)
    for v in result.verdicts:
        console.print(f"[bold]{v.claim_id}[/] {v.printed}")
        for line in method_lines(v):
            console.print(f"  {line}", highlight=False)
        for source in v.sources:
            console.print(f"  source: {source}", highlight=False)
        for warning in v.warnings:
            console.print(f"  [yellow]warning:[/] {warning}", highlight=False)
    counts = ", ".join(f"{n} {VERDICT_LABELS[k]}" for k, n in result.counts().items() if n)
    console.print(counts)


render_console = print_verification


def render_junit(result: VerificationResult) -> str:
    """One test case per claim (audit.report.junit writes it)."""
    from audit.report import ReportOptions
    from audit.report.junit import render_verification

    return render_verification(result, ReportOptions())


def render_consistency_console(report: ConsistencyReport, console=None) -> None:
    """Printed-figure checks, inconsistencies first in colour."""
    from rich.console import Console

    console = console or Console()
    console.print(f"[bold]{report.source}[/] (n = {report.n if report.n else 'unknown'})")
    style = {"inconsistent": "bold red", "warning": "yellow", "info": "dim"}
    for check in report.checks:
        console.print(f"[{style[check.severity]}]{check.severity:>12}[/] {check.claim_id}: "
                      f"{check.message}", highlight=False)
    console.print(f"{len(report.inconsistent)} inconsistent")


def render_consistency_json(report: ConsistencyReport) -> str:
    return json.dumps(report.to_dict(), indent=2, sort_keys=True)
