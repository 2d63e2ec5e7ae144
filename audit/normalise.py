"""Give every dataset the column types SDTM/ADaM define, whatever types its file carried.

SDTMIG v3.4 section 2.4 gives each variable one of two types, Char or Num;
files deliver more (R factors, parquet dates, numbers for identifiers, blank
strings for missing values). On load: blank or whitespace-only text is
missing; identifier keys are text; --SEQ, --DY and VISITNUM are numbers; *DTC
variables are ISO 8601 text (a date type is written back as its ISO 8601
text, an all-missing column of any type becomes an all-missing text column);
categorical columns are text. A type no rule can use (struct, list, binary)
is dropped with a note naming the column.
"""

from __future__ import annotations

import polars as pl

from audit import dates

# Identifiers are Char in SDTMIG v3.4 (sections 4.1.2 and 8.4): a number given for one is text.
KEY_VARIABLES = frozenset({"STUDYID", "USUBJID", "SUBJID", "SITEID", "DOMAIN", "RDOMAIN", "IDVAR", "IDVARVAL",
                           "QNAM", "RSUBJID", "POOLID", "SPDEVID", "APID", "ASUBJID"})
KEY_SUFFIXES = ("GRPID", "REFID", "SPID", "LNKID", "LNKGRP")
# Sequence, visit and study-day numbers are Num (SDTMIG v3.4 sections 4.1.4.4, 4.1.5): text holding a
# number is a number; --SEQ and --DY are whole numbers, so a double holding only whole values is an integer.
NUMBER_VARIABLES = frozenset({"VISITNUM"})
NUMBER_SUFFIXES = ("SEQ", "DY")
_UNUSABLE = (pl.Struct, pl.List, pl.Array, pl.Object, pl.Binary)
_ISO_DATETIME = "%Y-%m-%dT%H:%M:%S"


def is_key(name: str) -> bool:
    """An identifier variable that SDTM types as Char."""
    upper = name.upper()
    return upper in KEY_VARIABLES or upper.endswith(KEY_SUFFIXES)


def is_number(name: str) -> bool:
    """A sequence, visit or study-day number that SDTM types as Num."""
    upper = name.upper()
    return upper in NUMBER_VARIABLES or (upper.endswith(NUMBER_SUFFIXES) and len(upper) > 3)


def _as_text(name: str, dtype: pl.DataType) -> pl.Expr:
    """Any column as text; whole numbers without a trailing '.0', dates in ISO 8601."""
    column = pl.col(name)
    if dtype == pl.Date:
        return column.dt.strftime("%Y-%m-%d")
    if isinstance(dtype, pl.Datetime):
        return column.dt.strftime(_ISO_DATETIME)
    if dtype.is_float():
        whole = column.is_not_null() & (column == column.round(0)) & (column.abs() < 2**53)
        return pl.when(whole).then(column.cast(pl.Int64).cast(pl.String)).otherwise(column.cast(pl.String))
    return column.cast(pl.String)


def _as_number(name: str, dtype: pl.DataType) -> pl.Expr:
    """A sequence/visit number as Int64 when whole, else Float64."""
    column = pl.col(name)
    if dtype.is_integer():
        return column.cast(pl.Int64)
    if dtype == pl.String:
        column = column.str.strip_chars().cast(pl.Float64, strict=False)
    return column


def _unusable_note(file: str, name: str, dtype: pl.DataType) -> str:
    return f"dropped {file} column {name}: its type {dtype} holds no SDTM value (Char or Num)"


def _text_casts(schema: pl.Schema) -> list[pl.Expr]:
    """Columns that must be text: keys, *DTC, categoricals, all-null types."""
    casts = []
    for name, dtype in schema.items():
        wants_text = is_key(name) or dates.is_date_text_column(name)
        if dtype == pl.String:
            continue
        if isinstance(dtype, (pl.Categorical, pl.Enum)) or dtype == pl.Null or (wants_text and not dtype.is_nested()):
            casts.append(_as_text(name, dtype).alias(name))
    return casts


def _blank_is_missing() -> pl.Expr:
    """Blank or whitespace-only text is missing in every format (SAS has no other missing Char)."""
    text = pl.col(pl.String)
    return pl.when(text.str.strip_chars() == "").then(None).otherwise(text).name.keep()


def normalised(frame: pl.LazyFrame, file: str) -> tuple[pl.LazyFrame, list[str]]:
    """The frame with SDTM types and missing values, and a note per dropped or kept-as-text column."""
    schema = frame.collect_schema()
    unusable = [n for n, t in schema.items() if isinstance(t, _UNUSABLE)]
    notes = [_unusable_note(file, n, schema[n]) for n in unusable]
    frame = frame.drop(unusable) if unusable else frame
    schema = frame.collect_schema()
    notes += [f"read {file} column {n} ({t}) as ISO 8601 text: a date variable is text in SDTM"
              for n, t in schema.items() if dates.is_date_text_column(n) and not (t == pl.String or t.is_temporal())]
    frame = frame.with_columns(_text_casts(schema)).with_columns(_blank_is_missing())
    schema = frame.collect_schema()
    numbers = [n for n, t in schema.items() if is_number(n) and (t == pl.String or t.is_numeric())]
    if not numbers:
        return frame, notes
    return _with_numbers(frame, schema, numbers, file, notes)


def _with_numbers(frame: pl.LazyFrame, schema: pl.Schema, numbers: list[str], file: str,
                  notes: list[str]) -> tuple[pl.LazyFrame, list[str]]:
    """Sequence and visit numbers as numbers; a text column holding a non-number stays text, noted."""
    text = [n for n in numbers if schema[n] == pl.String]
    kept: list[str] = []
    if text:
        lost = frame.select(
            (pl.col(n).is_not_null() & _as_number(n, pl.String()).is_null()).sum().alias(n) for n in text
        ).collect().row(0, named=True)
        kept = sorted(n for n, count in lost.items() if count)
        notes += [f"kept {file} column {n} as text: {lost[n]} values are not numbers" for n in kept]
    converted = [_as_number(n, schema[n]).alias(n) for n in numbers if n not in kept]
    frame = frame.with_columns(converted)
    # Not VISITNUM: it keeps its float type, so 1 and 1.1 still join across datasets.
    whole = [n for n in numbers if n not in kept and n.upper().endswith(NUMBER_SUFFIXES)]
    return frame.with_columns(_whole_floats_as_int(frame, whole)), notes


def _whole_floats_as_int(frame: pl.LazyFrame, names: list[str]) -> list[pl.Expr]:
    """A float --SEQ or --DY holding only whole numbers (R's double, parquet Float64) as Int64."""
    floats = [n for n, t in frame.collect_schema().items() if n in names and t.is_float()]
    if not floats:
        return []
    whole = frame.select(
        (pl.col(n).drop_nulls() == pl.col(n).drop_nulls().round(0)).all().alias(n) for n in floats
    ).collect().row(0, named=True)
    return [pl.col(n).cast(pl.Int64) for n in floats if whole[n]]
