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
from audit.derive.recist.lesions import SUBJECT, UNNAMED_READER
from audit.derive.recist.options import RecistOptions
from audit.derive.recist.tables import RECIST_1_1, clean_text, criteria
from audit.derive.registry import DeriveContext, NotApplicable, derivation

KEYS = ["USUBJID", "READER", "VISITNUM"]


def options(ctx: DeriveContext) -> RecistOptions:
    """The RECIST options of this run."""
    return RecistOptions.from_section(ctx.section("recist"))


def _need(ctx: DeriveContext, name: str, *columns: str) -> pl.LazyFrame:
    reason = ctx.study.missing(name, *columns)
    if reason:
        raise NotApplicable(reason)
    return ctx.study.frame(name)


def _evaluated(ctx: DeriveContext, name: str, *columns: str) -> pl.LazyFrame:
    """The dataset with READER, restricted as the options say; NotApplicable when none of its records remain."""
    opts = options(ctx)
    frame = les.with_reader(_need(ctx, name, *columns), name[:2], opts)
    if frame.select(pl.len()).collect().item() == 0:
        who = f"evaluator {opts.evaluator}" if opts.evaluator else "an accepted reader"
        raise NotApplicable(f"{name} has no records of {who}")
    return frame


def _keyed(frame: pl.LazyFrame, dataset: str, key: str) -> pl.LazyFrame:
    front = [pl.lit(dataset).alias("DATASET"), pl.col("USUBJID"), pl.col(key)]
    rest = [c for c in frame.collect_schema().names() if c not in ("DATASET", "USUBJID", key)]
    return frame.select(*front, *rest)


def _tr(ctx: DeriveContext) -> pl.LazyFrame:
    tr = _aligned(ctx, _evaluated(ctx, "TR", "USUBJID", "TRSEQ", "TRLNKID", "TRTESTCD"), "RS")
    return les.with_visit_number(tr, "TRDTC")


def _only_reader(ctx: DeriveContext, name: str) -> pl.LazyFrame:
    """Per subject, the one reader a dataset names, where it names exactly one."""
    if ctx.study.missing(name, "USUBJID"):
        return pl.LazyFrame(schema={"USUBJID": pl.String, "_ONLY": pl.String})
    named = les.with_reader(ctx.study.frame(name), name[:2], options(ctx)).filter(pl.col("READER") != UNNAMED_READER)
    counts = named.group_by("USUBJID").agg(pl.col("READER").unique().alias("_R"))
    return counts.filter(pl.col("_R").list.len() == 1).select("USUBJID", pl.col("_R").list.first().alias("_ONLY"))


def _aligned(ctx: DeriveContext, frame: pl.LazyFrame, other: str) -> pl.LazyFrame:
    """Records naming no reader belong to the one reader the other dataset names for the subject, if one."""
    only = _only_reader(ctx, other)
    joined = frame.join(only, on="USUBJID", how="left", maintain_order="left")
    reader = pl.when(pl.col("READER") == UNNAMED_READER).then(pl.coalesce("_ONLY", "READER")).otherwise("READER")
    return joined.with_columns(reader.alias("READER")).drop("_ONLY")


EMPTY_RS = {"USUBJID": pl.String, "READER": pl.String, "RSSEQ": pl.Int64, "RSTESTCD": pl.String,
            "RESULT": pl.String, "VISITNUM": pl.Float64}


def other_criteria(rs: pl.LazyFrame) -> pl.DataFrame:
    """RS records under criteria other than RECIST 1.1 (RSCAT iRECIST, ...): count per RSCAT as written."""
    if "RSCAT" not in rs.collect_schema():
        return pl.DataFrame(schema={"RSCAT": pl.String, "N": pl.UInt32})
    table = criteria()
    named = clean_text(pl.col("RSCAT"))
    meant = named.replace_strict(table["text"], table["criteria"], default=None, return_dtype=pl.String)
    # A blank RSCAT is read as RECIST 1.1, the criteria this pack audits; a category the table lacks is not.
    other = named.is_not_null() & (named != "") & (meant.is_null() | (meant != RECIST_1_1))
    return rs.filter(other).group_by(pl.col("RSCAT").cast(pl.String)).agg(pl.len().alias("N")).sort("RSCAT").collect()


def _other_criteria_text(others: pl.DataFrame) -> str:
    counts = ", ".join(f"RSCAT {cat}: {n} records" for cat, n in others.iter_rows())
    return f"RS responses under other criteria are not RECIST 1.1 and are not audited as such ({counts})"


def _rs_records(ctx: DeriveContext) -> pl.LazyFrame:
    """RS RECIST 1.1 records; responses under other criteria (RSCAT iRECIST, ...) are left out and noted."""
    if ctx.study.missing("RS", "USUBJID", "RSSEQ", "RSTESTCD"):
        return pl.LazyFrame(schema=EMPTY_RS)
    rs = _aligned(ctx, _evaluated(ctx, "RS", "USUBJID", "RSSEQ", "RSTESTCD"), "TR")
    others = other_criteria(rs)
    if others.height:
        ctx.note(_other_criteria_text(others))
        rs = rs.filter(~pl.col("RSCAT").cast(pl.String).is_in(others["RSCAT"].to_list()).fill_null(False))
    return rep.rs_records(rs)


def no_rs_reason(ctx: DeriveContext, what: str) -> str:
    """Why RS offers nothing to compare: absent, or only responses under other criteria."""
    if not ctx.study.missing("RS", "USUBJID", "RSSEQ", "RSTESTCD"):
        others = other_criteria(les.with_reader(ctx.study.frame("RS"), "RS", options(ctx)))
        if others.height:
            return f"RS has no RECIST 1.1 {what}: {_other_criteria_text(others)}"
    return f"RS has no {what}"


@derivation("recist.lesions")
def lesions(ctx: DeriveContext) -> pl.LazyFrame:
    """One row per identified lesion (TU TUMIDENT): role, organ, nodal, in the radiation field (SUPPTU IRRADFL)."""
    tu = _evaluated(ctx, "TU", "USUBJID", "TUSEQ", "TULNKID")
    if not (ctx.study.has("TU", "TUSTRESC") or ctx.study.has("TU", "TUORRES")):
        raise NotApplicable("TU has no variable TUSTRESC or TUORRES (TARGET / NON-TARGET / NEW)")
    supp_columns = ("USUBJID", "IDVAR", "IDVARVAL", "QNAM", "QVAL")
    supptu = ctx.study.frame("SUPPTU") if ctx.study.has("SUPPTU", *supp_columns) else None
    return _keyed(_for_every_reader(ctx, les.lesion_catalogue(tu, supptu)), "TU", "TUSEQ")


def _for_every_reader(ctx: DeriveContext, catalogue: pl.LazyFrame) -> pl.LazyFrame:
    """A lesion TU identifies without naming a reader is the lesion of every reader who measured it in TR."""
    if ctx.study.missing("TR", "USUBJID", "TRLNKID"):
        return catalogue
    readers = _tr(ctx).select(
        "USUBJID", pl.col("TRLNKID").cast(pl.String).alias("TULNKID"), pl.col("READER").alias("_TR_READER")
    ).unique()
    only = readers.group_by("USUBJID").agg(pl.col("_TR_READER").unique().alias("_R")).filter(
        pl.col("_R").list.len() == 1).select("USUBJID", pl.col("_R").list.first().alias("_ONLY"))
    # Matched by TRLNKID; a lesion TR never measured (a new lesion seen in TU only) goes to the subject's one reader.
    unnamed = catalogue.filter(pl.col("READER") == UNNAMED_READER).join(readers, on=["USUBJID", "TULNKID"], how="left")
    unnamed = unnamed.join(only, on="USUBJID", how="left").with_columns(
        pl.coalesce("_TR_READER", "_ONLY", "READER").alias("READER")).drop("_TR_READER", "_ONLY")
    return pl.concat([catalogue.filter(pl.col("READER") != UNNAMED_READER), unnamed]).sort("USUBJID", "READER", "TUSEQ")


@derivation("recist.target_measurements")
def target_measurements(ctx: DeriveContext) -> pl.LazyFrame:
    """Per reader, target lesion and visit: the one size RECIST reads (TEST names its TRTESTCD), keyed by its TRSEQ."""
    sizes = les.target_sizes(ctx.derived("recist.lesions"), les.lesion_sizes(_tr(ctx)))
    return _keyed(sizes.sort(*KEYS, "TRLNKID"), "TR", "TRSEQ")


def _baseline(ctx: DeriveContext) -> pl.LazyFrame:
    return _tr(ctx).group_by(SUBJECT).agg(pl.col("VISITNUM").min().alias("BASEVISIT"))


@derivation("recist.baseline_lesions")
def baseline_lesions(ctx: DeriveContext) -> pl.LazyFrame:
    """One row per baseline target lesion: size, measurability, order in subject and organ, scan vs first dose."""
    catalogue = ctx.derived("recist.lesions").filter(pl.col("ROLE") == "TARGET").sort("USUBJID", "READER", "TUSEQ")
    sizes = ctx.derived("recist.target_measurements").join(_baseline(ctx), on=SUBJECT)
    base = sizes.filter(pl.col("VISITNUM") == pl.col("BASEVISIT")).select(
        *SUBJECT, pl.col("TRLNKID").alias("TULNKID"), pl.col("SIZE").alias("BASE_SIZE"),
        pl.col("DATE_LO").alias("_TR_LO"), pl.col("DATE_HI").alias("_TR_HI"),
    )
    frame = catalogue.join(base, on=[*SUBJECT, "TULNKID"], how="left", maintain_order="left")
    schema = frame.collect_schema()
    tu_lo = pl.col(lo_name("TUDTC")) if lo_name("TUDTC") in schema else pl.lit(None, pl.Date)
    tu_hi = pl.col(hi_name("TUDTC")) if hi_name("TUDTC") in schema else pl.lit(None, pl.Date)
    frame = frame.with_columns(
        les.measurable_minimum(pl.col("NODAL")).alias("MIN_MEASURABLE"),
        pl.int_range(1, pl.len() + 1).over(SUBJECT).alias("TARGET_ORDER"),
        pl.len().over(SUBJECT).alias("N_TARGETS"),
        pl.int_range(1, pl.len() + 1).over(*SUBJECT, "ORGAN").alias("ORGAN_ORDER"),
        pl.len().over(*SUBJECT, "ORGAN").alias("N_IN_ORGAN"),
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
        *SUBJECT, pl.col("TULNKID").alias("TRLNKID"), "NODAL", "IRRADFL").unique([*SUBJECT, "TRLNKID"])
    non_targets = catalogue.filter(pl.col("ROLE") == "NON-TARGET").select(*SUBJECT, pl.col("TULNKID").alias("TRLNKID"))
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
