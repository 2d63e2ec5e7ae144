"""Baselines of accepted findings: record every finding's fingerprint, later count only what is new.

A baseline file is JSON: {"format": "trial-audit baseline", "version": 1,
"findings": [{fingerprint, rule_id, dataset, usubjid, record}, ...]}, sorted.
A JSON report of `trial-audit check` is accepted as a baseline too.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Sequence
from dataclasses import asdict, replace
from pathlib import Path

from audit.errors import AuditInputError
from audit.findings import FAILED, PASSED, AuditResult, Finding, ResolvedFinding, RuleResult
from audit.userfiles import read_document

FORMAT = "trial-audit baseline"
VERSION = 1


Matched = tuple[tuple[RuleResult, ...], tuple[ResolvedFinding, ...]]


def match_baseline(results: Sequence[RuleResult], earlier: Iterable[ResolvedFinding], *,
                   present: Collection[str] | None = None) -> Matched:
    """Each finding marked new or accepted against earlier ones, and the earlier ones now gone (resolved).

    A finding is matched by its fingerprint. An earlier finding is resolved only when its rule ran
    again (passed or failed): a rule that was not applicable or failed to run cannot say a problem
    is gone. `present` is every current fingerprint when the listed findings are capped.
    """
    earlier = tuple(earlier)
    known = {e.fingerprint for e in earlier}
    marked = tuple(_marked(r, known) for r in results)
    ran = {r.rule_id for r in results if r.status in (PASSED, FAILED)}
    current = set(present) if present is not None else {f.fingerprint for r in results for f in r.findings}
    gone = {e for e in earlier if e.rule_id in ran and e.fingerprint not in current}
    return marked, tuple(sorted(gone, key=_entry_order))


def _entry_order(entry: ResolvedFinding) -> tuple[str, ...]:
    return entry.rule_id, entry.dataset, entry.usubjid or "", entry.record, entry.fingerprint


def _marked(result: RuleResult, known: set[str]) -> RuleResult:
    """The result with every listed finding marked; counts of new ones kept when the engine counted them uncapped."""
    findings = tuple(replace(f, new=f.fingerprint not in known) for f in result.findings)
    counts = result.new_severity_counts
    if counts is None:
        counts = _severity_counts(f for f in findings if f.new)
    return replace(result, findings=findings, new_severity_counts=counts)


def _severity_counts(findings: Iterable[Finding]) -> tuple[tuple[str, int], ...]:
    totals: dict[str, int] = {}
    for finding in findings:
        totals[finding.severity] = totals.get(finding.severity, 0) + 1
    return tuple(sorted(totals.items()))


def baseline_entries(result: AuditResult) -> tuple[ResolvedFinding, ...]:
    """The findings of a run as baseline entries (run it uncapped to record all of them)."""
    entries = {f.fingerprint: ResolvedFinding(f.fingerprint, f.rule_id, f.dataset, f.usubjid, f.record)
               for f in result.findings}
    return tuple(sorted(entries.values(), key=_entry_order))


def render_baseline(entries: Iterable[ResolvedFinding]) -> str:
    document = {"format": FORMAT, "version": VERSION, "findings": [asdict(e) for e in entries]}
    return json.dumps(document, indent=2, sort_keys=True) + "\n"


def write_baseline(result: AuditResult, path: str | Path) -> int:
    """Write the baseline file; returns how many findings it accepts."""
    entries = baseline_entries(result)
    Path(path).write_text(render_baseline(entries), encoding="utf-8")
    return len(entries)


def _entry(row: dict, path: Path) -> ResolvedFinding:
    try:
        return ResolvedFinding(str(row["fingerprint"]), str(row["rule_id"]), str(row.get("dataset", "")),
                               row.get("usubjid"), str(row.get("record", "")))
    except (KeyError, TypeError):
        raise AuditInputError("each finding needs 'fingerprint' and 'rule_id'", file=path, field="findings") from None


def load_baseline(path: str | Path) -> tuple[ResolvedFinding, ...]:
    """Read a baseline file (or a JSON report of an earlier check)."""
    path = Path(path)
    document = read_document(path, "baseline")
    if isinstance(document, dict) and document.get("format") == FORMAT:
        if not isinstance(document.get("findings"), list):
            raise AuditInputError("expected a list", file=path, field="findings")
        return tuple(_entry(row, path) for row in document["findings"])
    if isinstance(document, dict) and "results" in document:
        from audit.diff import as_baseline, result_from_document

        return as_baseline(result_from_document(document, path))
    raise AuditInputError(f"not a baseline (expected format {FORMAT!r} or a JSON report)", file=path)
