"""Derived frames pinned to reported records: RS responses, TR sums, best responses (RS, ADRS), abscopal."""

from __future__ import annotations

import polars as pl

from audit.derive.contracts import Contract, col, date_bounds
from audit.derive.recist import bor as best
from audit.derive.recist import reported as rep
from audit.derive.recist.derivations import (
    DATASET,
    DM_START,
    KEYS,
    OVERALL_DER,
    R11,
    READER,
    REPORTED_TIMEPOINT,
    RS_READS,
    TIMEPOINT_EVIDENCE,
    TUMOUR_READS,
    USUBJID,
    VISIT_DATES,
    VISITNUM,
    _derived_timepoints,
    _keyed,
    _need,
    _rs_records,
    _starts,
    no_rs_reason,
    options,
)
from audit.derive.recist.lesions import SUBJECT
from audit.derive.recist.options import RecistOptions
from audit.derive.registry import DeriveContext, NotApplicable, derivation

DERIVED_OF = {"TRGRESP": "TRGRESP_DER", "NTRGRESP": "NTRGRESP_DER", "NEWLIND": "NEWLIND_DER",
              "OVRLRESP": "OVRLRESP_DER"}
RESPONDED = ("CR", "PR")
CONTROLLED = ("CR", "PR", "SD", "NON-CR/NON-PD")


def _first_visit_with(result: str, alias: str) -> pl.Expr:
    reported = pl.col("VISITNUM").filter(pl.col("OVRLRESP") == result)
    return reported.min().over(SUBJECT).alias(alias)


BOR_SECTION = "4.4.2 Best overall response, Table 3"


def _best_columns(prefix: str, what: str) -> tuple:
    return (
        col(f"{prefix}_CONFIRMED", pl.String, f"{what} with CR/PR confirmed (recist.confirmation_days later)",
            BOR_SECTION),
        col(f"{prefix}DT_CONFIRMED", pl.Date, f"date of the confirmed {what}", BOR_SECTION),
        col(f"{prefix}_UNCONFIRMED", pl.String, f"{what} without confirmation (best time-point response)",
            BOR_SECTION),
        col(f"{prefix}DT_UNCONFIRMED", pl.Date, f"date of the unconfirmed {what}", BOR_SECTION),
        col(prefix, pl.String, f"{what} the options select (recist.confirm: confirmed, else unconfirmed)",
            BOR_SECTION),
    )


@derivation("recist.responses", contract=Contract((
    DATASET, USUBJID,
    col("RSSEQ", pl.Int64, "the RS time-point record"),
    READER,
    col("RSTESTCD", pl.String, "RS test: TRGRESP, NTRGRESP, NEWLIND, NEWLPROG or OVRLRESP", "4.4.1"),
    col("RESULT", pl.String, "reported result, coded through audit/data/recist_terms.csv (CR, PR, SD, PD, NE, "
        "NON-CR/NON-PD; Y/N)", "4.3; 4.4.1"),
    VISITNUM,
    col("VISIT", pl.String, "visit name of the RS record"),
    *date_bounds("RSDTC", "date of the RS record", optional=True),
    *TIMEPOINT_EVIDENCE, OVERALL_DER,
    *VISIT_DATES[1:], *REPORTED_TIMEPOINT,
    col("FIRST_PD_VISIT", pl.Float64, "first visit with a reported overall PD", "4.4.2"),
    col("PRIOR_CR", pl.Boolean, "an earlier visit reported overall CR", "4.4.2 Table 3 footnote (CR then PR)"),
    col("TARGET_PD", pl.Boolean, "the measured targets prove PD (>= 20 % and >= 5 mm over the nadir)",
        "4.3.1 (PD)"),
    col("ALL_ASSESSED", pl.Boolean, "every target was measured at this visit", "4.3.1 (NE)"),
    col("NEW_LESION", pl.Boolean, "a new lesion at this visit, reported (RS) or found in TU/TR", "4.3.3"),
    col("AFTER_PD", pl.Boolean, "the visit lies after the first reported overall PD", "4.4.2"),
    col("DERIVED", pl.String, "the derived counterpart of RESULT for this RSTESTCD (null where NONE)",
        "4.3.1; 4.3.2; 4.3.3; 4.4.1"),
), key="RSSEQ", reads=TUMOUR_READS | RS_READS, derived_from=("recist.timepoint",), options=RecistOptions,
    section=f"{R11} 4.4.1 Time point response"))
def responses(ctx: DeriveContext) -> pl.LazyFrame:
    """One row per reported RS time-point record with the response derived for it and the visit's evidence."""
    records = _rs_records(ctx).filter(pl.col("RSTESTCD").is_in(rep.TIMEPOINT_TESTS))
    if records.select(pl.len()).collect().item() == 0:
        raise NotApplicable(no_rs_reason(ctx, "time-point responses (TRGRESP, NTRGRESP, NEWLIND, NEWLPROG, OVRLRESP)"))
    # The RS record keeps its own VISIT; the visit's name on the time-point side would only come back as a copy.
    visits = ctx.derived("recist.timepoint").drop("DATASET", "RSSEQ", "VISIT", strict=False).with_columns(
        _first_visit_with("PD", "FIRST_PD_VISIT"),
        (pl.col("OVRLRESP") == "CR").cast(pl.Int32).cum_sum().shift(1).fill_null(0)
        .over(SUBJECT, order_by="VISITNUM").gt(0).alias("PRIOR_CR"),
        (pl.col("TRGRESP_DER") == "PD").alias("TARGET_PD"),
        (pl.col("N_ASSESSED") == pl.col("N_TARGETS")).alias("ALL_ASSESSED"),
        ((pl.col("NEWLIND") == "Y") | (pl.col("NEWLIND_DER") == "Y")).alias("NEW_LESION"),
    ).with_columns((pl.col("VISITNUM") > pl.col("FIRST_PD_VISIT")).fill_null(False).alias("AFTER_PD"))
    derived = pl.coalesce(*[pl.when(pl.col("RSTESTCD") == t).then(pl.col(c)) for t, c in DERIVED_OF.items()])
    frame = records.join(visits, on=KEYS, how="left").with_columns(
        # NONE (no lesion of that kind at baseline) has no reported counterpart to compare with.
        derived.replace("NONE", None).alias("DERIVED")
    )
    return _keyed(frame.sort("USUBJID", "READER", "RSSEQ"), "RS", "RSSEQ")


@derivation("recist.sums", contract=Contract((
    DATASET, USUBJID,
    col("TRSEQ", pl.Int64, "the TR SUMDIAM record"),
    READER, VISITNUM,
    col("SUMDIAM", pl.Float64, "reported sum of diameters (TR SUMDIAM, mm)", "3.3"),
    col("DERIVED_SUM", pl.Float64, "recomputed sum of the one size per target, when every target was measured (mm)",
        "3.3; 4.2"),
    col("N_TARGETS", pl.Int64, "target lesions identified at baseline", "3.3"),
    col("N_ASSESSED", pl.Int64, "targets measured at this visit", "4.3.1"),
), key="TRSEQ", reads=TUMOUR_READS | RS_READS, derived_from=("recist.timepoint",), options=RecistOptions,
    section=f"{R11} 3.3 baseline sum of diameters; 4.2 measurement conventions"))
def sums(ctx: DeriveContext) -> pl.LazyFrame:
    """One row per TR SUMDIAM record with the recomputed sum (when every target was measured)."""
    from audit.derive.recist.derivations import _tr

    reported = rep.reported_sums(_tr(ctx))
    derived = ctx.derived("recist.timepoint").select(
        *KEYS,
        pl.when(pl.col("N_ASSESSED") == pl.col("N_TARGETS")).then("TARGET_SUM").alias("DERIVED_SUM"),
        "N_TARGETS", "N_ASSESSED",
    )
    return _keyed(reported.join(derived, on=KEYS, how="left").sort("USUBJID", "READER", "TRSEQ"), "TR", "TRSEQ")


def _subjects(ctx: DeriveContext, timepoints: pl.LazyFrame) -> pl.LazyFrame:
    """Every (subject, reader) pair BOR is given for: each DM subject under each reader of the snapshot."""
    readers = timepoints.select("READER").unique()
    if ctx.study.has("DM", "USUBJID"):
        return ctx.study.frame("DM").select("USUBJID").unique().join(readers, how="cross")
    return ctx.derived("recist.lesions").select(SUBJECT).unique()


def _start_dates(ctx: DeriveContext, timepoints: pl.LazyFrame) -> pl.LazyFrame:
    """First dose (DM RFSTDTC); without DM, the baseline scan stands in for the SD minimum."""
    starts = _starts(ctx)
    if starts is not None:
        return starts.select("USUBJID", "STARTDT")
    return timepoints.group_by("USUBJID").agg(pl.col("ADT").min().alias("STARTDT"))


def _best(ctx: DeriveContext, timepoints: pl.LazyFrame, response: str, prefix: str) -> pl.LazyFrame:
    """Confirmed and unconfirmed best response per subject, and the one the options select."""
    opts = options(ctx)
    points = timepoints.select(*SUBJECT, "VISITNUM", "ADT", pl.col(response).alias("RESP"))
    starts, subjects = _start_dates(ctx, timepoints), _subjects(ctx, timepoints)
    confirmed = best.best_overall_response(points, starts, subjects, opts, confirm=True)
    unconfirmed = best.best_overall_response(points, starts, subjects, opts, confirm=False)
    return confirmed.rename({"BOR": f"{prefix}_CONFIRMED", "BORDT": f"{prefix}DT_CONFIRMED"}).join(
        unconfirmed.rename({"BOR": f"{prefix}_UNCONFIRMED", "BORDT": f"{prefix}DT_UNCONFIRMED"}), on=SUBJECT
    ).with_columns(pl.col(f"{prefix}_CONFIRMED" if opts.confirm else f"{prefix}_UNCONFIRMED").alias(prefix))


@derivation("recist.bor", contract=Contract((
    DATASET, USUBJID,
    col("RSSEQ", pl.Int64, "RS record of the reported BESTRSP (null when none)"),
    READER, *_best_columns("BOR", "derived best overall response"),
    col("BESTRSP", pl.String, "reported best overall response (RS BESTRSP)", BOR_SECTION),
    col("ADRS_BOR", pl.String, "reported best overall response of ADRS (PARAMCD BOR AVALC)", BOR_SECTION,
        optional=True),
), key="RSSEQ", reads=TUMOUR_READS | RS_READS | DM_START | {"ADRS": ("USUBJID", "PARAMCD", "AVALC")},
    derived_from=("recist.timepoint",), options=RecistOptions, section=f"{R11} {BOR_SECTION}"))
def bor(ctx: DeriveContext) -> pl.LazyFrame:
    """Per subject: reported BESTRSP (RS, with RSSEQ) and ADRS BOR beside the derived confirmed/unconfirmed BOR."""
    derived = _best(ctx, ctx.derived("recist.timepoint"), "OVRLRESP_DER", "BOR")
    reported = (
        _rs_records(ctx).filter(pl.col("RSTESTCD") == "BESTRSP").sort("RSSEQ").unique(SUBJECT, keep="first")
        .select(*SUBJECT, "RSSEQ", pl.col("RESULT").alias("BESTRSP"))
    )
    frame = derived.join(reported, on=SUBJECT, how="left")
    if ctx.study.has("ADRS", "USUBJID", "PARAMCD", "AVALC"):
        adrs = rep.adrs_best(ctx.study.frame("ADRS")).filter(pl.col("PARAMCD") == "BOR")
        frame = frame.join(adrs.select("USUBJID", pl.col("AVALC").alias("ADRS_BOR")).unique("USUBJID", keep="first"),
                           on="USUBJID", how="left")
    return _keyed(frame.sort(SUBJECT), "RS", "RSSEQ")


@derivation("recist.abscopal_timepoint", contract=Contract((
    USUBJID, READER, VISITNUM,
    col("ABSSUM", pl.Float64, "sum of diameters of the out-of-field targets (SUPPTU IRRADFL N, mm)"),
    *(c for c in TIMEPOINT_EVIDENCE if c.name != "TARGET_SUM"),
    col("ABSRESP", pl.String, "out-of-field overall time-point response (a new lesion is PD)", "4.4.1"),
    *VISIT_DATES,
), key="ROW", reads=TUMOUR_READS | RS_READS, derived_from=("recist.lesions", "recist.target_measurements"),
    options=RecistOptions, section=f"{R11} 4.3.1 applied to out-of-field targets (abscopal response)"))
def abscopal_timepoint(ctx: DeriveContext) -> pl.LazyFrame:
    """Per subject and visit: the RECIST arithmetic on out-of-field targets (SUPPTU IRRADFL N); a new lesion is PD."""
    frame = _derived_timepoints(ctx, "N")
    return frame.rename({"OVRLRESP_DER": "ABSRESP", "TARGET_SUM": "ABSSUM"}).sort(KEYS)


@derivation("recist.abscopal", contract=Contract((
    DATASET, USUBJID, READER, *_best_columns("ABSBOR", "out-of-field best response"),
    col("N_OUT_OF_FIELD", pl.Int64, "target lesions outside the radiation field"),
    col("ABS_RESPONSE", pl.Boolean, "abscopal response: out-of-field best response CR or PR", BOR_SECTION),
    col("ABS_CONTROL", pl.Boolean, "out-of-field control: best response CR, PR or SD", BOR_SECTION),
), key="ROW", reads=TUMOUR_READS | RS_READS | DM_START, derived_from=("recist.lesions", "recist.abscopal_timepoint"),
    options=RecistOptions, section=f"{R11} {BOR_SECTION} applied to out-of-field targets"))
def abscopal(ctx: DeriveContext) -> pl.LazyFrame:
    """Per subject: out-of-field best response (ABSBOR), abscopal response (CR/PR) and control (CR/PR/SD)."""
    catalogue = ctx.derived("recist.lesions")
    if catalogue.filter(pl.col("IRRADFL").is_not_null()).select(pl.len()).collect().item() == 0:
        raise NotApplicable("no lesion has SUPPTU QNAM IRRADFL (in radiation field Y/N)")
    points = ctx.derived("recist.abscopal_timepoint")
    out_of_field = catalogue.filter((pl.col("ROLE") == "TARGET") & (pl.col("IRRADFL") == "N"))
    counts = out_of_field.group_by(SUBJECT).agg(pl.len().cast(pl.Int64).alias("N_OUT_OF_FIELD"))
    frame = _best(ctx, points, "ABSRESP", "ABSBOR").join(counts, on=SUBJECT, how="left").with_columns(
        pl.col("N_OUT_OF_FIELD").fill_null(0),
        pl.col("ABSBOR").is_in(RESPONDED).alias("ABS_RESPONSE"),
        pl.col("ABSBOR").is_in(CONTROLLED).alias("ABS_CONTROL"),
    )
    return frame.with_columns(pl.lit("DM").alias("DATASET")).select("DATASET", pl.exclude("DATASET")).sort(SUBJECT)


def _one_reader(frame: pl.LazyFrame) -> pl.LazyFrame:
    """The frame when it holds one reader per subject: ADRS names no reader, so several cannot be matched to it."""
    readers = frame.group_by("USUBJID").agg(pl.col("READER").n_unique().alias("N")).select(pl.col("N").max())
    if (readers.collect().item() or 0) > 1:
        raise NotApplicable("ADRS names no reader and TR/RS hold several; set recist.readers: accepted or "
                            "recist.evaluator to choose whose responses ADRS reports")
    return frame


@derivation("recist.adrs_bor", contract=Contract((
    DATASET, USUBJID,
    col("ROW", pl.Int64, "row of the ADRS record in its file (ADRS has no --SEQ)"),
    col("PARAMCD", pl.String, "ADRS parameter: BOR or ABSBOR"),
    col("AVALC", pl.String, "reported best response (ADRS AVALC, coded)", BOR_SECTION),
    col("DERIVED", pl.String, "derived best response of the parameter (BOR or ABSBOR)", BOR_SECTION),
), key="ROW", reads={"ADRS": ("USUBJID", "PARAMCD", "AVALC")}, derived_from=("recist.bor", "recist.abscopal"),
    options=RecistOptions, section=f"{R11} {BOR_SECTION}"))
def adrs_bor(ctx: DeriveContext) -> pl.LazyFrame:
    """Per ADRS BOR / ABSBOR record (keyed by its row): the reported AVALC and the derived best response."""
    adrs = rep.adrs_best(_need(ctx, "ADRS", "USUBJID", "PARAMCD", "AVALC"))
    derived = _one_reader(ctx.derived("recist.bor")).select("USUBJID", pl.col("BOR").alias("_BOR"))
    frame = adrs.join(derived, on="USUBJID", how="left")
    try:
        absbor = _one_reader(ctx.derived("recist.abscopal")).select("USUBJID", pl.col("ABSBOR").alias("_ABSBOR"))
        frame = frame.join(absbor, on="USUBJID", how="left")
    except NotApplicable:
        frame = frame.with_columns(pl.lit(None, pl.String).alias("_ABSBOR"))
    derived_value = pl.when(pl.col("PARAMCD") == "BOR").then("_BOR").otherwise("_ABSBOR")
    return frame.with_columns(derived_value.alias("DERIVED")).drop("_BOR", "_ABSBOR").sort("ROW")
