"""What the sponsor reported: RS time-point and best responses, TR SUMDIAM, ADRS BOR, side by side with the derived.

Each reported value keeps its record key (RSSEQ, TRSEQ, ADRS row) so a
finding points at the record to correct.
"""

from __future__ import annotations

import polars as pl

from audit.dates import hi_name, lo_name
from audit.derive.recist.lesions import text_column, with_visit_number
from audit.derive.recist.tables import clean_text, coded

TIMEPOINT_TESTS = ("TRGRESP", "NTRGRESP", "NEWLIND", "NEWLPROG", "OVRLRESP")
KEYS = ["USUBJID", "READER", "VISITNUM"]
# The wording kind (recist_terms.csv) of each RSTESTCD's results; every other test reads as a response.
RESULT_KIND = {"NEWLIND": "flag", "NEWLPROG": "new_lesion"}


def rs_records(rs: pl.LazyFrame) -> pl.LazyFrame:
    """RS RECIST records with the result coded (CR/PR/SD/PD/NE/NON-CR/NON-PD; Y/N; EQUIVOCAL) and the date bounds."""
    schema = rs.collect_schema()
    test = clean_text(pl.col("RSTESTCD"))
    text = text_column(rs, "RSSTRESC", "RSORRES")
    result = coded(text, "response")
    for code, kind in RESULT_KIND.items():
        result = pl.when(test == code).then(coded(text, kind)).otherwise(result)
    dates = [pl.col(c) for c in ("RSDTC", lo_name("RSDTC"), hi_name("RSDTC")) if c in schema]
    visit = [pl.col("VISIT")] if "VISIT" in schema else [pl.lit(None, pl.String).alias("VISIT")]
    return with_visit_number(rs, "RSDTC").select(
        pl.lit("RS").alias("DATASET"), "USUBJID", "READER", "RSSEQ", test.alias("RSTESTCD"), result.alias("RESULT"),
        "VISITNUM", *visit, *dates,
    )


def reported_timepoints(records: pl.LazyFrame) -> pl.LazyFrame:
    """One row per subject and visit: each reported time-point response and its RSSEQ."""
    tests = records.filter(pl.col("RSTESTCD").is_in(TIMEPOINT_TESTS) & pl.col("VISITNUM").is_not_null())
    first = tests.sort("RSSEQ").group_by([*KEYS, "RSTESTCD"]).first()
    frames = [
        first.filter(pl.col("RSTESTCD") == t).select(
            *KEYS, pl.col("RESULT").alias(t), pl.col("RSSEQ").alias(f"{t}_RSSEQ")
        )
        for t in TIMEPOINT_TESTS
    ]
    visits = tests.select(KEYS).unique()
    for frame in frames:
        visits = visits.join(frame, on=KEYS, how="left")
    # NEWLPROG (equivocal / unequivocal new-lesion progression) reports the new-lesion result when NEWLIND is absent.
    return visits.with_columns(pl.coalesce("NEWLIND", "NEWLPROG").alias("NEWLIND")).drop("NEWLPROG")


def reported_sums(tr: pl.LazyFrame) -> pl.LazyFrame:
    """TR SUMDIAM records: the reported sum of diameters per subject and visit, with TRSEQ."""
    value = pl.col("TRSTRESN").cast(pl.Float64, strict=False) if "TRSTRESN" in tr.collect_schema() else None
    if value is None:
        value = text_column(tr, "TRSTRESC", "TRORRES").cast(pl.Float64, strict=False)
    return with_visit_number(tr, "TRDTC").filter(clean_text(pl.col("TRTESTCD")) == "SUMDIAM").select(
        pl.lit("TR").alias("DATASET"), "USUBJID", "READER", "TRSEQ", "VISITNUM", value.alias("SUMDIAM")
    )


def visit_dates(tr: pl.LazyFrame, records: pl.LazyFrame) -> pl.LazyFrame:
    """Per subject, reader and visit: name, assessment date (earliest scan) and the range of its record dates."""
    def dated(frame: pl.LazyFrame, dtc: str) -> pl.LazyFrame:
        schema = frame.collect_schema()
        lo = pl.col(lo_name(dtc)) if lo_name(dtc) in schema else pl.lit(None, pl.Date)
        hi = pl.col(hi_name(dtc)) if hi_name(dtc) in schema else pl.lit(None, pl.Date)
        name = pl.col("VISIT").cast(pl.String) if "VISIT" in schema else pl.lit(None, pl.String)
        assessment = pl.col("ASSESSMENT") if "ASSESSMENT" in schema else pl.lit(1, pl.Int32)
        return frame.select(*KEYS, name.alias("VISIT"), lo.alias("_LO"), hi.alias("_HI"),
                            assessment.alias("ASSESSMENT"))

    scans = dated(with_visit_number(tr, "TRDTC"), "TRDTC").with_columns(pl.lit(0).alias("_SRC"))
    rs = dated(records.filter(pl.col("VISITNUM").is_not_null()), "RSDTC").with_columns(pl.lit(1).alias("_SRC"))
    both = pl.concat([scans, rs], how="vertical_relaxed").filter(pl.col("VISITNUM").is_not_null())
    return both.group_by(KEYS).agg(
        pl.col("VISIT").drop_nulls().first(),
        # The assessment date is the earliest scan of the visit; RS dates stand in when TR has none.
        pl.col("_LO").filter(pl.col("_SRC") == pl.col("_SRC").min()).min().alias("ADT"),
        pl.col("_HI").min().alias("FIRST_DATE_HI"),
        pl.col("_LO").max().alias("LAST_DATE_LO"),
        pl.col("ASSESSMENT").max(),
    )


def out_of_order() -> pl.Expr:
    """A visit with a record certainly dated before a record of an earlier-numbered visit."""
    earlier_last = pl.col("LAST_DATE_LO").cum_max().shift(1).over(["USUBJID", "READER"], order_by="VISITNUM")
    return (pl.col("FIRST_DATE_HI") < earlier_last).fill_null(False)


def adrs_best(adrs: pl.LazyFrame) -> pl.LazyFrame:
    """ADRS BOR and ABSBOR records with their 1-based row in the dataset (ADRS has no --SEQ)."""
    numbered = adrs.with_row_index("ROW", offset=1).with_columns(pl.col("ROW").cast(pl.Int64))
    code = coded(pl.col("AVALC"), "response")
    return numbered.filter(clean_text(pl.col("PARAMCD")).is_in(["BOR", "ABSBOR"])).select(
        pl.lit("ADRS").alias("DATASET"), "USUBJID", "ROW", clean_text(pl.col("PARAMCD")).alias("PARAMCD"),
        code.alias("AVALC"),
    )
