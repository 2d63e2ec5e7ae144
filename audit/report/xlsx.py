"""The Excel listing a data manager works through: one sheet per severity, a summary, the rules.

Each finding is one row pinned to site, subject and record. Headers are
frozen and filterable. Text from the data is written as text, never as a
formula or link (a value of "=HYPERLINK(...)" stays a string). The workbook
is binary, so it is written to a file only.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from audit.findings import SEVERITIES, AuditResult, Finding, RuleResult

FINDING_COLUMNS = (
    ("Site", 10), ("USUBJID", 18), ("Dataset", 9), ("Record key", 16), ("Variables", 24), ("Values", 30),
    ("Rule", 11), ("Title", 40), ("Message", 60),
)
RULE_COLUMNS = (
    ("Rule", 11), ("Pack", 12), ("Title", 44), ("Severity", 9), ("Status", 16), ("Findings", 9),
    ("Datasets", 16), ("Rationale", 60), ("Reference", 30), ("Not run because", 40),
)
NOT_CHECKED_COLUMNS = (("Rule", 14), ("Status", 20), ("Fails the run", 12), ("Why", 70), ("Source", 26))
RESOLVED_COLUMNS = (("Site", 10), ("USUBJID", 18), ("Dataset", 9), ("Record", 22), ("Rule", 11),
                    ("Fingerprint", 18))
CHANGE_COLUMN = ("Since previous", 14)


@dataclass(frozen=True)
class RuleDescription:
    """What the Rules sheet says about a rule: read from its rule record."""

    rule_id: str
    pack: str
    title: str
    rationale: str
    reference: str


def describe_rules(rule_files: Iterable[tuple[Path, Any]]) -> dict[str, RuleDescription]:
    """Rule descriptions by ID from loaded rule files (audit.engine.models.load_rule_files)."""
    return {
        rule.id: RuleDescription(rule.id, rule_file.pack, rule.title, rule.rationale,
                                 f"{rule.reference.document}, {rule.reference.section}")
        for _, rule_file in rule_files for rule in rule_file.rules
    }


def pack_of(result: RuleResult) -> str:
    """The rule pack a result belongs to: the ID prefix (DATE, RECIST, ...) or the suite file."""
    if result.source != "rule":
        return result.source
    prefix = re.match(r"[A-Z]+", result.rule_id)
    return prefix.group(0) if prefix else result.rule_id


def subject_sites(study) -> dict[str, str]:
    """USUBJID -> SITEID from DM, so each finding can be routed to its site monitor."""
    if not study.has("DM", "USUBJID", "SITEID"):
        return {}
    frame = study.frame("DM").select("USUBJID", "SITEID").drop_nulls().unique("USUBJID").collect()
    return dict(zip(frame["USUBJID"].cast(str).to_list(), frame["SITEID"].cast(str).to_list(), strict=True))


def _joined(items: Sequence[str | None]) -> str:
    return "; ".join("" if v is None else str(v) for v in items)


def _change(finding: Finding) -> str:
    return "" if finding.new is None else ("new" if finding.new else "persisting")


def finding_row(finding: Finding, title: str, sites: Mapping[str, str]) -> list[str]:
    """One listing row in FINDING_COLUMNS order."""
    return [sites.get(finding.usubjid or "", ""), finding.usubjid or "", finding.dataset,
            f"{finding.key_name}={finding.key_value or ''}", _joined(finding.variables),
            _joined(finding.values), finding.rule_id, title, finding.message]


class _Sheets:
    """Formats and a table writer shared by every sheet of one workbook."""

    def __init__(self, workbook) -> None:
        self.workbook = workbook
        self.header = workbook.add_format({"bold": True, "bg_color": "#E8EDF3", "border": 1, "text_wrap": True})
        self.wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
        self.title = workbook.add_format({"bold": True, "font_size": 14})

    def table(self, name: str, columns: Sequence[tuple[str, int]], rows: Sequence[Sequence[Any]]) -> None:
        """A sheet with a frozen, filterable header row, set widths, and every cell as text or number."""
        sheet = self.workbook.add_worksheet(name)
        for col, (heading, width) in enumerate(columns):
            sheet.write_string(0, col, heading, self.header)
            sheet.set_column(col, col, width)
        for r, row in enumerate(rows, start=1):
            for col, value in enumerate(row):
                if isinstance(value, int | float):
                    sheet.write_number(r, col, value)
                else:
                    sheet.write_string(r, col, "" if value is None else str(value), self.wrap)
        sheet.freeze_panes(1, 0)
        sheet.autofilter(0, 0, max(len(rows), 1), len(columns) - 1)


def _titles(result: AuditResult, rules: Mapping[str, RuleDescription]) -> dict[str, str]:
    return {r.rule_id: (rules[r.rule_id].title if r.rule_id in rules else r.title) for r in result.results}


def _severity_rows(result: AuditResult, severity: str, titles: Mapping[str, str],
                   sites: Mapping[str, str], compared: bool) -> list[list[str]]:
    rows = [
        finding_row(f, titles[f.rule_id], sites) + ([_change(f)] if compared else [])
        for f in result.findings if f.severity == severity
    ]
    return sorted(rows, key=lambda row: (row[0], row[1], row[2], row[3], row[6]))


def _rule_rows(result: AuditResult, rules: Mapping[str, RuleDescription]) -> list[list[Any]]:
    rows = []
    for r in result.results:
        known = rules.get(r.rule_id)
        rows.append([r.rule_id, known.pack if known else pack_of(r), known.title if known else r.title,
                     r.severity, r.status, r.count, ", ".join(r.datasets),
                     known.rationale if known else "", known.reference if known else r.source, r.reason or ""])
    return rows


def _not_checked_rows(result: AuditResult) -> list[list[str]]:
    return [[n.rule_id, n.status, "yes" if n.fails_gate else "no", n.reason, n.source] for n in result.not_checked]


def _resolved_rows(result: AuditResult, sites: Mapping[str, str]) -> list[list[str]]:
    return [[sites.get(f.usubjid or "", ""), f.usubjid or "", f.dataset, f.record, f.rule_id, f.fingerprint]
            for f in sorted(result.resolved, key=lambda f: (f.usubjid or "", f.record, f.rule_id))]


def write_xlsx(result: AuditResult, path: str | Path | Any, *, rules: Mapping[str, RuleDescription] | None = None,
               sites: Mapping[str, str] | None = None, compared: bool | None = None) -> None:
    """Write the listing workbook: Summary, one sheet per severity, Resolved (when compared), Not checked, Rules."""
    import xlsxwriter

    rules, sites = rules or {}, sites or {}
    compared = is_compared(result) if compared is None else compared
    target = path if hasattr(path, "write") else str(path)
    workbook = xlsxwriter.Workbook(target, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
                                               "strings_to_numbers": False})
    workbook.set_properties({"title": "trial-audit findings", "created": _created(result)})
    sheets = _Sheets(workbook)
    _write_summary(sheets, result, compared)
    titles = _titles(result, rules)
    columns = FINDING_COLUMNS + ((CHANGE_COLUMN,) if compared else ())
    for severity in SEVERITIES:
        sheets.table(severity, columns, _severity_rows(result, severity, titles, sites, compared))
    if compared:
        sheets.table("resolved", RESOLVED_COLUMNS, _resolved_rows(result, sites))
    sheets.table("Not checked", NOT_CHECKED_COLUMNS, _not_checked_rows(result))
    sheets.table("Rules", RULE_COLUMNS, _rule_rows(result, rules))
    workbook.close()


def pack_severity_counts(result: AuditResult) -> list[list[Any]]:
    """Total findings (not capped) per rule pack and severity, packs in name order, with a total."""
    counts: dict[str, dict[str, int]] = {}
    for r in result.results:
        pack = counts.setdefault(pack_of(r), dict.fromkeys(SEVERITIES, 0))
        for severity, n in r.severity_counts:
            pack[severity] += n
    return [[pack, *by.values(), sum(by.values())] for pack, by in sorted(counts.items())]


def change_counts(result: AuditResult) -> dict[str, int]:
    """Listed findings new and persisting since the earlier run, and the earlier ones resolved."""
    return {"new": sum(f.new is True for f in result.findings),
            "persisting": sum(f.new is False for f in result.findings), "resolved": len(result.resolved)}


def _write_summary(sheets: _Sheets, result: AuditResult, compared: bool) -> None:
    trail = result.trail
    sheet = sheets.workbook.add_worksheet("Summary")
    sheet.set_column(0, 0, 28)
    sheet.set_column(1, 6, 12)
    sheet.write_string(0, 0, "trial-audit findings", sheets.title)
    facts = [("tool version", trail.tool_version), ("snapshot", trail.snapshot),
             ("data cut-off", f"{trail.cutoff or 'none'} ({trail.cutoff_source or 'not given'})"),
             ("run at", trail.run_at), ("rule files", str(len(trail.rule_files)))]
    facts += [(f"rules {status}", str(n)) for status, n in result.status_counts().items()]
    facts.append(("not checked (failing the run)", f"{len(result.not_checked)} "
                  f"({sum(n.fails_gate for n in result.not_checked)})"))
    if compared:
        facts += [(f"findings {kind}", str(n)) for kind, n in change_counts(result).items()]
    for row, (label, value) in enumerate(facts, start=2):
        sheet.write_string(row, 0, label)
        sheet.write_string(row, 1, value)
    top = len(facts) + 3
    for col, heading in enumerate(("Findings by rule pack", *SEVERITIES, "total")):
        sheet.write_string(top, col, heading, sheets.header)
    for r, row in enumerate(pack_severity_counts(result), start=top + 1):
        sheet.write_string(r, 0, row[0])
        for col, n in enumerate(row[1:], start=1):
            sheet.write_number(r, col, n)


def is_compared(result: AuditResult) -> bool:
    """Whether the findings were compared with an earlier run (each then says new or persisting)."""
    return result.baseline_used or bool(result.resolved) or any(f.new is not None for f in result.findings)


def _created(result: AuditResult) -> datetime:
    """The run time as the workbook's creation date, so one run always gives the same file."""
    try:
        return datetime.fromisoformat(result.trail.run_at).replace(tzinfo=None)
    except ValueError:
        return datetime(2000, 1, 1)


def _workbook(result: AuditResult, options: Any, compared: bool | None) -> bytes:
    import io

    from audit.report.html import descriptions

    buffer = io.BytesIO()
    write_xlsx(result, buffer, rules=descriptions(options.rules), sites=options.sites, compared=compared)
    return buffer.getvalue()


def render(result: AuditResult, options: Any) -> bytes:
    """`check --format xlsx`: the workbook's bytes."""
    return _workbook(result, options, None)


def render_diff(result: AuditResult, options: Any) -> bytes:
    """`diff --format xlsx`: the workbook with a 'Since previous' column and the resolved sheet."""
    return _workbook(result, options, True)
