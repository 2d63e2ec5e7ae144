"""Run a suite through Great Expectations 1.x on the same loaded data as the native engine.

great_expectations is imported only inside these functions: it is an optional
extra (trial-audit[gx]) and takes seconds to import. Each dataset goes to GX
as a pandas DataFrame converted from the collected Polars frame, with text as
Python objects (pandas 2's default) so that GX's type checks behave the same
on pandas 2 and 3. All expectations of a suite run in one GX validation.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import polars as pl

from audit.errors import AuditInputError
from audit.expectations.outcome import ERROR, FAILED, PASSED
from audit.expectations.parameters import suite_parameters
from audit.expectations.runner import Evaluation
from audit.expectations.suite import Expectation, ExpectationFileError, Suite

_RULE_ID = "trial_audit_rule_id"
_batch_names = itertools.count(1)


def _gx() -> Any:
    try:
        import great_expectations
    except ImportError:
        raise AuditInputError(
            "the gx engine needs Great Expectations: install trial-audit[gx]", field="--engine"
        ) from None
    return great_expectations


@lru_cache(maxsize=1)
def _context() -> Any:
    """One in-memory GX context per process, without progress bars on stderr."""
    gx = _gx()
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
    return context


def to_pandas(frame: pl.DataFrame) -> Any:
    """The frame as pandas, text columns as object dtype holding str and None."""
    import pandas as pd

    frame = frame.with_columns(pl.col(pl.Categorical, pl.Enum).cast(pl.String))
    converted = frame.to_pandas()
    for name, dtype in frame.schema.items():
        if dtype == pl.String:
            converted[name] = pd.Series(frame.get_column(name).to_list(), dtype=object, index=converted.index)
    return converted


def _gx_suite(suite: Suite, expectations: Sequence[Expectation]) -> Any:
    gx = _gx()
    from great_expectations.expectations.expectation_configuration import ExpectationConfiguration

    built = []
    for expectation in expectations:
        meta = {**expectation.meta, _RULE_ID: expectation.rule_id}
        try:
            config = ExpectationConfiguration(type=expectation.type, kwargs=expectation.kwargs, meta=meta)
            built.append(config.to_domain_obj())
        except Exception as exc:  # GX rejects the type or its kwargs: a suite-file error
            reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise ExpectationFileError(reason, file=suite.path, rule=expectation.rule_id, field="kwargs") from None
    return gx.ExpectationSuite(name=suite.name, expectations=built)


def _validate(suite: Any, data: Any, dataset: str) -> Any:
    context = _context()
    name = f"{dataset}-{next(_batch_names)}"
    source = context.data_sources.add_pandas(name)
    batch_definition = source.add_dataframe_asset(name=dataset).add_batch_definition_whole_dataframe("all")
    batch = batch_definition.get_batch(batch_parameters={"dataframe": data})
    try:
        return batch.validate(
            suite, result_format={"result_format": "COMPLETE"}, expectation_parameters=suite_parameters()
        )
    finally:
        context.data_sources.delete(name)


def validate_frame(suite: Suite, expectations: Sequence[Expectation], frame: pl.DataFrame) -> Any:
    """GX's own ExpectationSuiteValidationResult for the expectations on the frame."""
    return _validate(_gx_suite(suite, expectations), to_pandas(frame), suite.dataset)


def _exception(result: Any) -> str | None:
    info = result.exception_info or {}
    details = [info] if "raised_exception" in info else list(info.values())
    for detail in details:
        if isinstance(detail, dict) and detail.get("raised_exception"):
            return str(detail.get("exception_message") or "GX raised an exception").splitlines()[0]
    return None


def _evaluation(result: Any, cap: int) -> Evaluation:
    failure = _exception(result)
    if failure:
        return Evaluation(ERROR, message=failure)
    status = PASSED if result.success else FAILED
    details = result.result or {}
    if "unexpected_count" not in details:
        return Evaluation(status, observed_value=details.get("observed_value"))
    if "element_count" not in details:  # distinct values: GX lists (at most 20 of) those outside the set
        values = tuple(details.get("partial_unexpected_list") or ())
        return Evaluation(status, unexpected_count=details.get("unexpected_count"), unexpected_values=values)
    rows = tuple(int(i) for i in (details.get("unexpected_index_list") or [])[:cap])
    return Evaluation(status, details.get("element_count"), details.get("unexpected_count"), rows=rows)


def evaluate(suite: Suite, expectations: Sequence[Expectation], frame: pl.DataFrame, cap: int) -> list[Evaluation]:
    """Evaluate the expectations in one GX validation, in the order given."""
    if not expectations:
        return []
    validation = validate_frame(suite, expectations, frame)
    by_rule = {r.expectation_config.meta[_RULE_ID]: _evaluation(r, cap) for r in validation.results}
    return [by_rule[e.rule_id] for e in expectations]
