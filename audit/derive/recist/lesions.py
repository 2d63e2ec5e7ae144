"""Lesions and their measurements: the target and non-target catalogue (TU, SUPPTU) and sizes per visit (TR).

RECIST 1.1 sections 3.1-3.3 and 4.2: a target's size is its longest diameter,
a lymph node's its short axis; a lesion too small to measure counts 5 mm, one
that disappeared 0 mm; fragments of a split lesion are added.
"""

from __future__ import annotations

import polars as pl

from audit.dates import hi_name, lo_name
from audit.derive.recist.tables import clean_text, coded, size_from_text

LONG_DIAMETER = ("LDIAM", "DIAMETER", "LONGDIAM")
SHORT_AXIS = ("SAXIS", "SHORTAX")
NODE_LOCATION = "LYMPH NODE"
MEASURABLE_MM = 10.0  # non-nodal LD on CT (section 3.1.1)
MEASURABLE_NODE_MM = 15.0  # nodal short axis (section 3.1.1)
ROW = "_ROW"


def by_evaluator(frame: pl.LazyFrame, column: str, evaluator: str) -> pl.LazyFrame:
    """Only the chosen evaluator's records (and those that name none)."""
    if column not in frame.collect_schema():
        return frame
    named = clean_text(pl.col(column))
    return frame.filter(named.is_null() | (named == evaluator))


def with_visit_number(frame: pl.LazyFrame, dtc: str) -> pl.LazyFrame:
    """VISITNUM as a number; without one, visits are numbered by date within the subject."""
    schema = frame.collect_schema()
    if "VISITNUM" in schema:
        return frame.with_columns(pl.col("VISITNUM").cast(pl.Float64, strict=False))
    if lo_name(dtc) not in schema:
        return frame.with_columns(pl.lit(None, pl.Float64).alias("VISITNUM"))
    rank = pl.col(lo_name(dtc)).rank("dense").over("USUBJID").cast(pl.Float64)
    return frame.with_columns(rank.alias("VISITNUM"))


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
    """Per subject, visit and lesion: long diameter and short axis (mm), fragments added, and the visit date."""
    schema = tr.collect_schema()
    test = clean_text(pl.col("TRTESTCD"))
    value = pl.col("TRSTRESN").cast(pl.Float64, strict=False) if "TRSTRESN" in schema else pl.lit(None, pl.Float64)
    size = pl.coalesce(value, size_from_text(text_column(tr, "TRSTRESC", "TRORRES")))
    measured = with_visit_number(tr, "TRDTC").filter(test.is_in([*LONG_DIAMETER, *SHORT_AXIS]))
    return (
        measured.with_columns(size.alias("SIZE"), test.is_in(SHORT_AXIS).alias("_SA"))
        .group_by("USUBJID", "VISITNUM", pl.col("TRLNKID").cast(pl.String))
        .agg(
            pl.col("SIZE").filter(~pl.col("_SA")).sum().alias("LD"),
            pl.col("SIZE").filter(~pl.col("_SA")).count().alias("_NLD"),
            pl.col("SIZE").filter(pl.col("_SA")).sum().alias("SA"),
            pl.col("SIZE").filter(pl.col("_SA")).count().alias("_NSA"),
            pl.col("TRSEQ").min(),
            *_date_range(schema, "TRDTC"),
        )
        .with_columns(
            pl.when(pl.col("_NLD") > 0).then("LD").alias("LD"),
            pl.when(pl.col("_NSA") > 0).then("SA").alias("SA"),
        )
        .drop("_NLD", "_NSA")
    )


def _date_range(schema: pl.Schema, dtc: str) -> list[pl.Expr]:
    if lo_name(dtc) not in schema:
        return [pl.lit(None, pl.Date).alias("DATE_LO"), pl.lit(None, pl.Date).alias("DATE_HI")]
    return [pl.col(lo_name(dtc)).min().alias("DATE_LO"), pl.col(hi_name(dtc)).min().alias("DATE_HI")]


def target_sizes(catalogue: pl.LazyFrame, sizes: pl.LazyFrame) -> pl.LazyFrame:
    """Every measurement of a target lesion with the size RECIST reads: SA for a node, LD otherwise."""
    targets = catalogue.filter(pl.col("ROLE") == "TARGET").select(
        "USUBJID", pl.col("TULNKID").alias("TRLNKID"), "NODAL", "IRRADFL", "ORGAN"
    ).unique(["USUBJID", "TRLNKID"], keep="first")
    joined = sizes.join(targets, on=["USUBJID", "TRLNKID"], how="inner")
    size = pl.when(pl.col("NODAL")).then(pl.coalesce("SA", "LD")).otherwise(pl.coalesce("LD", "SA"))
    return joined.with_columns(size.alias("SIZE"))


def baseline_visits(sizes: pl.LazyFrame) -> pl.LazyFrame:
    """The baseline assessment of each subject: its first visit with target measurements."""
    return sizes.group_by("USUBJID").agg(pl.col("VISITNUM").min().alias("BASEVISIT"))


def measurable_minimum(nodal: pl.Expr) -> pl.Expr:
    """Smallest measurable size at baseline: 15 mm short axis for a node, 10 mm LD otherwise."""
    return pl.when(nodal).then(pl.lit(MEASURABLE_NODE_MM)).otherwise(pl.lit(MEASURABLE_MM))
