"""Expectation outcomes as rule-like results, so suites and rule packs report alike.

An unexpected row becomes a finding pinned like any rule's: USUBJID and the
dataset's --SEQ, or the row number where the dataset has no --SEQ (ADaM
parameter datasets) or the key itself is missing. A table-level failure (row
count, absent column, column type) is one finding on the dataset.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import Any

import polars as pl

from audit.expectations.outcome import ERROR, FAILED, NOT_APPLICABLE, ROW, ExpectationOutcome
from audit.findings import Finding, RuleResult, fingerprint_of, fingerprint_text
from audit.study import SUBJECT_KEY


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _finding(outcome: ExpectationOutcome, key_name: str, key_value: Any, usubjid: Any, values: tuple) -> Finding:
    texts = tuple(_text(v) for v in values)
    identity = fingerprint_text(
        outcome.rule_id, outcome.dataset, _text(usubjid), key_name, _text(key_value), outcome.columns, texts
    )
    return Finding(
        rule_id=outcome.rule_id,
        severity=outcome.severity,
        dataset=outcome.dataset,
        usubjid=_text(usubjid),
        key_name=key_name,
        key_value=_text(key_value),
        variables=outcome.columns,
        values=texts,
        message=outcome.message,
        fingerprint=fingerprint_of(identity),
    )


def _row_findings(outcome: ExpectationOutcome) -> list[Finding]:
    rows: pl.DataFrame = outcome.unexpected
    seq = f"{outcome.dataset}SEQ"
    findings = []
    for row in rows.iter_rows(named=True):  # at most the capped detail rows
        pinned_by_seq = row.get(seq) is not None
        key_name, key_value = (seq, row[seq]) if pinned_by_seq else (ROW, row[ROW])
        values = tuple(row.get(c) for c in outcome.columns)
        findings.append(_finding(outcome, key_name, key_value, row.get(SUBJECT_KEY), values))
    return findings


def _value_findings(outcome: ExpectationOutcome) -> list[Finding]:
    """One finding per distinct value outside the set, never one per record."""
    column = outcome.columns[0]
    findings = []
    for value, records in outcome.unexpected_values:
        message = f"{outcome.title}: {column} {value} is not in the set ({records} records)"
        findings.append(replace(_finding(outcome, column, value, None, (value,)), message=message))
    return findings


def _table_finding(outcome: ExpectationOutcome) -> Finding:
    """The dataset as a whole fails: each checked column shows what was observed (e.g. its dtype)."""
    return _finding(outcome, "dataset", None, None, tuple(outcome.observed_value for _ in outcome.columns))


def rule_result(outcome: ExpectationOutcome, max_details: int = 1000) -> RuleResult:
    """One expectation outcome as a RuleResult whose source is its suite file."""
    findings: list[Finding] = []
    count = 0
    if outcome.status == FAILED and outcome.unexpected_values:
        findings = _value_findings(outcome)
        count = outcome.unexpected_count or len(findings)
    elif outcome.status == FAILED:
        row_wise = outcome.unexpected_count is not None
        findings = _row_findings(outcome) if row_wise else [_table_finding(outcome)]
        count = outcome.unexpected_count if row_wise else 1
    ordered = tuple(sorted(findings, key=lambda f: f.usubjid or ""))  # stable: file order within a subject
    return RuleResult(
        rule_id=outcome.rule_id,
        title=outcome.title,
        severity=outcome.severity,
        status=outcome.status,
        datasets=(outcome.dataset,),
        count=count,
        findings=ordered[:max_details],
        reason=outcome.message if outcome.status in (NOT_APPLICABLE, ERROR) else None,
        severity_counts=((outcome.severity, count),) if count else (),
        source=f"expectations/{outcome.suite_path.name}",
    )


def rule_results(outcomes: Iterable[ExpectationOutcome], max_details: int = 1000) -> tuple[RuleResult, ...]:
    """Every outcome as a rule-like result, for AuditResult.with_results."""
    return tuple(rule_result(o, max_details) for o in outcomes)
