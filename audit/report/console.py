"""Console writers (rich): check's summary by rule, diff's listing of changes, verify's verdicts.

Every AuditResult page ends with what the run could not check, in one list,
each entry saying whether it fails the run.
"""

from __future__ import annotations

from io import StringIO

from rich.console import Console
from rich.table import Table

from audit.findings import ERROR, FAILED, NOT_APPLICABLE, PASSED, REQUIRED_ABSENT, AuditResult, RuleResult
from audit.report import ReportOptions

_NOT_CHECKED_SHOWN = 40  # reasons listed; the rest are counted: every entry is in the JSON report
_IDS_SHOWN = 8

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
    return [*lines, gate_line(result, options.fail_on)]


def gate_line(result: AuditResult, fail_on: str) -> str:
    """Whether the run passes the gate, and what fails it: findings, and what could not be checked, by kind."""
    found = result.gating_count(fail_on)
    failing = [n for n in result.not_checked if n.fails_gate]
    if not found and not failing:
        return "gate: passed"
    scope = ("new " if result.baseline_used else "") + ("finding" if found == 1 else "findings")
    reasons = [f"{found} {scope} at or above {fail_on}"] if found else []
    kinds = {ERROR: "execution error", REQUIRED_ABSENT: "required dataset absent",
             NOT_APPLICABLE: "not applicable under --strict"}
    for status, words in kinds.items():
        n = sum(entry.status == status for entry in failing)
        if n:
            reasons.append(f"{n} {words}{'s' if n > 1 and status != NOT_APPLICABLE else ''}")
    return f"gate: failed ({', '.join(reasons)})"


def not_checked_lines(result: AuditResult) -> list[str]:
    """What the run could not check, one line per reason (the rules it concerns named), failing ones marked."""
    entries = result.not_checked
    if not entries:
        return []
    failing = sum(n.fails_gate for n in entries)
    groups: dict[tuple[bool, str, str], list[str]] = {}
    for entry in entries:
        groups.setdefault((entry.fails_gate, entry.status, entry.reason), []).append(entry.rule_id)
    lines = [f"not checked: {len(entries)} ({failing} fail the run)"]
    for (fails, status, reason), ids in list(groups.items())[:_NOT_CHECKED_SHOWN]:
        named = ", ".join(ids[:_IDS_SHOWN]) + (f" and {len(ids) - _IDS_SHOWN} more" if len(ids) > _IDS_SHOWN else "")
        lines.append(f"  {'FAILS ' if fails else ''}{status}: {reason} ({named})")
    if len(groups) > _NOT_CHECKED_SHOWN:
        lines.append(f"  ... and {len(groups) - _NOT_CHECKED_SHOWN} more reasons (see the JSON report)")
    if result.strict:
        lines.append("  strict mode: every rule not applicable fails the run")
    return lines


def _console(options: ReportOptions) -> tuple[Console, StringIO]:
    buffer = StringIO()
    console = Console(file=buffer, width=options.width, force_terminal=options.color,
                      color_system="standard" if options.color else None, highlight=False)
    return console, buffer


def render(result: AuditResult, options: ReportOptions) -> str:
    """`check --format console`: trail line, loading notes, rules, first records, not checked, totals."""
    console, buffer = _console(options)
    trail = result.trail
    console.print(f"trial-audit {trail.tool_version}  snapshot {trail.snapshot}  cut-off {trail.cutoff or 'none'}")
    for note in trail.notes:
        console.print(f"note: {note}", soft_wrap=True)
    console.print(_summary_table(result))
    for rule in result.results:
        if rule.status == FAILED and rule.findings:
            console.print(_records(rule, options, result.baseline_used))
    for line in [*not_checked_lines(result), *_footer(result, options)]:
        console.print(line, soft_wrap=True, markup=False)
    return buffer.getvalue()


def render_diff(result: AuditResult, options: ReportOptions) -> str:
    """`diff --format console`: counts, each new and each resolved finding, then what was not checked."""
    from audit.report.xlsx import change_counts

    counts = change_counts(result)
    lines = [f"{counts['new']} new, {counts['persisting']} persisting, {counts['resolved']} resolved"]
    lines += [f"new       {f.rule_id:<10} {f.severity:<8} {f.usubjid or '-':<16} {f.record}  {f.message}"
              for f in result.findings if f.new]
    lines += [f"resolved  {r.rule_id:<10} {'':<8} {r.usubjid or '-':<16} {r.record}" for r in result.resolved]
    return "\n".join([*lines, *not_checked_lines(result)]) + "\n"


def render_verification(result, options: ReportOptions) -> str:
    """`verify --format console`: the verdict table, each claim's methods, then how the snapshot was read."""
    from audit.claims.render import print_verification

    console, buffer = _console(options)
    print_verification(result, console)
    for note in options.notes:
        console.print(f"note: {note}", highlight=False, soft_wrap=True, markup=False)
    return buffer.getvalue()
