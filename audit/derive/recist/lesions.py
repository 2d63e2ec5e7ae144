"""Lesions and their measurements: the target and non-target catalogue (TU, SUPPTU) and sizes per visit (TR).

RECIST 1.1 sections 3.1-3.3 and 4.2: a target's size is its longest diameter,
a lymph node's its short axis; a lesion too small to measure counts 5 mm, one
that disappeared 0 mm; fragments of a split lesion are added. Which TRTESTCD
holds that size is data (recist_measurements.csv), one test per lesion and
visit, never a sum over tests. Every frame carries READER (--EVAL / --EVALID):
readers are derived side by side, never merged.
"""

from __future__ import annotations

import polars as pl

from audit.dates import hi_name, lo_name
from audit.derive.recist.options import RecistOptions
from audit.derive.recist.tables import clean_text, coded, measurements, size_from_text

NODE_LOCATION = "LYMPH NODE"
MEASURABLE_MM = 10.0  # non-nodal LD on CT (section 3.1.1)
MEASURABLE_NODE_MM = 15.0  # nodal short axis (section 3.1.1)
SUBJECT = ["USUBJID", "READER"]
# READER of records that name neither --EVAL nor --EVALID: worded, so a finding never reads "(reader )".
UNNAMED_READER = "not recorded"
# Scans of one time point lie within days of each other; records of one visit more than 4 weeks apart (the
# confirmation interval, section 4.4.2) cannot be one assessment.
SAME_ASSESSMENT_DAYS = 28
ASSESSMENT_STEP = 1e-4  # VISITNUM offset of a second assessment under one visit number


def _blank_is_null(text: pl.Expr) -> pl.Expr:
    return pl.when(text == "").then(None).otherwise(text)


def reader_label(frame: pl.LazyFrame, prefix: str) -> pl.Expr:
    """Who read the record: --EVAL and --EVALID ("INDEPENDENT ASSESSOR / RADIOLOGIST 1") or "not recorded"."""
    schema = frame.collect_schema()
    names = [f"{prefix}{v}" for v in ("EVAL", "EVALID") if f"{prefix}{v}" in schema]
    if not names:
        return pl.lit(UNNAMED_READER)
    parts = [_blank_is_null(clean_text(pl.col(n))) for n in names]
    label = pl.concat_str(parts, separator=" / ", ignore_nulls=True)
    return pl.when(label.is_null() | (label == "")).then(pl.lit(UNNAMED_READER)).otherwise(label)


def with_reader(frame: pl.LazyFrame, prefix: str, opts: RecistOptions) -> pl.LazyFrame:
    """The records with READER, restricted to the configured evaluator and, when asked, to accepted reads."""
    schema = frame.collect_schema()
    frame = frame.with_columns(reader_label(frame, prefix).alias("READER"))
    evaluator, evalid, accepted = f"{prefix}EVAL", f"{prefix}EVALID", f"{prefix}ACPTFL"
    if opts.evaluator is not None and evaluator in schema:
        named = _blank_is_null(clean_text(pl.col(evaluator)))
        frame = frame.filter(named.is_null() | (named == opts.evaluator))
    if opts.readers == "accepted" and evalid in schema and accepted in schema:
        # SDTMIG --ACPTFL marks the adjudicated read among independent readers; a record naming no reader
        # identifier (the investigator) is not one of those competing reads and stays.
        reader_id = _blank_is_null(clean_text(pl.col(evalid)))
        frame = frame.filter(reader_id.is_null() | (clean_text(pl.col(accepted)) == "Y"))
    return frame


def with_visit_number(frame: pl.LazyFrame, dtc: str) -> pl.LazyFrame:
    """VISITNUM as a number (by date within the subject when absent), and ASSESSMENT within the visit.

    Records of one reader and visit dated more than SAME_ASSESSMENT_DAYS apart are separate assessments:
    the second gets ASSESSMENT 2 and a VISITNUM ASSESSMENT_STEP above its visit's, so it keeps its own sums
    and responses instead of being merged into the first (RECIST018 reports it).
    """
    schema = frame.collect_schema()
    if "VISITNUM" in schema:
        frame = frame.with_columns(pl.col("VISITNUM").cast(pl.Float64, strict=False))
    elif lo_name(dtc) in schema:
        rank = pl.col(lo_name(dtc)).rank("dense").over("USUBJID").cast(pl.Float64)
        frame = frame.with_columns(rank.alias("VISITNUM"))
    else:
        frame = frame.with_columns(pl.lit(None, pl.Float64).alias("VISITNUM"))
    if lo_name(dtc) not in schema or hi_name(dtc) not in schema or "ASSESSMENT" in schema:
        return frame if "ASSESSMENT" in schema else frame.with_columns(pl.lit(1, pl.Int32).alias("ASSESSMENT"))
    return _split_assessments(frame, lo_name(dtc), hi_name(dtc))


def _split_assessments(frame: pl.LazyFrame, lo: str, hi: str) -> pl.LazyFrame:
    group = [c for c in ("USUBJID", "READER", "VISITNUM") if c in frame.collect_schema()]
    earlier_hi = pl.col(hi).cum_max().shift(1).over(group, order_by=lo)
    starts = ((pl.col(lo) - earlier_hi).dt.total_days() > SAME_ASSESSMENT_DAYS).fill_null(False)
    frame = frame.with_columns(starts.cast(pl.Int32).alias("_START"))
    number = pl.col("_START").cum_sum().over(group, order_by=lo) + 1
    frame = frame.with_columns(number.cast(pl.Int32).alias("ASSESSMENT")).drop("_START")
    return frame.with_columns(pl.col("VISITNUM") + (pl.col("ASSESSMENT") - 1) * ASSESSMENT_STEP)


def text_column(frame: pl.LazyFrame, *names: str) -> pl.Expr:
    present = [pl.col(n).cast(pl.String) for n in names if n in frame.collect_schema()]
    return pl.coalesce(present) if present else pl.lit(None, pl.String)


def _irradiated(tu: pl.LazyFrame, supptu: pl.LazyFrame | None) -> pl.LazyFrame:
    """TU with IRRADFL from SUPPTU (keyed by IDVAR TUSEQ or TULNKID); null when not given."""
    if supptu is None:
        return tu.with_columns(pl.lit(None, pl.String).alias("IRRADFL"))
    flags = supptu.filter(clean_text(pl.col("QNAM")) == "IRRADFL").select(
        "USUBJID", clean_text(pl.col("IDVAR")).alias("IDVAR"), pl.col("IDVARVAL").cast(pl.String).str.strip_chars(),
        coded(pl.col("QVAL"), "flag").alias("IRRADFL"),
    )
    by_seq = flags.filter(pl.col("IDVAR") == "TUSEQ").select(
        "USUBJID", pl.col("IDVARVAL").cast(pl.Float64, strict=False).alias("_SEQ"), pl.col("IRRADFL").alias("_BYSEQ")
    ).unique(["USUBJID", "_SEQ"], keep="first")
    by_link = flags.filter(pl.col("IDVAR") == "TULNKID").select(
        "USUBJID", pl.col("IDVARVAL").alias("TULNKID"), pl.col("IRRADFL").alias("_BYLINK")
    ).unique(["USUBJID", "TULNKID"], keep="first")
    keyed = tu.with_columns(pl.col("TUSEQ").cast(pl.Float64, strict=False).alias("_SEQ"))
    keyed = keyed.join(by_seq, on=["USUBJID", "_SEQ"], how="left").join(by_link, on=["USUBJID", "TULNKID"], how="left")
    return keyed.with_columns(pl.coalesce("_BYSEQ", "_BYLINK").alias("IRRADFL")).drop("_SEQ", "_BYSEQ", "_BYLINK")


def lesion_catalogue(tu: pl.LazyFrame, supptu: pl.LazyFrame | None) -> pl.LazyFrame:
    """One row per identified lesion: role (TARGET / NON-TARGET / NEW), organ, nodal, irradiated, when found."""
    schema = tu.collect_schema()
    role = clean_text(text_column(tu, "TUSTRESC", "TUORRES"))
    location = clean_text(text_column(tu, "TULOC"))
    found = tu.filter(clean_text(pl.col("TUTESTCD")) == "TUMIDENT") if "TUTESTCD" in schema else tu
    found = _irradiated(found, supptu)
    dtc = [c for c in ("TUDTC", lo_name("TUDTC"), hi_name("TUDTC")) if c in schema]
    return with_visit_number(found, "TUDTC").select(
        "USUBJID",
        "READER",
        "TUSEQ",
        pl.col("TULNKID").cast(pl.String),
        role.str.replace(r"^NON TARGET$", "NON-TARGET").alias("ROLE"),
        location.alias("TULOC"),
        # Paired organs count once (section 3.3: "LUNG, LEFT" and "LUNG, RIGHT" are one organ).
        location.str.split(",").list.first().str.strip_chars().alias("ORGAN"),
        location.str.contains(NODE_LOCATION, literal=True).fill_null(False).alias("NODAL"),
        "IRRADFL",
        "VISITNUM",
        *dtc,
    )


def lesion_sizes(tr: pl.LazyFrame) -> pl.LazyFrame:
    """Per reader, visit, lesion and measurement test: size in mm (fragments of a split lesion added), first TRSEQ."""
    schema = tr.collect_schema()
    test = clean_text(pl.col("TRTESTCD"))
    value = pl.col("TRSTRESN").cast(pl.Float64, strict=False) if "TRSTRESN" in schema else pl.lit(None, pl.Float64)
    size = pl.coalesce(value, size_from_text(text_column(tr, "TRSTRESC", "TRORRES")))
    tests = measurements()["test"].unique().to_list()
    measured = with_visit_number(tr, "TRDTC").filter(test.is_in(tests))
    return (
        measured.with_columns(size.alias("SIZE"), test.alias("TEST"))
        .group_by(*SUBJECT, "VISITNUM", pl.col("TRLNKID").cast(pl.String), "TEST")
        .agg(
            pl.when(pl.col("SIZE").count() > 0).then(pl.col("SIZE").sum()).alias("SIZE"),
            pl.col("TRSEQ").min(),
            *_date_range(schema, "TRDTC"),
        )
    )


def _date_range(schema: pl.Schema, dtc: str) -> list[pl.Expr]:
    if lo_name(dtc) not in schema:
        return [pl.lit(None, pl.Date).alias("DATE_LO"), pl.lit(None, pl.Date).alias("DATE_HI")]
    return [pl.col(lo_name(dtc)).min().alias("DATE_LO"), pl.col(hi_name(dtc)).min().alias("DATE_HI")]


def target_sizes(catalogue: pl.LazyFrame, sizes: pl.LazyFrame) -> pl.LazyFrame:
    """Per target lesion and visit: the one measurement RECIST reads, by the precedence of recist_measurements.csv.

    A test with a value wins over one without; among those, the lowest precedence that fits the lesion
    (nodal or not, section 3.1.1) wins. Other tests of the same lesion and visit are never added to it.
    """
    targets = catalogue.filter(pl.col("ROLE") == "TARGET").select(
        *SUBJECT, pl.col("TULNKID").alias("TRLNKID"), "NODAL", "IRRADFL", "ORGAN"
    ).unique([*SUBJECT, "TRLNKID"], keep="first")
    kind = pl.when(pl.col("NODAL")).then(pl.lit("nodal")).otherwise(pl.lit("non-nodal"))
    table = measurements().lazy().select(pl.col("test").alias("TEST"), "lesion", "precedence")
    joined = (
        sizes.join(targets, on=[*SUBJECT, "TRLNKID"], how="inner")
        .join(table, on="TEST", how="inner")
        .filter((pl.col("lesion") == "any") | (pl.col("lesion") == kind))
    )
    chosen = joined.sort(pl.col("SIZE").is_null(), "precedence").group_by(
        *SUBJECT, "VISITNUM", "TRLNKID", maintain_order=True
    ).first()
    return chosen.drop("lesion", "precedence")


def measurable_minimum(nodal: pl.Expr) -> pl.Expr:
    """Smallest measurable size at baseline: 15 mm short axis for a node, 10 mm LD otherwise."""
    return pl.when(nodal).then(pl.lit(MEASURABLE_NODE_MM)).otherwise(pl.lit(MEASURABLE_MM))
