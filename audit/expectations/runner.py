"""Run expectation suites on a Study with either engine; both give the same outcomes.

The runner owns what does not depend on the engine: which dataset a suite
checks, not-applicable expectations (dataset or column absent), the record
key that pins an unexpected row, and capping of detail rows. An engine only
evaluates applicable expectations on one collected dataset.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from typing import Any

import polars as pl

from audit.errors import AuditInputError
from audit.expectations import native
from audit.expectations.outcome import ERROR, FAILED, NOT_APPLICABLE, PASSED, ROW, ExpectationOutcome
from audit.expectations.suite import Expectation, Suite
from audit.study import SUBJECT_KEY, Study

ENGINES = ("native", "gx")
DEFAULT_CAP = 1000
ROW_COUNT = "expect_table_row_count_to_be_between"


@dataclass(frozen=True)
class Evaluation:
    """An engine's answer for one expectation: GX-comparable counts and unexpected row indices (0-based)."""

    status: str
    element_count: int | None = None
    unexpected_count: int | None = None
    observed_value: Any = None
    message: str = ""
    rows: tuple[int, ...] = ()
    unexpected_values: tuple[Any, ...] = ()  # distinct-value expectations: the values outside the set


Evaluator = Callable[[Suite, Sequence[Expectation], pl.DataFrame, int], list[Evaluation]]


def mostly_success(considered: int, unexpected: int, mostly: float) -> bool:
    """GX's rule: vacuously true with nothing to consider, else the expected share reaches `mostly`."""
    return considered == 0 or (considered - unexpected) / considered >= mostly


def evaluate_native(
    suite: Suite, expectations: Sequence[Expectation], frame: pl.DataFrame, cap: int
) -> list[Evaluation]:
    """Evaluate a suite's expectations in Polars: every row count in one select."""
    checks: list[native.Check | native.Unrunnable] = []
    for expectation in expectations:
        try:
            checks.append(native.build_check(expectation, suite, frame))
        except native.Unrunnable as exc:
            checks.append(exc)
    counts = _row_counts(checks, frame)
    return [_evaluation(e, c, counts, i, frame, cap) for i, (e, c) in enumerate(zip(expectations, checks, strict=True))]


def _row_counts(checks: Sequence[object], frame: pl.DataFrame) -> dict[str, int]:
    exprs = []
    for i, check in enumerate(checks):
        if isinstance(check, native.RowCheck):
            exprs += [
                check.considered.sum().alias(f"n{i}"),
                (check.considered & check.unexpected).sum().alias(f"u{i}"),
                (pl.len() if check.domain is None else check.domain.sum()).alias(f"d{i}"),
            ]
    return frame.select(exprs).row(0, named=True) if exprs else {}


def _evaluation(
    expectation: Expectation, check: object, counts: dict[str, int], i: int, frame: pl.DataFrame, cap: int
) -> Evaluation:
    if isinstance(check, native.Unrunnable):
        return Evaluation(ERROR, message=str(check))
    if isinstance(check, native.TableCheck):
        status = PASSED if check.success else FAILED
        if check.unexpected_values is not None:
            return Evaluation(status, unexpected_count=len(check.unexpected_values),
                              unexpected_values=check.unexpected_values)
        return Evaluation(status, observed_value=check.observed_value)
    assert isinstance(check, native.RowCheck)
    considered, unexpected, domain = int(counts[f"n{i}"]), int(counts[f"u{i}"]), int(counts[f"d{i}"])
    success = domain == 0 or mostly_success(considered, unexpected, float(expectation.kwargs.get("mostly", 1.0)))
    rows: tuple[int, ...] = ()
    if unexpected:
        mask = check.considered & check.unexpected
        rows = tuple(frame.select(pl.int_range(pl.len()).filter(mask).head(cap)).to_series().to_list())
    return Evaluation(PASSED if success else FAILED, domain, unexpected, rows=rows)


def _evaluator(engine: str) -> Evaluator:
    if engine == "native":
        return evaluate_native
    if engine == "gx":
        from audit.expectations import gx_engine

        return gx_engine.evaluate
    raise AuditInputError(f"engine must be one of {', '.join(ENGINES)}, got {engine!r}", field="--engine")


def run_suites(
    study: Study, suites: Sequence[Suite], *, engine: str = "native", cap: int = DEFAULT_CAP,
    required: Collection[str] = (),
) -> list[ExpectationOutcome]:
    """Run every suite on the study; outcomes sorted by dataset and rule id.

    A suite's dataset named in `required` must be in the snapshot: when it is absent, the suite's
    row-count expectation ("dataset has records") fails instead of being not applicable.
    """
    evaluate = _evaluator(engine)
    if engine == "native":
        for suite in suites:
            native.validate_suite(suite)
    wanted = {name.upper() for name in required}
    outcomes = [o for suite in suites for o in _run_suite(study, suite, evaluate, cap, wanted)]
    return sorted(outcomes, key=lambda o: (o.dataset, o.rule_id, o.suite))


def _absent(suite: Suite, expectation: Expectation, reason: str, required: Collection[str]) -> Evaluation:
    """An expectation on an absent dataset: a required dataset has no records, anything else cannot be checked."""
    if suite.dataset.upper() in required and expectation.type == ROW_COUNT:
        return Evaluation(FAILED, observed_value=0, message=f"{title(expectation)}: required, but {reason}")
    return Evaluation(NOT_APPLICABLE, message=reason)


def _run_suite(study: Study, suite: Suite, evaluate: Evaluator, cap: int,
               required: Collection[str] = ()) -> list[ExpectationOutcome]:
    absent = study.missing(suite.dataset)
    if absent:
        return [_outcome(suite, e, _absent(suite, e, absent, required), None) for e in suite.expectations]
    runnable = [e for e in suite.expectations if not study.missing(suite.dataset, *e.required_columns)]
    frame = study.frame(suite.dataset).select(study.columns(suite.dataset)).collect()
    results = dict(zip((e.rule_id for e in runnable), evaluate(suite, runnable, frame, cap), strict=True))
    outcomes = []
    for expectation in suite.expectations:
        result = results.get(expectation.rule_id)
        if result is None:
            reason = study.missing(suite.dataset, *expectation.required_columns) or ""
            result = Evaluation(NOT_APPLICABLE, message=reason)
        outcomes.append(_outcome(suite, expectation, result, frame))
    return outcomes


def record_key(suite: Suite, columns: Sequence[str]) -> list[str]:
    """Columns that pin a record: the suite's record_key, else USUBJID and <DATASET>SEQ where present."""
    wanted = suite.record_key or (SUBJECT_KEY, f"{suite.dataset}SEQ")
    return [c for c in wanted if c in columns]


def _unexpected_rows(
    suite: Suite, expectation: Expectation, rows: tuple[int, ...], frame: pl.DataFrame
) -> pl.DataFrame:
    key = record_key(suite, frame.columns)
    shown = [ROW, *key, *(c for c in expectation.columns if c not in key)]
    numbered = frame.with_row_index(ROW, offset=1)
    return numbered[sorted(rows)].select(shown) if rows else numbered.select(shown).clear()


def _outcome(
    suite: Suite, expectation: Expectation, result: Evaluation, frame: pl.DataFrame | None
) -> ExpectationOutcome:
    unexpected = pl.DataFrame()
    if frame is not None and result.status != NOT_APPLICABLE:
        unexpected = _unexpected_rows(suite, expectation, result.rows, frame)
    return ExpectationOutcome(
        rule_id=expectation.rule_id,
        suite=suite.name,
        suite_path=suite.path,
        dataset=suite.dataset,
        type=expectation.type,
        severity=expectation.severity,
        columns=expectation.columns,
        status=result.status,
        element_count=result.element_count,
        unexpected_count=result.unexpected_count,
        observed_value=result.observed_value,
        message=result.message or describe(expectation, result),
        title=title(expectation),
        unexpected=unexpected,
        unexpected_values=_value_records(suite, expectation, result, frame),
    )


def _value_records(
    suite: Suite, expectation: Expectation, result: Evaluation, frame: pl.DataFrame | None
) -> tuple[tuple[Any, int], ...]:
    """Each distinct value outside the set with how many records hold it (sorted by value)."""
    if frame is None or not result.unexpected_values:
        return ()
    column = expectation.columns[0]
    values = result.unexpected_values
    if result.unexpected_count is not None and len(values) < result.unexpected_count:
        # GX lists at most 20 distinct values; every one is reported, so read them off the data.
        check = native.build_check(expectation, suite, frame)
        values = check.unexpected_values if isinstance(check, native.TableCheck) and check.unexpected_values else values
    counts = frame.group_by(column).len().filter(pl.col(column).is_in(list(values)))
    found = dict(counts.iter_rows())
    return tuple((value, int(found.get(value, 0))) for value in values)


def title(expectation: Expectation) -> str:
    """The suite's title for the expectation, else its type and columns in words."""
    if expectation.meta.get("title"):
        return str(expectation.meta["title"])
    what = expectation.type.removeprefix("expect_").replace("_", " ")
    where = ", ".join(expectation.columns) or expectation.kwargs.get("column", "")
    return f"{where}: {what}" if where else what


def describe(expectation: Expectation, result: Evaluation) -> str:
    """One line a data manager reads: what was expected and how often it did not hold."""
    subject = title(expectation)
    if result.status == PASSED:
        return subject
    if result.unexpected_values:
        return f"{subject}: {result.unexpected_count} distinct values outside the set"
    if result.unexpected_count is not None:
        return f"{subject}: {result.unexpected_count} of {result.element_count} rows unexpected"
    if result.observed_value is not None:
        return f"{subject}: observed {result.observed_value}"
    return subject
