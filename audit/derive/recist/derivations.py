"""The registered RECIST derivations ("recist.*"), each a thin wrapper reading the study.

Every frame starts with DATASET, USUBJID and the record key of the source
record (TUSEQ, RSSEQ, TRSEQ or ROW), so a finding pins to that record.
"""

from __future__ import annotations

import polars as pl

from audit.dates import hi_name, lo_name
from audit.derive.contracts import Contract, col, date_bounds
from audit.derive.recist import lesions as les
from audit.derive.recist import reported as rep
from audit.derive.recist import timepoint as tp
from audit.derive.recist.lesions import SUBJECT, UNNAMED_READER
from audit.derive.recist.options import RecistOptions
from audit.derive.recist.tables import RECIST_1_1, clean_text, criteria
from audit.derive.registry import DeriveContext, NotApplicable, derivation

KEYS = ["USUBJID", "READER", "VISITNUM"]

# Declared columns (audit/derive/contracts.py); frames built on one another share them.
R11 = "RECIST 1.1 (Eisenhauer 2009)"
DATASET = col("DATASET", pl.String, "source dataset of the record a finding pins to")
USUBJID = col("USUBJID", pl.String, "unique subject identifier")
READER = col("READER", pl.String, "reader: --EVAL with --EVALID, each derived on its own", "4.4 (one reader's "
             "assessments)")
VISITNUM = col("VISITNUM", pl.Float64, "visit number of the assessment (a second assessment under one number: "
               "+ 0.0001)", "4.4.1 time point")
LESION_COLUMNS = (
    DATASET, USUBJID,
    col("TUSEQ", pl.Int64, "TU record of the lesion's identification"),
    READER,
    col("TULNKID", pl.String, "lesion identifier linking TU and TR"),
    col("ROLE", pl.String, "TARGET, NON-TARGET or NEW (TUSTRESC / TUORRES)", "3.3 baseline documentation"),
    col("TULOC", pl.String, "lesion location as recorded (TULOC)", "3.3"),
    col("ORGAN", pl.String, "organ: TULOC up to its first comma", "3.3 (at most 2 targets per organ)"),
    col("NODAL", pl.Boolean, "the lesion is a lymph node (read by short axis)", "3.1.1; 4.2 lymph nodes"),
    col("IRRADFL", pl.String, "in the radiation field (SUPPTU IRRADFL Y/N); null when not recorded",
        "abscopal response (out-of-field targets)"),
    VISITNUM,
    *date_bounds("TUDTC", "date of the lesion's identification (TUDTC)", optional=True),
)
TUMOUR_READS = {"TU": ("USUBJID", "TUSEQ", "TULNKID", "TUSTRESC", "TUORRES", "TULOC", "TUDTC", "TUEVAL", "TUEVALID",
                       "TUACPTFL", "VISITNUM"),
                "SUPPTU": ("USUBJID", "IDVAR", "IDVARVAL", "QNAM", "QVAL"),
                "TR": ("USUBJID", "TRSEQ", "TRLNKID", "TRTESTCD", "TRSTRESN", "TRSTRESC", "TRDTC", "TREVAL",
                       "TREVALID", "TRACPTFL", "VISITNUM", "VISIT")}
RS_READS = {"RS": ("USUBJID", "RSSEQ", "RSTESTCD", "RSSTRESC", "RSORRES", "RSCAT", "RSDTC", "RSEVAL", "RSEVALID",
                   "RSACPTFL", "VISITNUM", "VISIT")}
DM_START = {"DM": ("USUBJID", "RFSTDTC")}
SUMS = "4.3.1 Evaluation of target lesions"
TIMEPOINT_EVIDENCE = (
    col("TARGET_SUM", pl.Float64, "derived sum of diameters of the measured targets (mm)", "3.3; " + SUMS),
    col("N_TARGETS", pl.Int64, "target lesions identified at baseline", "3.3"),
    col("N_ASSESSED", pl.Int64, "targets measured at this visit", SUMS + " (NE when one is missing)"),
    col("ALL_GONE", pl.Boolean, "every target gone (nodes < 10 mm short axis)", SUMS + " (CR)"),
    col("MAX_NODE", pl.Float64, "largest target lymph node short axis at this visit (mm)", SUMS + " (CR); 4.2"),
    col("BASEVISIT", pl.Float64, "visit number of the baseline assessment", "3.3"),
    col("BASE_SUM", pl.Float64, "baseline sum of diameters (mm)", "3.3"),
    col("NADIR", pl.Float64, "smallest complete sum before this visit, baseline included (mm)", SUMS + " (PD)"),
    col("PCHG_BASE", pl.Float64, "percent change of the sum from baseline", SUMS + " (PR: -30 %)"),
    col("PCHG_NADIR", pl.Float64, "percent change of the sum from the nadir", SUMS + " (PD: +20 %)"),
    col("CHG_NADIR", pl.Float64, "change of the sum from the nadir (mm)", SUMS + " (PD: +5 mm)"),
    col("CHANGE_OVER_NADIR", pl.String, "the change over the nadir in words (+10 %, +4 mm)", SUMS + " (PD)"),
    col("TRGRESP_DER", pl.String, "derived target response", SUMS),
    col("NTRGRESP_DER", pl.String, "derived non-target response", "4.3.2 Evaluation of non-target lesions"),
    col("NEWLIND_DER", pl.String, "new lesion at this visit per TU/TR (Y/N)", "4.3.3 New lesions"),
)
OVERALL_DER = col("OVRLRESP_DER", pl.String, "derived overall time-point response (Table 1 / 2)",
                  "4.4.1 Tables 1 and 2")
VISIT_DATES = (
    col("VISIT", pl.String, "visit name"),
    col("ADT", pl.Date, "assessment date: earliest scan of the visit", "4.4.1"),
    col("FIRST_DATE_HI", pl.Date, "latest day the visit's earliest record can mean", "dates.md"),
    col("LAST_DATE_LO", pl.Date, "earliest day the visit's latest record can mean", "dates.md"),
    col("ASSESSMENT", pl.Int32, "assessment number under one visit number (> 1: records > 28 days apart)",
        "4.4.2 confirmation interval"),
)
REPORTED_TIMEPOINT = (
    col("TRGRESP", pl.String, "reported target response (RS TRGRESP)", SUMS),
    col("TRGRESP_RSSEQ", pl.Int64, "RS record of the reported target response"),
    col("NTRGRESP", pl.String, "reported non-target response (RS NTRGRESP)", "4.3.2"),
    col("NTRGRESP_RSSEQ", pl.Int64, "RS record of the reported non-target response"),
    col("NEWLIND", pl.String, "reported new lesion (RS NEWLIND, else NEWLPROG UNEQUIVOCAL as Y)", "4.3.3"),
    col("NEWLIND_RSSEQ", pl.Int64, "RS record of NEWLIND"),
    col("NEWLPROG_RSSEQ", pl.Int64, "RS record of NEWLPROG"),
    col("OVRLRESP", pl.String, "reported overall response (RS OVRLRESP)", "4.4.1"),
    col("OVRLRESP_RSSEQ", pl.Int64, "RS record of the reported overall response"),
    col("SUMDIAM", pl.Float64, "reported sum of diameters (TR SUMDIAM, mm)", "3.3"),
    col("SUMDIAM_TRSEQ", pl.Int64, "TR record of the reported SUMDIAM"),
    col("OUT_OF_ORDER", pl.Boolean, "this visit is dated before an earlier-numbered visit", "4.3.1 nadir; 4.4.2"),
)


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


@derivation("recist.lesions", contract=Contract(
    LESION_COLUMNS, key="TUSEQ", reads={k: v for k, v in TUMOUR_READS.items() if k != "TR"} | {
        "TR": ("USUBJID", "TRLNKID", "TREVAL", "TREVALID", "TRACPTFL")},
    options=RecistOptions, section=f"{R11} 3.3 Baseline documentation of target and non-target lesions"))
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


@derivation("recist.target_measurements", contract=Contract((
    DATASET, USUBJID,
    col("TRSEQ", pl.Int64, "TR record of the size read"),
    READER, VISITNUM,
    col("TRLNKID", pl.String, "target lesion identifier"),
    col("TEST", pl.String, "TRTESTCD the size is read from (audit/data/recist_measurements.csv)", "4.2"),
    col("SIZE", pl.Float64, "the one size RECIST reads: LD of a non-nodal target, short axis of a node (mm)",
        "3.1.1; 4.2 measurement conventions"),
    col("DATE_LO", pl.Date, "earliest day the measurement can mean", "dates.md"),
    col("DATE_HI", pl.Date, "latest day the measurement can mean", "dates.md"),
    col("NODAL", pl.Boolean, "the target is a lymph node", "4.2 lymph nodes"),
    col("IRRADFL", pl.String, "in the radiation field (SUPPTU IRRADFL)"),
    col("ORGAN", pl.String, "organ of the target"),
), key="TRSEQ", reads=TUMOUR_READS, derived_from=("recist.lesions",), options=RecistOptions,
    section=f"{R11} 4.2 Measurement conventions"))
def target_measurements(ctx: DeriveContext) -> pl.LazyFrame:
    """Per reader, target lesion and visit: the one size RECIST reads (TEST names its TRTESTCD), keyed by its TRSEQ."""
    sizes = les.target_sizes(ctx.derived("recist.lesions"), les.lesion_sizes(_tr(ctx)))
    return _keyed(sizes.sort(*KEYS, "TRLNKID"), "TR", "TRSEQ")


def _baseline(ctx: DeriveContext) -> pl.LazyFrame:
    return _tr(ctx).group_by(SUBJECT).agg(pl.col("VISITNUM").min().alias("BASEVISIT"))


@derivation("recist.baseline_lesions", contract=Contract((
    *LESION_COLUMNS,
    col("BASE_SIZE", pl.Float64, "size at the baseline assessment (mm)", "3.3"),
    col("MIN_MEASURABLE", pl.Float64, "smallest measurable size: 10 mm LD, 15 mm short axis for a node",
        "3.1.1 Measurable disease"),
    col("TARGET_ORDER", pl.Int64, "order of the target among the subject's targets (by TUSEQ)", "3.3"),
    col("N_TARGETS", pl.UInt32, "target lesions of the subject and reader", "3.3 (at most 5)"),
    col("ORGAN_ORDER", pl.Int64, "order of the target among the targets of its organ", "3.3"),
    col("N_IN_ORGAN", pl.UInt32, "target lesions in the same organ", "3.3 (at most 2 per organ)"),
    col("SCAN_LO", pl.Date, "earliest day of the lesion's baseline scan (TU identification or TR measurement)",
        "3.2"),
    col("SCAN_HI", pl.Date, "latest day of the lesion's baseline scan", "3.2"),
    col("MEASURABLE", pl.Boolean, "baseline size at least MIN_MEASURABLE", "3.1.1 Measurable disease"),
    col("RFSTDTC", pl.String, "first dose (DM RFSTDTC)", "3.2 baseline within 4 weeks"),
    col("DAYS_BEFORE_DOSE", pl.Int64, "days the scan certainly lies before first dose", "3.2 (at most 28)"),
), key="TUSEQ", reads=TUMOUR_READS | DM_START, derived_from=("recist.lesions", "recist.target_measurements"),
    options=RecistOptions, section=f"{R11} 3.3 Baseline documentation of target and non-target lesions"))
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


@derivation("recist.timepoint", contract=Contract((
    DATASET, USUBJID,
    col("RSSEQ", pl.Int64, "RS record of the visit's overall response (OVRLRESP_RSSEQ)"),
    READER, VISITNUM, *TIMEPOINT_EVIDENCE, OVERALL_DER, *VISIT_DATES, *REPORTED_TIMEPOINT,
), key="RSSEQ", reads=TUMOUR_READS | RS_READS, derived_from=("recist.lesions", "recist.target_measurements"),
    options=RecistOptions, section=f"{R11} 4.4.1 Time point response"))
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
