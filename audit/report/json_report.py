"""JSON writers: check's report (every result, finding, the audit trail and what was not checked), diff's and verify's.

Byte-identical across runs but for run_at/duration_s.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from audit.findings import AuditResult
from audit.report import ReportOptions

FORMAT_VERSION = 1


def document(result: AuditResult, options: ReportOptions) -> dict[str, Any]:
    """The report as plain data (what `trial-audit diff` reads back)."""
    body = asdict(result)
    for rule in body["results"]:
        rule["severity_counts"] = dict(rule["severity_counts"])
        if rule["new_severity_counts"] is not None:
            rule["new_severity_counts"] = dict(rule["new_severity_counts"])
    body["trail"]["rule_files"] = dict(body["trail"]["rule_files"])
    body["trail"]["settings"] = dict(body["trail"]["settings"])
    body["format_version"] = FORMAT_VERSION
    body["not_checked"] = [asdict(n) for n in result.not_checked]
    body["summary"] = {
        "statuses": result.status_counts(),
        "findings": sum(r.count for r in result.results),
        "fail_on": options.fail_on,
        "at_or_above_fail_on": result.gating_count(options.fail_on),
        "not_checked": len(result.not_checked),
        "not_checked_failing": sum(n.fails_gate for n in result.not_checked),
        "gate": "failed" if result.gate_failures(options.fail_on) else "passed",
        "resolved": len(result.resolved),
    }
    return body


def _dumps(body: Any) -> str:
    return json.dumps(body, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def render(result: AuditResult, options: ReportOptions) -> str:
    """`check --format json`."""
    return _dumps(document(result, options))


def render_diff(result: AuditResult, options: ReportOptions) -> str:
    """`diff --format json`: the newer report, every finding marked new or persisting, plus the changes."""
    from audit.diff import changes_of

    return _dumps({**document(result, options), "changes": asdict(changes_of(result))})


def render_verification(result, options: ReportOptions) -> str:
    """`verify --format json`: every method of every claim, and how the snapshot was read (its notes)."""
    return json.dumps({**result.to_dict(), "notes": list(options.notes)}, indent=2, sort_keys=True)
