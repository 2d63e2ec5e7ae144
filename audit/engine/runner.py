"""Run rules on a Study: resolve targets, let each kind build its checks, then count, cap and assemble results.

One rule's failure never stops the others: a rule that cannot run on this
snapshot is 'not applicable' with the reason, one that fails at run time is an
'execution error' with the message.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import date

import polars as pl

from audit.derive.registry import NotApplicable
from audit.engine.kinds import registered_kinds
from audit.engine.kinds.base import CheckBase, Target, Violations
from audit.engine.kinds.row_expression import parse_sql
from audit.engine.models import Rule, check_params
from audit.engine.sources import DERIVED_PREFIX, Sources, key_column, subject_column
from audit.findings import (
    ERROR,
    FAILED,
    NOT_APPLICABLE,
    PASSED,
    Finding,
    RuleResult,
    fingerprint_of,
)

DEFAULT_MAX_DETAILS = 1000
_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


@dataclass(frozen=True)
class RunOptions:
    """What every rule of one run shares."""

    max_details: int = DEFAULT_MAX_DETAILS
    baseline: Collection[str] | None = None  # accepted fingerprints


def expand_datasets(rule: Rule, names: Iterable[str]) -> list[str]:
    """The rule's datasets, '*' meaning every dataset of the snapshot."""
    every = sorted(names)
    expanded = [d for entry in rule.datasets for d in (every if entry == "*" else [entry])]
    return list(dict.fromkeys(d if d.startswith(DERIVED_PREFIX) else d.upper() for d in expanded))


def _normalised(rule: Rule, dataset: str, index: int, found: Violations, schema: Mapping) -> pl.LazyFrame:
    """Offending rows in the one long format every rule shares."""
    key = key_column(schema, dataset.removeprefix(DERIVED_PREFIX))
    label = pl.col("DATASET").cast(pl.String) if "DATASET" in schema else pl.lit(dataset)
    values = [pl.col(v).cast(pl.String) for v in found.variables]
    shown = pl.concat_str([pl.concat_str([pl.lit(f"{v}="), e.fill_null("")]) for v, e in
                           zip(found.variables, values, strict=True)], separator=";")
    return found.rows.select(
        label.alias("DATASET"),
        subject_column(schema).alias("USUBJID"),
        pl.lit(key).alias("KEY_NAME"),
        pl.col(key).cast(pl.String).alias("KEY_VALUE"),
        pl.concat_list(values).alias("VALUES"),
        pl.lit(index, dtype=pl.Int32).alias("_V"),
        pl.concat_str([pl.lit(rule.id), label, subject_column(schema).fill_null(""),
                       pl.concat_str([pl.lit(key), pl.lit("="), pl.col(key).cast(pl.String).fill_null("")]),
                       shown], separator="|").alias("_FP_TEXT"),
    )


def _offending(
    rule: Rule, sources: Sources
) -> tuple[pl.LazyFrame | None, list[Violations], list[tuple[str, bool]]]:
    """Every offending row of the rule over its datasets, the violation specs, and (not-applicable reason, noted)."""
    kind = registered_kinds()[rule.check.kind]
    frames: list[pl.LazyFrame] = []
    specs: list[Violations] = []
    reasons: list[tuple[str, bool]] = []
    named = set(rule.datasets)
    for dataset in expand_datasets(rule, sources.study.names):
        try:
            params = check_params(rule, dataset)
            target = sources.target(dataset, params)
            built = kind.build(params, target)
            _require_compared_values(target, params, built)
        except NotApplicable as exc:
            # Under '*' a dataset without the variables is simply not concerned; a named one is worth a note.
            reasons.append((str(exc), dataset in named or "*" not in named))
            continue
        for found in built:
            frames.append(_normalised(rule, dataset, len(specs), found, target.schema))
            specs.append(found)
        reasons.extend((note, True) for note in sources.notes(dataset))
    if not frames:
        return None, specs, reasons
    return pl.concat(frames, how="vertical"), specs, reasons


def _require_compared_values(target: Target, params: CheckBase, built: list[Violations]) -> None:
    """NotApplicable when no checked row holds what the rule compares: absent evidence is never a pass."""
    needs = [(parse_sql(params.requires), f"no record with {params.requires}")] if params.requires else []
    needs += [(v.requires, v.requires_reason) for v in built if v.requires is not None]
    scope = f" where {params.where}" if params.where else ""
    for condition, reason in needs:
        if not target.frame.select(condition.fill_null(False).any()).collect().item():
            raise NotApplicable(f"{target.dataset}{scope}: {reason}")


def _sorted(frame: pl.LazyFrame) -> pl.LazyFrame:
    # Record keys sort as numbers where they are numbers (AESEQ 2 before 10).
    numeric_key = pl.col("KEY_VALUE").cast(pl.Float64, strict=False)
    return frame.sort(["DATASET", "USUBJID", numeric_key, "KEY_VALUE", "_V", "_FP_TEXT"], nulls_last=True)


def _render(template: str, values: Mapping[str, str | None]) -> str:
    """Fill {VAR} from the record; an unknown name stays as written."""
    def one(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in values:
            return match.group(0)
        return "missing" if values[name] is None else str(values[name])

    return _PLACEHOLDER.sub(one, template)


def _finding(rule: Rule, row: dict, spec: Violations, baseline: Collection[str] | None) -> Finding:
    severity = spec.severity or rule.severity
    template = rule.message if rule.message and spec.severity is None else spec.message
    values = tuple(row["VALUES"])
    context = {"USUBJID": row["USUBJID"], "DATASET": row["DATASET"], row["KEY_NAME"]: row["KEY_VALUE"],
               **dict(zip(spec.variables, values, strict=True))}
    fingerprint = fingerprint_of(row["_FP_TEXT"])
    return Finding(
        rule_id=rule.id, severity=severity, dataset=row["DATASET"], usubjid=row["USUBJID"],
        key_name=row["KEY_NAME"], key_value=row["KEY_VALUE"], variables=spec.variables, values=values,
        message=_render(template, context), fingerprint=fingerprint,
        new=None if baseline is None else fingerprint not in baseline,
    )


def _severity_counts(collected: pl.DataFrame, specs: list[Violations], rule: Rule) -> tuple[tuple[str, int], ...]:
    per_spec = collected.group_by("_V").len().rows()
    totals: dict[str, int] = {}
    for index, n in per_spec:
        severity = specs[index].severity or rule.severity
        totals[severity] = totals.get(severity, 0) + n
    return tuple(sorted(totals.items()))


def _result(rule: Rule, status: str, **fields) -> RuleResult:
    return RuleResult(rule_id=rule.id, title=rule.title, severity=rule.severity, status=status,
                      datasets=tuple(rule.datasets), **fields)


def run_rule(rule: Rule, sources: Sources, options: RunOptions) -> tuple[RuleResult, set[str] | None]:
    """One rule's result, and (with a baseline) the fingerprints of all its findings."""
    try:
        offending, specs, reasons = _offending(rule, sources)
        if offending is None:
            reason = "; ".join(dict.fromkeys(r for r, _ in reasons)) or "no dataset to check"
            return _result(rule, NOT_APPLICABLE, reason=reason), None
        collected = _sorted(offending).collect()
    except Exception as exc:  # one rule failing at run time must not stop the audit
        return _result(rule, ERROR, reason=f"{type(exc).__name__}: {str(exc).splitlines()[0]}"), None
    notes = tuple(r for r, noted in reasons if noted)
    if collected.height == 0:
        return _result(rule, PASSED, notes=notes), set() if options.baseline is not None else None
    details = [_finding(rule, row, specs[row["_V"]], options.baseline)
               for row in collected.head(options.max_details).iter_rows(named=True)]
    every_fp, new_counts = None, None
    if options.baseline is not None:
        # Fingerprints of every finding, not only the capped details, decide what is new.
        every_fp = [fingerprint_of(t) for t in collected["_FP_TEXT"]]
        new_rows = collected.filter(~pl.Series(every_fp).is_in(list(options.baseline)))
        new_counts = _severity_counts(new_rows, specs, rule)
    return _result(
        rule, FAILED, count=collected.height, findings=tuple(details), notes=notes,
        severity_counts=_severity_counts(collected, specs, rule), new_severity_counts=new_counts,
    ), (set(every_fp) if every_fp is not None else None)


ProgressHook = Callable[[str], None]


def anchors_of(cutoff: date | None, today: date, window: tuple[date, date] | None) -> dict[str, date | None]:
    """Reference dates chronology items may name ('@cutoff', '@today', ...)."""
    first, last = window if window else (None, None)
    return {"cutoff": cutoff, "today": today, "enrolment_first": first, "enrolment_last": last}
