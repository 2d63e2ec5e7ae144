"""The result model of an audit: findings, per-rule results and the audit trail.

Everything here is a plain frozen value: the engine builds it, report writers
and the baseline read it, nothing renders or prints. A finding pins one
problem to a subject and a record; a rule result says whether the rule ran,
how many findings it had in total, and carries the first (capped) of them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

SEVERITIES = ("critical", "major", "minor", "info")  # most to least severe
PASSED, FAILED, NOT_APPLICABLE, ERROR = "passed", "failed", "not applicable", "execution error"
STATUSES = (FAILED, ERROR, NOT_APPLICABLE, PASSED)
REQUIRED_ABSENT = "required data absent"


def severity_rank(severity: str) -> int:
    """0 for critical up to 3 for info: lower is more severe."""
    return SEVERITIES.index(severity)


def at_or_above(severity: str, threshold: str) -> bool:
    """True when `severity` is as severe as `threshold` or more."""
    return severity_rank(severity) <= severity_rank(threshold)


def fingerprint_text(
    rule_id: str, dataset: str, usubjid: str | None, key_name: str, key_value: str | None,
    variables: Iterable[str], values: Iterable[str | None],
) -> str:
    """The canonical text a fingerprint hashes; kept stable across releases."""
    shown = ";".join(f"{v}={'' if x is None else x}" for v, x in zip(variables, values, strict=True))
    return "|".join([rule_id, dataset, usubjid or "", f"{key_name}={key_value or ''}", shown])


def fingerprint_of(text: str) -> str:
    """A short stable hash of a finding's identity (SHA-256, independent of Polars versions)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class Finding:
    """One problem in the data, pinned to a subject and a record."""

    rule_id: str
    severity: str
    dataset: str
    usubjid: str | None
    key_name: str
    key_value: str | None
    variables: tuple[str, ...]
    values: tuple[str | None, ...]
    message: str
    fingerprint: str
    new: bool | None = None  # None when no baseline was given

    @property
    def record(self) -> str:
        """The record as a reader looks it up: 'AE AESEQ=3'."""
        return f"{self.dataset} {self.key_name}={self.key_value}"


@dataclass(frozen=True)
class RuleResult:
    """What one rule (or expectation) found on one snapshot."""

    rule_id: str
    title: str
    severity: str
    status: str
    datasets: tuple[str, ...] = ()
    count: int = 0
    findings: tuple[Finding, ...] = ()  # the first `max_details`, sorted
    reason: str | None = None  # why not applicable, or the execution error
    notes: tuple[str, ...] = ()  # e.g. datasets of the rule that were absent
    severity_counts: tuple[tuple[str, int], ...] = ()  # total findings per severity
    new_severity_counts: tuple[tuple[str, int], ...] | None = None  # same, new since baseline
    source: str = "rule"  # "rule", or where a rule-like result came from ("expectations/dm.json")

    @property
    def truncated(self) -> bool:
        return self.count > len(self.findings)

    def gating_count(self, threshold: str, *, new_only: bool = False) -> int:
        """Findings at or above `threshold` (only those new since the baseline when asked)."""
        counts = self.new_severity_counts if new_only and self.new_severity_counts is not None else (
            self.severity_counts
        )
        return sum(n for s, n in counts if at_or_above(s, threshold))


@dataclass(frozen=True)
class InputFile:
    """One input file of the audit trail."""

    dataset: str
    path: str
    sha256: str
    rows: int


@dataclass(frozen=True)
class AuditTrail:
    """What reproduces a run: tool version, rule files, inputs, cut-off, timing."""

    tool_version: str
    snapshot: str
    rule_files: tuple[tuple[str, str], ...]  # (file name, SHA-256)
    inputs: tuple[InputFile, ...]
    cutoff: str | None
    cutoff_source: str | None
    settings: tuple[tuple[str, str], ...] = ()
    run_at: str = ""
    duration_s: float = 0.0
    notes: tuple[str, ...] = ()  # how the snapshot was read: encodings, ignored files, split domains


@dataclass(frozen=True)
class ResolvedFinding:
    """A baseline finding that the current snapshot no longer has."""

    fingerprint: str
    rule_id: str
    dataset: str
    usubjid: str | None
    record: str


@dataclass(frozen=True)
class NotChecked:
    """A selected rule, expectation or required dataset the run could not check, and why."""

    rule_id: str  # the rule or expectation, or "required:TR" for a required dataset
    status: str  # execution error, not applicable or required data absent
    reason: str
    source: str = "rule"
    fails_gate: bool = False  # whether it fails the run (see AuditResult.not_checked)


@dataclass(frozen=True)
class AuditResult:
    """Every rule-like result of one run, plus the audit trail and baseline comparison."""

    results: tuple[RuleResult, ...]
    trail: AuditTrail
    baseline_used: bool = False
    resolved: tuple[ResolvedFinding, ...] = field(default=())
    strict: bool = False  # any not-applicable rule fails the run
    missing_required: tuple[str, ...] = ()  # required datasets (study.required_datasets) the snapshot lacks

    @property
    def findings(self) -> tuple[Finding, ...]:
        """Every reported (capped) finding in result order."""
        return tuple(f for r in self.results for f in r.findings)

    def result(self, rule_id: str) -> RuleResult:
        return next(r for r in self.results if r.rule_id == rule_id)

    def gating_count(self, threshold: str) -> int:
        """Findings at or above `threshold` that decide the exit code (new ones only with a baseline)."""
        return sum(r.gating_count(threshold, new_only=self.baseline_used) for r in self.results)

    @property
    def not_checked(self) -> tuple[NotChecked, ...]:
        """What the run could not check, in one place: required data absent, execution errors, not applicable.

        A required dataset that is absent and an execution error always fail the run; a rule that
        was not applicable fails it only in strict mode, since a snapshot may rightly lack a domain.
        """
        absent = tuple(NotChecked(f"required:{name}", REQUIRED_ABSENT, f"required dataset {name} is not in "
                                  "the snapshot", "study.required_datasets", True) for name in self.missing_required)
        skipped = tuple(NotChecked(r.rule_id, r.status, r.reason or r.status, r.source,
                                   r.status == ERROR or self.strict)
                        for r in self.results if r.status in (ERROR, NOT_APPLICABLE))
        return absent + tuple(sorted(skipped, key=lambda n: (n.status != ERROR, n.rule_id, n.source)))

    def gate_failures(self, threshold: str) -> int:
        """Findings at or above `threshold` plus what could not be checked that fails the run: 0 passes."""
        return self.gating_count(threshold) + sum(n.fails_gate for n in self.not_checked)

    def status_counts(self) -> dict[str, int]:
        return {s: sum(r.status == s for r in self.results) for s in STATUSES}

    def with_results(self, more: Iterable[RuleResult]) -> AuditResult:
        """The same audit with more rule-like results (expectation suites), re-sorted."""
        return replace(self, results=sort_results([*self.results, *more]))


def sort_results(results: Iterable[RuleResult]) -> tuple[RuleResult, ...]:
    """Deterministic order: by rule id, then source."""
    return tuple(sorted(results, key=lambda r: (r.rule_id, r.source)))
