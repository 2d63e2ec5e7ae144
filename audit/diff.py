"""What changed between two audits of a study: findings new, resolved and persisting.

Findings are matched by their stable fingerprint (rule, dataset, subject,
record key, variables and values), so a finding persists across snapshots
as long as the same record still shows the same problem. A finding of the
earlier run counts as resolved only when its rule ran again: a rule that
was not applicable or failed to run cannot say a problem is gone.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from audit.errors import AuditInputError
from audit.findings import AuditResult, AuditTrail, Finding, InputFile, ResolvedFinding, RuleResult
from audit.userfiles import read_document


@dataclass(frozen=True)
class Changes:
    """Fingerprints new, persisting and resolved between two runs, each sorted."""

    new: tuple[str, ...]
    persisting: tuple[str, ...]
    resolved: tuple[str, ...]


def as_baseline(result: AuditResult) -> tuple[ResolvedFinding, ...]:
    """An earlier run's findings in the form the engine compares a run against."""
    return tuple(ResolvedFinding(f.fingerprint, f.rule_id, f.dataset, f.usubjid, f.record) for f in result.findings)


def compare_results(old: AuditResult, new: AuditResult, *, gate_on_new: bool = False) -> AuditResult:
    """The newer run with each finding marked new or persisting, and the older run's resolved findings.

    gate_on_new makes only new findings decide the exit code (a baseline of accepted findings);
    without it the comparison informs and every finding still gates.
    """
    from audit.baseline import match_baseline

    # A report read back carries no uncapped counts of new findings: count them from the listed ones.
    unmarked = [replace(r, new_severity_counts=None) for r in new.results]
    results, resolved = match_baseline(unmarked, as_baseline(old))
    return replace(new, results=results, resolved=resolved, baseline_used=gate_on_new)


def changes_of(result: AuditResult) -> Changes:
    """The fingerprints a compared result marks new, persisting and resolved."""
    return Changes(
        new=tuple(sorted(f.fingerprint for f in result.findings if f.new is True)),
        persisting=tuple(sorted(f.fingerprint for f in result.findings if f.new is False)),
        resolved=tuple(sorted(f.fingerprint for f in result.resolved)),
    )


def capped_rules(result: AuditResult) -> tuple[str, ...]:
    """Rules whose report lists fewer findings than it counted: a diff of them is incomplete."""
    return tuple(r.rule_id for r in result.results if r.truncated)


def _finding(row: Mapping[str, Any]) -> Finding:
    return Finding(
        rule_id=row["rule_id"], severity=row["severity"], dataset=row["dataset"], usubjid=row.get("usubjid"),
        key_name=row["key_name"], key_value=row.get("key_value"), variables=tuple(row.get("variables", ())),
        values=tuple(row.get("values", ())), message=row.get("message", ""), fingerprint=row["fingerprint"],
    )


def _rule_result(row: Mapping[str, Any]) -> RuleResult:
    return RuleResult(
        rule_id=row["rule_id"], title=row.get("title", ""), severity=row["severity"], status=row["status"],
        datasets=tuple(row.get("datasets", ())), count=int(row.get("count", 0)),
        findings=tuple(_finding(f) for f in row.get("findings", ())), reason=row.get("reason"),
        notes=tuple(row.get("notes", ())), source=row.get("source", "rule"),
        severity_counts=tuple((s, int(n)) for s, n in _pairs(row.get("severity_counts", ()))),
    )


def _pairs(value: Any) -> list[tuple[str, Any]]:
    return list(value.items()) if isinstance(value, Mapping) else [tuple(p) for p in value]


def _trail(row: Mapping[str, Any]) -> AuditTrail:
    inputs = tuple(InputFile(i["dataset"], i["path"], i["sha256"], int(i.get("rows", 0)))
                   for i in row.get("inputs", ()))
    return AuditTrail(
        tool_version=row.get("tool_version", ""), snapshot=row.get("snapshot", ""),
        rule_files=tuple((str(n), str(d)) for n, d in _pairs(row.get("rule_files", ()))), inputs=inputs,
        cutoff=row.get("cutoff"), cutoff_source=row.get("cutoff_source"),
        settings=tuple((str(k), str(v)) for k, v in _pairs(row.get("settings", ()))),
        run_at=row.get("run_at", ""), duration_s=float(row.get("duration_s", 0.0)),
    )


def result_from_document(document: Mapping[str, Any], file: str | Path = "<report>") -> AuditResult:
    """An AuditResult back from a JSON report (`trial-audit check --format json`)."""
    try:
        results = tuple(_rule_result(r) for r in document["results"])
        return AuditResult(results, _trail(document.get("trail", {})), strict=bool(document.get("strict", False)),
                           missing_required=tuple(str(d) for d in document.get("missing_required", ())))
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise AuditInputError(f"not a trial-audit JSON report ({type(exc).__name__}: {exc})", file=file,
                              field="results") from None


def read_report(path: str | Path) -> AuditResult:
    """Read a JSON report written by `trial-audit check --format json`."""
    path = Path(path)
    document = read_document(path, "report")
    if not isinstance(document, Mapping):
        raise AuditInputError("not a trial-audit JSON report (expected an object)", file=path)
    return result_from_document(document, path)


def diff_reports(old_path: str | Path, new_path: str | Path) -> AuditResult:
    """The newer report compared with the older one; only new findings gate."""
    return compare_results(read_report(old_path), read_report(new_path), gate_on_new=True)
