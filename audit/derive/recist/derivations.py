"""The registered RECIST derivations ("recist.*"), each a thin wrapper reading the study.

Every frame starts with DATASET, USUBJID and the record key of the source
record (TUSEQ, RSSEQ, TRSEQ or ROW), so a finding pins to that record.
"""

from __future__ import annotations

import polars as pl

from audit.dates import hi_name, lo_name
from audit.derive.recist import lesions as les
from audit.derive.recist import reported as rep
from audit.derive.recist import timepoint as tp
from audit.derive.recist.options import RecistOptions
from audit.derive.registry import DeriveContext, NotApplicable, derivation

KEYS = ["USUBJID", "VISITNUM"]


def options(ctx: DeriveContext) -> RecistOptions:
    """The RECIST options of this run."""
    return RecistOptions.from_section(ctx.section("recist"))


def _need(ctx: DeriveContext, name: str, *columns: str) -> pl.LazyFrame:
    reason = ctx.study.missing(name, *columns)
    if reason:
        raise NotApplicable(reason)
    return ctx.study.frame(name)


def _evaluated(ctx: DeriveContext, name: str, *columns: str) -> pl.LazyFrame:
    """The dataset restricted to the configured evaluator; NotApplicable when none of its records remain."""
    evaluator = options(ctx).evaluator
    frame = les.by_evaluator(_need(ctx, name, *columns), f"{name[:2]}EVAL", evaluator)
    if frame.select(pl.len()).collect().item() == 0:
        raise NotApplicable(f"{name} has no records of evaluator {evaluator}")
    return frame


def _keyed(frame: pl.LazyFrame, dataset: str, key: str) -> pl.LazyFrame:
    front = [pl.lit(dataset).alias("DATASET"), pl.col("USUBJID"), pl.col(key)]
    rest = [c for c in frame.collect_schema().names() if c not in ("DATASET", "USUBJID", key)]
    return frame.select(*front, *rest)


def _tr(ctx: DeriveContext) -> pl.LazyFrame:
    return les.with_visit_number(_evaluated(ctx, "TR", "USUBJID", "TRSEQ", "TRLNKID", "TRTESTCD"), "TRDTC")


def _rs_records(ctx: DeriveContext) -> pl.LazyFrame:
    if ctx.study.missing("RS", "USUBJID", "RSSEQ", "RSTESTCD"):
        return pl.LazyFrame(schema={"USUBJID": pl.String, "RSSEQ": pl.Int64, "RSTESTCD": pl.String,
                                    "RESULT": pl.String, "VISITNUM": pl.Float64})
    return rep.rs_records(_evaluated(ctx, "RS", "USUBJID", "RSSEQ", "RSTESTCD"))


@derivation("recist.lesions")
def lesions(ctx: DeriveContext) -> pl.LazyFrame:
    """One row per identified lesion (TU TUMIDENT): role, organ, nodal, in the radiation field (SUPPTU IRRADFL)."""
    tu = _evaluated(ctx, "TU", "USUBJID", "TUSEQ", "TULNKID")
    if not (ctx.study.has("TU", "TUSTRESC") or ctx.study.has("TU", "TUORRES")):
        raise NotApplicable("TU has no variable TUSTRESC or TUORRES (TARGET / NON-TARGET / NEW)")
    supp_columns = ("USUBJID", "IDVAR", "IDVARVAL", "QNAM", "QVAL")
    supptu = ctx.study.frame("SUPPTU") if ctx.study.has("SUPPTU", *supp_columns) else None
    return _keyed(les.lesion_catalogue(tu, supptu), "TU", "TUSEQ")


@derivation("recist.target_measurements")
def target_measurements(ctx: DeriveContext) -> pl.LazyFrame:
    """Per target lesion and visit: LD, SA and the size RECIST reads (SA for nodes), keyed by the first TRSEQ."""
    sizes = les.target_sizes(ctx.derived("recist.lesions"), les.lesion_sizes(_tr(ctx)))
    return _keyed(sizes.sort("USUBJID", "VISITNUM", "TRLNKID"), "TR", "TRSEQ")


def _baseline(ctx: DeriveContext) -> pl.LazyFrame:
    return _tr(ctx).group_by("USUBJID").agg(pl.col("VISITNUM").min().alias("BASEVISIT"))


@derivation("recist.baseline_lesions")
def baseline_lesions(ctx: DeriveContext) -> pl.LazyFrame:
    """One row per baseline target lesion: size, measurability, order in subject and organ, scan vs first dose."""
    catalogue = ctx.derived("recist.lesions").filter(pl.col("ROLE") == "TARGET").sort("USUBJID", "TUSEQ")
    sizes = ctx.derived("recist.target_measurements").join(_baseline(ctx), on="USUBJID")
    base = sizes.filter(pl.col("VISITNUM") == pl.col("BASEVISIT")).select(
        "USUBJID", pl.col("TRLNKID").alias("TULNKID"), pl.col("SIZE").alias("BASE_SIZE"),
        pl.col("DATE_LO").alias("_TR_LO"), pl.col("DATE_HI").alias("_TR_HI"),
    )
    frame = catalogue.join(base, on=["USUBJID", "TULNKID"], how="left", maintain_order="left")
    schema = frame.collect_schema()
    tu_lo = pl.col(lo_name("TUDTC")) if lo_name("TUDTC") in schema else pl.lit(None, pl.Date)
    tu_hi = pl.col(hi_name("TUDTC")) if hi_name("TUDTC") in schema else pl.lit(None, pl.Date)
    frame = frame.with_columns(
        les.measurable_minimum(pl.col("NODAL")).alias("MIN_MEASURABLE"),
        pl.int_range(1, pl.len() + 1).over("USUBJID").alias("TARGET_ORDER"),
        pl.len().over("USUBJID").alias("N_TARGETS"),
        pl.int_range(1, pl.len() + 1).over("USUBJID", "ORGAN").alias("ORGAN_ORDER"),
        pl.len().over("USUBJID", "ORGAN").alias("N_IN_ORGAN"),
        # The lesion's scan: the earliest of its identification and baseline measurement.
        pl.min_horizontal(tu_lo, "_TR_LO").alias("SCAN_LO"),
        pl.min_horizontal(tu_hi, "_TR_HI").alias("SCAN_HI"),
    ).with_columns((pl.col("BASE_SIZE") >= pl.col("MIN_MEASURABLE")).alias("MEASURABLE"))
    return _keyed(_with_first_dose(ctx, frame).drop("_TR_LO", "_TR_HI"), "TU", "TUSEQ")


def _starts(ctx: DeriveContext) -> pl.LazyFrame | None:
    """First-dose date per subject (DM RFSTDTC, earliest date it can mean)."""
    if not ctx.study.has("DM", "USUBJID", "RFSTDTC"):
        return None
    dm = ctx.study.frame("DM")
    return dm.select("USUBJID", "RFSTDTC", pl.col(lo_name("RFSTDTC")).alias("STARTDT"),
                     pl.col(hi_name("RFSTDTC")).alias("_START_HI")).unique("USUBJID", keep="first")


def _with_first_dose(ctx: DeriveContext, frame: pl.LazyFrame) -> pl.LazyFrame:
    starts = _starts(ctx)
    if starts is None:
        unknown = [pl.lit(None, pl.String).alias("RFSTDTC"), pl.lit(None, pl.Int64).alias("DAYS_BEFORE_DOSE")]
        return frame.with_columns(unknown)
    # Certainly this many days before first dose: the latest the scan can be vs the earliest the dose can be.
    days = (pl.col("STARTDT") - pl.col("SCAN_HI")).dt.total_days()
    return frame.join(starts, on="USUBJID", how="left", maintain_order="left").with_columns(
        days.alias("DAYS_BEFORE_DOSE")
    ).drop("STARTDT", "_START_HI")


def _visits(ctx: DeriveContext) -> pl.LazyFrame:
    return rep.visit_dates(_tr(ctx), _rs_records(ctx))


def _derived_timepoints(ctx: DeriveContext, irradiated: str | None) -> pl.LazyFrame:
    """Derived per-visit responses; `irradiated` "N" restricts targets to out-of-field lesions."""
    catalogue = ctx.derived("recist.lesions")
    tr = _tr(ctx)
    targets = catalogue.filter(pl.col("ROLE") == "TARGET").select(
        "USUBJID", pl.col("TULNKID").alias("TRLNKID"), "NODAL", "IRRADFL").unique(["USUBJID", "TRLNKID"])
    non_targets = catalogue.filter(pl.col("ROLE") == "NON-TARGET").select("USUBJID", pl.col("TULNKID").alias("TRLNKID"))
    if irradiated is not None:
        targets = targets.filter(pl.col("IRRADFL") == irradiated)
        # Out-of-field response reads target lesions only; non-target lesions are not judged (no NONE clash).
        non_targets = non_targets.filter(pl.lit(False))
    sizes = ctx.derived("recist.target_measurements")
    states = tp.tumour_states(tr)
    new = tp.new_lesion_visits(catalogue, states)
    visits = _visits(ctx)
    derived = tp.derived_timepoints(visits, _baseline(ctx), targets, sizes, non_targets, states, new)
    return derived.join(visits, on=KEYS, how="left")


@derivation("recist.timepoint")
def timepoint(ctx: DeriveContext) -> pl.LazyFrame:
    """One row per subject and visit: derived sums and responses beside reported SUMDIAM and RS responses."""
    derived = _derived_timepoints(ctx, None)
    reported = rep.reported_timepoints(_rs_records(ctx))
    sums = rep.reported_sums(_tr(ctx)).sort("TRSEQ").unique(KEYS, keep="first").select(
        *KEYS, "SUMDIAM", pl.col("TRSEQ").alias("SUMDIAM_TRSEQ"))
    frame = (
        derived.join(reported, on=KEYS, how="full", coalesce=True)
        .join(sums, on=KEYS, how="left")
        .sort(KEYS)
        .with_columns(rep.out_of_order().alias("OUT_OF_ORDER"))
    )
    # The record key is the overall response's RSSEQ: findings about a visit point at that record.
    frame = frame.with_columns(pl.col("OVRLRESP_RSSEQ").alias("RSSEQ"))
    return _keyed(frame, "RS", "RSSEQ")
