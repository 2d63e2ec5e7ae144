"""JSON report: every result, finding and the audit trail; byte-identical across runs but for run_at/duration_s."""

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
    body["summary"] = {
        "statuses": result.status_counts(),
        "findings": sum(r.count for r in result.results),
        "fail_on": options.fail_on,
        "at_or_above_fail_on": result.gating_count(options.fail_on),
        "resolved": len(result.resolved),
    }
    return body


def render(result: AuditResult, options: ReportOptions) -> str:
    return json.dumps(document(result, options), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
