"""Baselines of accepted findings: record every finding's fingerprint, later count only what is new.

A baseline file is JSON: {"format": "trial-audit baseline", "version": 1,
"findings": [{fingerprint, rule_id, dataset, usubjid, record}, ...]}, sorted.
A JSON report of `trial-audit check` is accepted as a baseline too.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict
from pathlib import Path

from audit.errors import AuditInputError
from audit.findings import AuditResult, ResolvedFinding
from audit.userfiles import read_document

FORMAT = "trial-audit baseline"
VERSION = 1


def baseline_entries(result: AuditResult) -> tuple[ResolvedFinding, ...]:
    """The findings of a run as baseline entries (run it uncapped to record all of them)."""
    entries = {f.fingerprint: ResolvedFinding(f.fingerprint, f.rule_id, f.dataset, f.usubjid, f.record)
               for f in result.findings}
    return tuple(sorted(entries.values(), key=lambda e: (e.rule_id, e.dataset, e.usubjid or "", e.record,
                                                           e.fingerprint)))


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
