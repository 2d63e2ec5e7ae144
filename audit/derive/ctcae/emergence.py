"""Treatment-emergence of AEs from dates: start on or after first dose, up to last dose + window.

ADaM ADAE carries the sponsor's TRTEMFL; this recomputes it from ASTDT and
ADSL TRTSDT/TRTEDT (or SDTM AESTDTC and DM RFSTDTC/RFENDTC when ADaM dates are
absent) so that CTCAE013 can compare the two.
"""

from __future__ import annotations

from datetime import date

import polars as pl

from audit.derive.ctcae.grading import with_date_bounds

_SAS_EPOCH = date(1960, 1, 1)


def as_date(column: str, dtype: pl.DataType) -> pl.Expr:
    """A date column from an ADaM date stored as Date, Datetime, SAS day number or ISO text."""
    col = pl.col(column)
    if dtype == pl.Date:
        return col
    if isinstance(dtype, pl.Datetime):
        return col.dt.date()
    if dtype.is_numeric():
        return pl.lit(_SAS_EPOCH, pl.Date) + pl.duration(days=col.cast(pl.Int64, strict=False))
    return col.cast(pl.String).str.slice(0, 10).str.to_date("%Y-%m-%d", strict=False)


def treatment_period(
    subjects: pl.LazyFrame, start: str, end: str, window_days: int, cutoff: date | None
) -> pl.LazyFrame:
    """USUBJID, TRTSTART, TRTEND: first dose, and last dose + window (cut-off while ongoing)."""
    schema = subjects.collect_schema()
    start_expr = as_date(start, schema[start])
    end_expr = as_date(end, schema[end]) if end in schema else pl.lit(None, pl.Date)
    open_end = pl.lit(cutoff or date(9999, 12, 31), pl.Date)
    return (
        subjects.select(
            "USUBJID",
            start_expr.alias("TRTSTART"),
            (end_expr + pl.duration(days=window_days)).fill_null(open_end).alias("TRTEND"),
        )
        .filter(pl.col("TRTSTART").is_not_null())
        .unique("USUBJID", keep="first")
    )


def dm_treatment_period(dm: pl.LazyFrame, window_days: int, cutoff: date | None) -> pl.LazyFrame:
    """Treatment period from SDTM DM RFSTDTC/RFENDTC (latest possible dates)."""
    framed = with_date_bounds(dm, "RFSTDTC", "RFENDTC")
    names = framed.collect_schema().names()
    end = pl.col("RFENDTC_HI") if "RFENDTC_HI" in names else pl.lit(None, pl.Date)
    return treatment_period(
        framed.select("USUBJID", pl.col("RFSTDTC_HI").alias("_start"), end.alias("_end")),
        "_start",
        "_end",
        window_days,
        cutoff,
    )


def ae_emergence(adae: pl.LazyFrame, period: pl.LazyFrame) -> pl.LazyFrame:
    """Per ADAE record: reported TRTEMFL beside the flag its start date implies."""
    schema = adae.collect_schema()
    start = as_date("ASTDT", schema["ASTDT"])
    emergent = (pl.col("_start") >= pl.col("TRTSTART")) & (pl.col("_start") <= pl.col("TRTEND"))
    derived = pl.when(emergent).then(pl.lit("Y")).otherwise(pl.lit("N"))
    reported = pl.col("TRTEMFL").cast(pl.String).str.strip_chars().fill_null("N").replace("", "N")
    return (
        adae.select("USUBJID", "AESEQ", "TRTEMFL", start.alias("_start"))
        .join(period, on="USUBJID", how="left")
        .with_columns(
            pl.when(pl.col("_start").is_not_null() & pl.col("TRTSTART").is_not_null())
            .then(derived)
            .alias("TRTEMFLD"),
        )
        .with_columns((reported == pl.col("TRTEMFLD")).alias("EMERGAGREE"))
        .rename({"_start": "ASTDT"})
        .sort("USUBJID", "AESEQ", nulls_last=True)
    )
