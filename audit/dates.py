"""ISO 8601 dates of SDTM/ADaM --DTC variables, parsed into [earliest, latest] intervals.

A partial date is an interval: "2019-03" is [2019-03-01, 2019-03-31] and
"2019" is [2019-01-01, 2019-12-31] (domain/dates.md). Non-standard unknown
notations ("2019-UN-UN", "2019-03-UNK") are normalised to the partial date they
mean; text that is not ISO 8601 at all ("14/03/2019", "2019-02-30") gets null
bounds and keeps its text so a rule can report it. Everything is a Polars
expression: no Python loop over values.
"""

from __future__ import annotations

import polars as pl

LO_SUFFIX = "_LO"
HI_SUFFIX = "_HI"

# Date part, then an optional time part with valid hours/minutes/seconds and zone.
_TIME = r"(?:T(?:[01]\d|2[0-3])(?::[0-5]\d(?::[0-5]\d(?:\.\d+)?)?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?)?"
ISO8601_PATTERN = rf"^(\d{{4}})(?:-(\d{{2}})(?:-(\d{{2}}){_TIME})?)?$"
# "UN", "UNK", "XX", "NK" (any case) standing for an unknown month or day.
_UNKNOWN_PART = r"(?i)-(?:UNK|UN|XX|NK)"
_WHOLLY_UNKNOWN = r"(?i)^(?:UNK|UN|UNKNOWN|NK|XX)$"


def lo_name(column: str) -> str:
    """Name of the earliest-possible-date column derived from a --DTC column."""
    return f"{column}{LO_SUFFIX}"


def hi_name(column: str) -> str:
    """Name of the latest-possible-date column derived from a --DTC column."""
    return f"{column}{HI_SUFFIX}"


def is_date_text_column(name: str) -> bool:
    """SDTM --DTC and ADaM *DTC variables carry ISO 8601 text."""
    return name.upper().endswith("DTC")


def _cleaned(text: pl.Expr) -> pl.Expr:
    stripped = text.cast(pl.String).str.strip_chars()
    return pl.when(stripped == "").then(None).otherwise(stripped)


def normalised(text: pl.Expr) -> pl.Expr:
    """The ISO 8601 text with unknown-part notations removed ("2019-UN-UN" -> "2019")."""
    cleaned = _cleaned(text)
    # Drop the first unknown part and everything after it: once the month is
    # unknown the day and time carry no information.
    return cleaned.str.replace(rf"{_UNKNOWN_PART}.*$", "")


def uses_unknown_notation(text: pl.Expr) -> pl.Expr:
    """True where the text writes an unknown part ("UN", "UNK") instead of leaving it off."""
    cleaned = _cleaned(text)
    return cleaned.str.contains(rf"{_UNKNOWN_PART}") | cleaned.str.contains(_WHOLLY_UNKNOWN)


def bounds(text: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    """Earliest and latest possible date (pl.Date) of ISO 8601 text; null when invalid or missing."""
    norm = normalised(text)
    parts = norm.str.extract_groups(ISO8601_PATTERN)
    # Year 0000 has no date in the Gregorian calendar SDTM uses (nor in Python): invalid, never a date.
    year = parts.struct.field("1")
    year = pl.when(year == "0000").then(None).otherwise(year)
    month = parts.struct.field("2")
    day = parts.struct.field("3")
    first_of_period = pl.concat_str(
        [year, month.fill_null("01"), day.fill_null("01")], separator="-"
    ).str.to_date("%Y-%m-%d", strict=False)
    # A full date that does not exist ("2019-02-30") must not fall back to a partial one.
    exact = pl.concat_str([year, month, day], separator="-").str.to_date("%Y-%m-%d", strict=False)
    earliest = (
        pl.when(day.is_not_null())
        .then(exact)
        .otherwise(first_of_period)
    )
    latest = (
        pl.when(day.is_not_null())
        .then(exact)
        .when(month.is_not_null())
        .then(first_of_period.dt.month_end())
        .otherwise(pl.concat_str([year, pl.lit("12-31")], separator="-").str.to_date(strict=False))
    )
    return earliest, latest


def is_invalid(text: pl.Expr) -> pl.Expr:
    """True where text is present but is not a valid (possibly partial) ISO 8601 date."""
    earliest, _ = bounds(text)
    present = _cleaned(text).is_not_null()
    return present & earliest.is_null() & ~_cleaned(text).str.contains(_WHOLLY_UNKNOWN)


def as_date(value: pl.Expr) -> pl.Expr:
    """A Date from a Date, a Datetime or ISO 8601 text (its first ten characters); null when not a date.

    Polars 2 casts no String to Date, so every date read from a column of
    unknown type goes through text.
    """
    return value.cast(pl.String).str.slice(0, 10).str.to_date("%Y-%m-%d", strict=False)


def with_date_bounds(frame: pl.LazyFrame, columns: list[str]) -> pl.LazyFrame:
    """Add <COL>_LO and <COL>_HI date columns beside each ISO 8601 text column.

    Trial data repeat the same few thousand dates over millions of records, so
    each distinct text is parsed once and joined back on the text (in the
    original order). Every lookup reads the frame as given, never the frame
    with the bounds of other columns added, so the plan grows linearly with
    the columns, and a join on the text cannot misalign rows.
    """
    lookups = [_distinct_bounds(frame, column) for column in columns]
    for column, lookup in zip(columns, lookups, strict=True):
        frame = frame.join(lookup, on=column, how="left", nulls_equal=True, maintain_order="left")
    return frame


def add_date_bounds(data: pl.DataFrame, columns: list[str]) -> pl.DataFrame:
    """with_date_bounds for a frame in memory: each column's bounds looked up alone and set beside it.

    A materialised frame has one fixed row order, so each lookup can join only
    its own text column and the bounds are stacked beside the data; nothing
    wider than one column is copied per date column.
    """
    looked_up = [
        data.lazy().select(column).join(_distinct_bounds(data.lazy(), column), on=column, how="left",
                                        nulls_equal=True, maintain_order="left").drop(column)
        for column in columns
    ]
    bounds_frames = pl.collect_all(looked_up)
    return pl.concat([data, *bounds_frames], how="horizontal") if bounds_frames else data


def _distinct_bounds(frame: pl.LazyFrame, column: str) -> pl.LazyFrame:
    earliest, latest = bounds(pl.col(column))
    return frame.select(pl.col(column).unique()).with_columns(
        earliest.alias(lo_name(column)), latest.alias(hi_name(column))
    )
