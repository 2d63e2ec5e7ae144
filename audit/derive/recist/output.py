"""The derived responses in one ADRS-like long frame (USUBJID, READER, PARAMCD, AVALC, ADT, AVISIT, sums)."""

from __future__ import annotations

import polars as pl

from audit.derive.registry import DeriveContext, NotApplicable

SUMS = ("TARGET_SUM", "BASE_SUM", "NADIR", "PCHG_BASE", "PCHG_NADIR", "CHG_NADIR")
ORDER = {"OVRLRESP": 0, "BOR": 1, "ABSRESP": 2, "ABSBOR": 3}


def _per_visit(frame: pl.LazyFrame, response: str, paramcd: str, sum_column: str) -> pl.LazyFrame:
    sums = [pl.col(sum_column).alias("TARGET_SUM"), *[pl.col(c) for c in SUMS[1:]]]
    return frame.filter(pl.col(response).is_not_null()).select(
        "USUBJID", "READER", pl.lit(paramcd).alias("PARAMCD"), pl.col(response).alias("AVALC"), "ADT",
        pl.col("VISIT").alias("AVISIT"), pl.col("VISITNUM").alias("AVISITN"), *sums,
    )


def _best(frame: pl.LazyFrame, column: str, date_column: str, paramcd: str) -> pl.LazyFrame:
    return frame.select(
        "USUBJID", "READER", pl.lit(paramcd).alias("PARAMCD"), pl.col(column).alias("AVALC"),
        pl.col(date_column).alias("ADT"),
        pl.lit(None, pl.String).alias("AVISIT"), pl.lit(None, pl.Float64).alias("AVISITN"),
        *[pl.lit(None, pl.Float64).alias(c) for c in SUMS],
    )


def adrs_like(ctx: DeriveContext) -> pl.DataFrame:
    """OVRLRESP per visit and BOR per subject; ABSRESP/ABSBOR too when SUPPTU flags lesions in the field."""
    confirmed = bool(ctx.section("recist").get("confirm", True))
    suffix = "CONFIRMED" if confirmed else "UNCONFIRMED"
    parts = [
        _per_visit(ctx.derived("recist.timepoint"), "OVRLRESP_DER", "OVRLRESP", "TARGET_SUM"),
        _best(ctx.derived("recist.bor"), "BOR", f"BORDT_{suffix}", "BOR"),
    ]
    try:
        abscopal = ctx.derived("recist.abscopal")
        parts += [
            _per_visit(ctx.derived("recist.abscopal_timepoint"), "ABSRESP", "ABSRESP", "ABSSUM"),
            _best(abscopal, "ABSBOR", f"ABSBORDT_{suffix}", "ABSBOR"),
        ]
    except NotApplicable:
        pass  # no irradiation flags: no out-of-field parameters
    order = pl.col("PARAMCD").replace_strict(ORDER, return_dtype=pl.Int8)
    frame = pl.concat(parts, how="vertical_relaxed")
    return frame.sort("USUBJID", "READER", order, "AVISITN", nulls_last=True).collect()
