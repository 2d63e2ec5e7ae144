"""CTCAE v5 grade of every lab record: unit conversion, baseline, and a join to the criteria table.

Each LB record is joined to every criterion row of its test; a row matches
when the converted value lies inside its bounds (bounds are absolute, or
multiples of LLN, ULN or baseline). The record's grade is the highest
matching grade, 0 when its value is known and no row matches, and null when
it cannot be graded (unknown unit, no numeric result, normal range needed but
missing). ALT, AST, ALP and bilirubin are graded against baseline multiples
when the baseline value is above ULN (CTCAE v5.0 "if baseline was abnormal").
"""

from __future__ import annotations

import polars as pl

from audit import dates
from audit.derive.ctcae.tables import lab_criteria, lab_terms, lab_units, unit_key

GRADED = "graded"
UNIT_UNKNOWN = "unit unknown"
NO_RESULT = "no numeric result"
RANGE_MISSING = "normal range missing"

LB_REQUIRED = ("USUBJID", "LBTESTCD", "LBSTRESU", "LBDTC")
_OPTIONAL_NUMBERS = ("LBSTRESN", "LBSTNRLO", "LBSTNRHI")


def with_date_bounds(frame: pl.LazyFrame, *columns: str) -> pl.LazyFrame:
    """Add <COL>_LO/_HI where the loader has not (frames built in code rather than loaded).

    Dates repeat across records, so each distinct text is parsed once and joined back.
    """
    names = frame.collect_schema().names()
    for column in (c for c in columns if c in names and dates.lo_name(c) not in names):
        distinct = dates.with_date_bounds(frame.select(column).unique(), [column])
        frame = frame.join(distinct, on=column, how="left", nulls_equal=True)
    return frame


def _lab_input(lb: pl.LazyFrame) -> pl.LazyFrame:
    """The LB columns grading reads, numbers as floats, limited to tests the table grades."""
    names = lb.collect_schema().names()
    number = pl.col("LBSTRESN").cast(pl.Float64, strict=False) if "LBSTRESN" in names else None
    text = pl.col("LBSTRESC").cast(pl.String).str.strip_chars().cast(pl.Float64, strict=False)
    if "LBSTRESC" in names:
        number = text if number is None else number.fill_null(text)
    columns = [
        pl.col("USUBJID"),
        (pl.col("LBSEQ") if "LBSEQ" in names else pl.lit(None, pl.Int64)).alias("LBSEQ"),
        pl.col("LBTESTCD").cast(pl.String).str.strip_chars().str.to_uppercase(),
        pl.col("LBDTC", "LBDTC_LO", "LBDTC_HI"),
        (number if number is not None else pl.lit(None, pl.Float64)).alias("LBSTRESN"),
        pl.col("LBSTRESU").cast(pl.String),
    ]
    for name in ("LBSTNRLO", "LBSTNRHI"):
        value = pl.col(name).cast(pl.Float64, strict=False) if name in names else None
        columns.append((value if value is not None else pl.lit(None, pl.Float64)).alias(name))
    tests = lab_terms().lazy().select("LBTESTCD", pl.col("term").alias("CTCTERM"), "direction")
    return (
        with_date_bounds(lb, "LBDTC")
        .select(columns)
        .join(tests, on="LBTESTCD", how="inner")
        .with_row_index("_row")
    )


def _converted(lab: pl.LazyFrame) -> pl.LazyFrame:
    """Value and normal range in the grading table's unit; UNITOK false where the unit is unknown."""
    units = lab_units().lazy().select("LBTESTCD", "unit_key", "factor", "standard_unit")
    factor = pl.col("factor")
    return (
        lab.with_columns(unit_key(pl.col("LBSTRESU")).alias("unit_key"))
        .join(units, on=["LBTESTCD", "unit_key"], how="left", nulls_equal=False)
        .with_columns(
            (pl.col("LBSTRESN") * factor).alias("AVAL"),
            (pl.col("LBSTNRLO") * factor).alias("ANRLO"),
            (pl.col("LBSTNRHI") * factor).alias("ANRHI"),
            pl.col("standard_unit").alias("AVALU"),
            factor.is_not_null().alias("UNITOK"),
        )
        .drop("unit_key", "factor", "standard_unit")
    )


def _baseline(lab: pl.LazyFrame, dm: pl.LazyFrame | None) -> pl.LazyFrame:
    """Last gradable value on or before first dose (RFSTDTC), per subject and test."""
    if dm is None:
        return lab.with_columns(
            pl.lit(None, pl.Float64).alias("BASE"), pl.lit(None, pl.Boolean).alias("BASEABN")
        )
    first_dose = (
        with_date_bounds(dm, "RFSTDTC")
        .select("USUBJID", pl.col("RFSTDTC_LO").alias("_first_dose"))
        .unique("USUBJID", keep="first")
    )
    # Certainly on or before the first-dose day, whatever a partial date means.
    candidates = (
        lab.join(first_dose, on="USUBJID", how="inner")
        .filter((pl.col("LBDTC_HI") <= pl.col("_first_dose")) & pl.col("AVAL").is_not_null())
        .sort("USUBJID", "LBTESTCD", "LBDTC_HI", "LBDTC", "LBSEQ", nulls_last=False)
        .group_by("USUBJID", "LBTESTCD")
        .agg(
            pl.col("AVAL").last().alias("BASE"),
            pl.col("ANRLO").last().alias("_base_lln"),
            pl.col("ANRHI").last().alias("_base_uln"),
            pl.col("direction").last().alias("_dir"),
        )
        .with_columns(
            pl.when(pl.col("_dir") == "high")
            .then(pl.col("BASE") > pl.col("_base_uln"))
            .otherwise(pl.col("BASE") < pl.col("_base_lln"))
            .alias("BASEABN")
        )
        .select("USUBJID", "LBTESTCD", "BASE", "BASEABN")
    )
    return lab.join(candidates, on=["USUBJID", "LBTESTCD"], how="left")


def _bound(side: str) -> pl.Expr:
    """A criterion bound in the record's own unit: absolute, or a multiple of LLN/ULN/baseline."""
    basis = pl.col(f"{side}_basis")
    scale = (
        pl.when(basis == "ABS")
        .then(pl.lit(1.0))
        .when(basis == "LLN")
        .then(pl.col("ANRLO"))
        .when(basis == "ULN")
        .then(pl.col("ANRHI"))
        .when(basis == "BASELINE")
        .then(pl.col("BASE"))
    )
    return pl.col(side) * scale


def _inside(side: str) -> pl.Expr:
    """True/False whether AVAL lies on the inner side of one bound; null when the bound is unknown."""
    bound, value = _bound(side), pl.col("AVAL")
    inclusive = pl.col(f"{side}_inclusive")
    if side == "lower":
        test = pl.when(inclusive).then(value >= bound).otherwise(value > bound)
    else:
        test = pl.when(inclusive).then(value <= bound).otherwise(value < bound)
    return pl.when(pl.col(side).is_null()).then(pl.lit(True)).otherwise(test)


def _criteria_by_state() -> pl.LazyFrame:
    """Criterion rows keyed by the baseline state they apply to ("any" rows serve both)."""
    state = pl.col("baseline")
    states = (
        pl.when(state == "any")
        .then(pl.lit(["normal", "abnormal"]))
        .otherwise(pl.concat_list([state]))
    )
    return (
        lab_criteria()
        .lazy()
        .with_columns(states.alias("_state"))
        .explode("_state")
        .drop("term", "unit", "ctcae_text", "direction", "baseline")
    )


def _grades(lab: pl.LazyFrame) -> pl.LazyFrame:
    """Highest matching grade per record and whether any criterion was undecidable."""
    # An unknown baseline counts as normal: ULN multiples apply (CTCAE v5 default).
    state = pl.when(pl.col("BASEABN").fill_null(False)).then(pl.lit("abnormal"))
    matched = _inside("lower") & _inside("upper")
    return (
        lab.select("_row", "LBTESTCD", "AVAL", "ANRLO", "ANRHI", "BASE", "BASEABN")
        .filter(pl.col("AVAL").is_not_null())
        .with_columns(state.otherwise(pl.lit("normal")).alias("_state"))
        .join(_criteria_by_state(), on=["LBTESTCD", "_state"], how="inner")
        .with_columns(matched.alias("_match"))
        .group_by("_row")
        .agg(
            pl.col("grade").filter(pl.col("_match")).max().alias("_grade"),
            pl.col("_match").is_null().any().alias("_undecided"),
        )
    )


def grade_lab_records(lb: pl.LazyFrame, dm: pl.LazyFrame | None = None) -> pl.LazyFrame:
    """Every LB record of a gradable test with its CTCAE v5 grade (ATOXGRN) and why if ungraded."""
    lab = _baseline(_converted(_lab_input(lb)), dm).cache()
    graded = lab.join(_grades(lab), on="_row", how="left")
    status = (
        pl.when(pl.col("LBSTRESN").is_null())
        .then(pl.lit(NO_RESULT))
        .when(~pl.col("UNITOK"))
        .then(pl.lit(UNIT_UNKNOWN))
        .when(pl.col("_grade").is_null() & pl.col("_undecided"))
        .then(pl.lit(RANGE_MISSING))
        .otherwise(pl.lit(GRADED))
    )
    grade = pl.when(status == GRADED).then(pl.col("_grade").fill_null(0)).cast(pl.Int8)
    return (
        graded.with_columns(status.alias("ATOXSTAT"), grade.alias("ATOXGRN"))
        .with_columns(pl.col("ATOXGRN").cast(pl.String).alias("ATOXGR"))
        .select(
            "USUBJID",
            "LBSEQ",
            "LBTESTCD",
            "CTCTERM",
            "LBDTC",
            "LBDTC_LO",
            "LBDTC_HI",
            "LBSTRESN",
            "LBSTRESU",
            "AVAL",
            "AVALU",
            "ANRLO",
            "ANRHI",
            "BASE",
            "BASEABN",
            pl.col("direction").alias("ATOXDIR"),
            "UNITOK",
            "ATOXSTAT",
            "ATOXGRN",
            "ATOXGR",
        )
        .sort("USUBJID", "LBTESTCD", "LBDTC_LO", "LBSEQ", nulls_last=True)
    )
