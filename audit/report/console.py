"""Console report: a summary table by rule, then the first records of each failing rule (rich)."""

from __future__ import annotations

from io import StringIO

from rich.console import Console
from rich.table import Table

from audit.findings import ERROR, FAILED, NOT_APPLICABLE, PASSED, AuditResult, RuleResult
from audit.report import ReportOptions

_STATUS_STYLE = {FAILED: "bold red", ERROR: "bold magenta", NOT_APPLICABLE: "dim", PASSED: "green"}
_SEVERITY_STYLE = {"critical": "bold red", "major": "red", "minor": "yellow", "info": "cyan"}


def _summary_table(result: AuditResult) -> Table:
    table = Table(title="Rules", title_justify="left", show_lines=False)
    for name, justify in (("rule", "left"), ("status", "left"), ("findings", "right"), ("severity", "left"),
                          ("title", "left")):
        table.add_column(name, justify=justify, overflow="fold")
    for rule in result.results:
        status = f"[{_STATUS_STYLE[rule.status]}]{rule.status}[/]"
        count = str(rule.count) if rule.status == FAILED else "-"
        severity = f"[{_SEVERITY_STYLE[rule.severity]}]{rule.severity}[/]"
        detail = f"{rule.title}\n[dim]{rule.reason}[/]" if rule.reason else rule.title
        table.add_row(rule.rule_id, status, count, severity, detail)
    return table


def _records(rule: RuleResult, options: ReportOptions, compared: bool) -> Table:
    shown = rule.findings[: options.records_per_rule]
    more = f" (first {len(shown)} of {rule.count})" if rule.count > len(shown) else ""
    table = Table(title=f"{rule.rule_id} {rule.title}{more}", title_justify="left")
    columns = ["severity", "USUBJID", "record", "message"] + (["new"] if compared else [])
    for name in columns:
        table.add_column(name, overflow="fold")
    for f in shown:
        row = [f"[{_SEVERITY_STYLE[f.severity]}]{f.severity}[/]", f.usubjid or "-", f.record, f.message]
        table.add_row(*row, *(["new" if f.new else ""] if compared else []))
    return table


def _footer(result: AuditResult, options: ReportOptions) -> list[str]:
    counts = result.status_counts()
    lines = [
        f"{counts[FAILED]} failed, {counts[PASSED]} passed, {counts[NOT_APPLICABLE]} not applicable, "
        f"{counts[ERROR]} execution errors; {sum(r.count for r in result.results)} findings",
    ]
    scope = "new findings" if result.baseline_used else "findings"
    lines.append(f"{result.gating_count(options.fail_on)} {scope} at or above {options.fail_on}")
    if result.baseline_used:
        lines.append(f"{len(result.resolved)} baseline findings resolved")
        lines += [f"  resolved {r.rule_id} {r.usubjid or '-'} {r.record}" for r in result.resolved[:20]]
    return lines


def render(result: AuditResult, options: ReportOptions) -> str:
    buffer = StringIO()
    console = Console(file=buffer, width=options.width, force_terminal=options.color,
                      color_system="standard" if options.color else None, highlight=False)
    trail = result.trail
    console.print(f"trial-audit {trail.tool_version}  snapshot {trail.snapshot}  cut-off {trail.cutoff or 'none'}")
    for note in trail.notes:
        console.print(f"note: {note}", soft_wrap=True)
    console.print(_summary_table(result))
    for rule in result.results:
        if rule.status == FAILED and rule.findings:
            console.print(_records(rule, options, result.baseline_used))
    for line in _footer(result, options):
        console.print(line)
    return buffer.getvalue()
