"""Each supported GX expectation type as Polars expressions, with GX's pandas semantics.

Row-wise expectations give two expressions: which rows GX considers (values
that are not missing: null, or NaN in a float column, since GX runs on pandas
where both are NaN) and which of those are unexpected. One select computes
every count of a suite in one pass. Table-wise expectations (row count,
column existence, a column's dtype) give a success flag and an observed value.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import polars as pl
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from audit.expectations import pandas_types, parameters
from audit.expectations.row_condition import UnsupportedCondition, parse_condition
from audit.expectations.suite import Expectation, ExpectationFileError, Suite


class Unrunnable(Exception):
    """The expectation cannot run on this data (GX raises too): an execution error."""


@dataclass(frozen=True)
class RowCheck:
    considered: pl.Expr
    unexpected: pl.Expr
    domain: pl.Expr | None = None  # rows the row_condition keeps (None: every row); GX's element_count


@dataclass(frozen=True)
class TableCheck:
    success: bool
    observed_value: Any = None
    unexpected_values: tuple[Any, ...] | None = None  # distinct values outside a value set, sorted


Check = RowCheck | TableCheck


class _Args(BaseModel):
    """Keyword arguments every supported expectation accepts (GX's defaults)."""

    model_config = ConfigDict(extra="forbid")
    mostly: float = Field(1.0, ge=0.0, le=1.0)
    result_format: Any = None
    catch_exceptions: bool | None = None
    # Pandas-query text, read by audit.expectations.row_condition (never eval'd).
    row_condition: str | None = None
    condition_parser: Literal["pandas"] | None = None


class _Column(_Args):
    column: str = Field(min_length=1)


class _Bounds(BaseModel):
    min_value: Any = None
    max_value: Any = None
    strict_min: bool = False
    strict_max: bool = False


class _ColumnBounds(_Column, _Bounds):
    pass


class _TableBounds(_Args, _Bounds):
    pass


class _InSet(_Column):
    value_set: list[Any] | None


class _Regex(_Column):
    regex: str = Field(min_length=1)

    @field_validator("regex")
    @classmethod
    def _polars_can_run(cls, regex: str) -> str:
        try:
            pl.select(pl.lit("").str.contains(regex))
        except pl.exceptions.PolarsError as exc:
            reason = str(exc).strip().splitlines()[-1]
            raise ValueError(f"regex cannot run in Polars (no look-around or backreferences): {reason}") from None
        return regex


class _OfType(_Column):
    type_: str


class _InTypeList(_Column):
    type_list: list[str] | None


class _Exists(_Args):
    column: str = Field(min_length=1)
    column_index: int | None = None


class _Compound(_Args):
    column_list: list[str] = Field(min_length=1)
    ignore_row_if: Literal["all_values_are_missing", "any_value_is_missing", "never"] = "all_values_are_missing"


def missing(column: str, dtype: pl.DataType) -> pl.Expr:
    """What pandas (and so GX) counts as missing: null, and NaN in float columns."""
    expr = pl.col(column).is_null()
    return expr | pl.col(column).is_nan() if dtype.is_float() else expr


def _present(column: str, frame: pl.DataFrame) -> pl.Expr:
    return ~missing(column, frame.schema[column])


def _between(value: pl.Expr, low: Any, high: Any, strict_min: bool, strict_max: bool) -> pl.Expr:
    """Inside [low, high], each end open when strict; a None end is unbounded."""
    inside = pl.lit(True)
    if low is not None:
        inside = inside & (value > low if strict_min else value >= low)
    if high is not None:
        inside = inside & (value < high if strict_max else value <= high)
    return inside


def _comparable(column: str, dtype: pl.DataType, bound: Any) -> tuple[pl.Expr, Any]:
    """The column and a bound of one type, or Unrunnable where GX raises a TypeError.

    Dates arrive in pandas as datetime64[ms], which GX compares value by value
    and refuses against text bounds: date ranges are checked by the dates pack.
    """
    if bound is None:
        return pl.col(column), None
    if dtype.is_numeric() and isinstance(bound, int | float) and not isinstance(bound, bool):
        return pl.col(column), bound
    if dtype == pl.String and isinstance(bound, str):
        return pl.col(column), bound
    raise Unrunnable(f"cannot compare {column} ({dtype}) with {bound!r}")


def _column_between(args: _ColumnBounds, frame: pl.DataFrame) -> Check:
    if args.min_value is None and args.max_value is None:
        raise Unrunnable("min_value and max_value cannot both be None")
    dtype = frame.schema[args.column]
    value, low = _comparable(args.column, dtype, args.min_value)
    _, high = _comparable(args.column, dtype, args.max_value)
    inside = _between(value, low, high, args.strict_min, args.strict_max)
    return RowCheck(_present(args.column, frame), ~inside)


def _not_null(args: _Column, frame: pl.DataFrame) -> Check:
    return RowCheck(pl.lit(True), missing(args.column, frame.schema[args.column]))


def _in_set(args: _InSet, frame: pl.DataFrame) -> Check:
    """pandas isin: a member matches only a value of its own kind (text with text, number with number)."""
    considered = _present(args.column, frame)
    if args.value_set is None:
        return RowCheck(considered, pl.lit(False))
    dtype = frame.schema[args.column]
    if dtype.is_numeric():
        members = [float(v) for v in args.value_set if isinstance(v, int | float)]
        return RowCheck(considered, ~pl.col(args.column).cast(pl.Float64).is_in(members))
    if dtype == pl.Boolean:
        members_b = [v for v in args.value_set if isinstance(v, bool)]
        return RowCheck(considered, ~pl.col(args.column).is_in(members_b))
    members_s = [v for v in args.value_set if isinstance(v, str)]
    return RowCheck(considered, ~pl.col(args.column).cast(pl.String).is_in(members_s))


def _distinct_in_set(args: _InSet, frame: pl.DataFrame) -> Check:
    """GX 1.x: passes when every distinct non-missing value is in the set; lists those that are not."""
    if args.value_set is None:
        return TableCheck(True, unexpected_values=())
    values = frame.select(pl.col(args.column).filter(_present(args.column, frame)).unique()).to_series()
    check = _in_set(args, pl.DataFrame(values))
    outside = pl.DataFrame(values).filter(check.unexpected).to_series().sort().to_list()
    return TableCheck(not outside, unexpected_values=tuple(outside))


def _match_regex(args: _Regex, frame: pl.DataFrame) -> Check:
    """GX on pandas: str(value) contains a match anywhere (re.search), so anchor with ^...$."""
    text = pl.col(args.column).cast(pl.String)
    return RowCheck(_present(args.column, frame), ~text.str.contains(args.regex))


def _unique(args: _Column, frame: pl.DataFrame) -> Check:
    """Every copy of a repeated value is unexpected (pandas duplicated(keep=False))."""
    considered = _present(args.column, frame)
    values = pl.when(considered).then(pl.col(args.column))
    return RowCheck(considered, values.is_duplicated())


def _compound_unique(args: _Compound, frame: pl.DataFrame) -> Check:
    absent = [missing(c, frame.schema[c]) for c in args.column_list]
    considered = {
        "all_values_are_missing": ~pl.all_horizontal(absent),
        "any_value_is_missing": ~pl.any_horizontal(absent),
        "never": pl.lit(True),
    }[args.ignore_row_if]
    values = pl.when(considered).then(pl.struct(args.column_list))
    return RowCheck(considered, values.is_duplicated())


def _value_lengths(args: _ColumnBounds, frame: pl.DataFrame) -> Check:
    if args.min_value is None and args.max_value is None:
        raise Unrunnable("min_value and max_value cannot both be None")
    length = pl.col(args.column).cast(pl.String).str.len_chars()
    inside = _between(length, args.min_value, args.max_value, args.strict_min, args.strict_max)
    return RowCheck(_present(args.column, frame), ~inside)


def _types(column: str, frame: pl.DataFrame) -> tuple[pl.DataType, Any]:
    series = frame.get_column(column)
    return series.dtype, pandas_types.pandas_dtype(series.dtype, series.null_count() > 0)


def _of_type(args: _OfType, frame: pl.DataFrame) -> Check:
    dtype, actual = _types(args.column, frame)
    value_class = pandas_types.object_value_class(dtype)
    if actual.kind == "O" and args.type_ not in ("object", "object_", "O") and value_class is not None:
        ok = pandas_types.value_class_matches(value_class, [args.type_])
        return RowCheck(_present(args.column, frame), pl.lit(not ok))
    return TableCheck(pandas_types.dtype_is_of_type(actual, args.type_), actual.type.__name__)


def _in_type_list(args: _InTypeList, frame: pl.DataFrame) -> Check:
    dtype, actual = _types(args.column, frame)
    if args.type_list is None:
        return TableCheck(True, actual.type.__name__)
    value_class = pandas_types.object_value_class(dtype)
    if actual.kind == "O" and value_class is not None:
        ok = pandas_types.value_class_matches(value_class, args.type_list)
        return RowCheck(_present(args.column, frame), pl.lit(not ok))
    return TableCheck(pandas_types.dtype_in_type_list(actual, args.type_list), actual.type.__name__)


def _row_count(args: _TableBounds, frame: pl.DataFrame) -> Check:
    inside = pl.select(_between(pl.lit(frame.height), args.min_value, args.max_value, args.strict_min, args.strict_max))
    return TableCheck(bool(inside.item()), frame.height)


def _column_exists(args: _Exists, frame: pl.DataFrame) -> Check:
    names = frame.columns
    exists = args.column in names
    if exists and args.column_index is not None:
        exists = names.index(args.column) == args.column_index
    return TableCheck(exists)


@dataclass(frozen=True)
class NativeExpectation:
    """A supported expectation type: its keyword arguments and its Polars builder."""

    args: type[BaseModel]
    build: Callable[[Any, pl.DataFrame], Check]


REGISTRY: dict[str, NativeExpectation] = {
    "expect_column_to_exist": NativeExpectation(_Exists, _column_exists),
    "expect_column_values_to_not_be_null": NativeExpectation(_Column, _not_null),
    "expect_column_values_to_be_in_set": NativeExpectation(_InSet, _in_set),
    "expect_column_distinct_values_to_be_in_set": NativeExpectation(_InSet, _distinct_in_set),
    "expect_column_values_to_be_between": NativeExpectation(_ColumnBounds, _column_between),
    "expect_column_values_to_match_regex": NativeExpectation(_Regex, _match_regex),
    "expect_column_values_to_be_unique": NativeExpectation(_Column, _unique),
    "expect_compound_columns_to_be_unique": NativeExpectation(_Compound, _compound_unique),
    "expect_column_values_to_be_of_type": NativeExpectation(_OfType, _of_type),
    "expect_column_values_to_be_in_type_list": NativeExpectation(_InTypeList, _in_type_list),
    "expect_table_row_count_to_be_between": NativeExpectation(_TableBounds, _row_count),
    "expect_column_value_lengths_to_be_between": NativeExpectation(_ColumnBounds, _value_lengths),
}


def parsed_args(expectation: Expectation, suite: Suite) -> BaseModel:
    """The expectation's kwargs checked against its type; ExpectationFileError names type, file and field."""
    native = REGISTRY.get(expectation.type)
    if native is None:
        raise ExpectationFileError(
            f"expectation type {expectation.type} is not supported by the native engine "
            f"(supported: {', '.join(sorted(REGISTRY))}); run it with --engine gx",
            file=suite.path,
            rule=expectation.rule_id,
            field="type",
        )
    kwargs, unknown = parameters.resolved(expectation.kwargs)
    if unknown is not None:
        raise ExpectationFileError(
            f"unknown suite parameter (known: {', '.join(parameters.known())})",
            file=suite.path,
            rule=expectation.rule_id,
            field=f"kwargs.{unknown}",
        )
    try:
        args = native.args.model_validate(kwargs)
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(["kwargs", *(str(p) for p in error["loc"])])
        raise ExpectationFileError(error["msg"], file=suite.path, rule=expectation.rule_id, field=where) from None
    _check_type_names(args, expectation, suite)
    _check_condition(args, expectation, suite)
    return args


def _check_condition(args: BaseModel, expectation: Expectation, suite: Suite) -> None:
    text = getattr(args, "row_condition", None)
    if text is None:
        return
    where = dict(file=suite.path, rule=expectation.rule_id)
    if getattr(args, "condition_parser", None) != "pandas":
        raise ExpectationFileError('row_condition needs condition_parser "pandas"', field="kwargs.condition_parser",
                                   **where)
    try:
        parse_condition(text)
    except UnsupportedCondition as exc:
        raise ExpectationFileError(str(exc), field="kwargs.row_condition", **where) from None


def _check_type_names(args: BaseModel, expectation: Expectation, suite: Suite) -> None:
    names = [getattr(args, "type_", None), *(getattr(args, "type_list", None) or [])]
    for name in filter(None, names):
        if not pandas_types.is_known(name):
            raise ExpectationFileError(
                f"type name {name!r} is neither a numpy dtype nor a Python type GX knows",
                file=suite.path,
                rule=expectation.rule_id,
                field="kwargs.type_",
            )


def validate_suite(suite: Suite) -> None:
    """Fail on the first expectation the native engine cannot run, before running any."""
    for expectation in suite.expectations:
        parsed_args(expectation, suite)


def build_check(expectation: Expectation, suite: Suite, frame: pl.DataFrame) -> Check:
    """The Polars check of one expectation on a dataset; Unrunnable when GX would raise too."""
    args = parsed_args(expectation, suite)
    build = REGISTRY[expectation.type].build
    text = getattr(args, "row_condition", None)
    if text is None:
        return build(args, frame)
    domain, columns = parse_condition(text)
    absent = [c for c in columns if c not in frame.columns]
    if absent:
        raise Unrunnable(f"row_condition reads {', '.join(absent)}, which the dataset lacks")
    check = build(args, frame)
    if isinstance(check, TableCheck):
        return build(args, frame.filter(domain))
    return RowCheck(check.considered & domain, check.unexpected, domain)
