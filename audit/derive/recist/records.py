"""Derived frames pinned to reported records: RS responses, TR sums, best responses (RS, ADRS), abscopal."""

from __future__ import annotations

import polars as pl

from audit.derive.recist import bor as best
from audit.derive.recist import reported as rep
from audit.derive.recist.derivations import (
    KEYS,
    _derived_timepoints,
    _keyed,
    _need,
    _rs_records,
    _starts,
    no_rs_reason,
    options,
)
from audit.derive.recist.lesions import SUBJECT
from audit.derive.registry import DeriveContext, NotApplicable, derivation

DERIVED_OF = {"TRGRESP": "TRGRESP_DER", "NTRGRESP": "NTRGRESP_DER", "NEWLIND": "NEWLIND_DER",
              "OVRLRESP": "OVRLRESP_DER"}
RESPONDED = ("CR", "PR")
CONTROLLED = ("CR", "PR", "SD", "NON-CR/NON-PD")


def _first_visit_with(result: str, alias: str) -> pl.Expr:
    reported = pl.col("VISITNUM").filter(pl.col("OVRLRESP") == result)
    return reported.min().over(SUBJECT).alias(alias)


@derivation("recist.responses")
def responses(ctx: DeriveContext) -> pl.LazyFrame:
    """One row per reported RS time-point record with the response derived for it and the visit's evidence."""
    records = _rs_records(ctx).filter(pl.col("RSTESTCD").is_in(rep.TIMEPOINT_TESTS))
    if records.select(pl.len()).collect().item() == 0:
        raise NotApplicable(no_rs_reason(ctx, "time-point responses (TRGRESP, NTRGRESP, NEWLIND, NEWLPROG, OVRLRESP)"))
    visits = ctx.derived("recist.timepoint").drop("DATASET", "RSSEQ").with_columns(
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


@derivation("recist.sums")
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


@derivation("recist.bor")
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


@derivation("recist.abscopal_timepoint")
def abscopal_timepoint(ctx: DeriveContext) -> pl.LazyFrame:
    """Per subject and visit: the RECIST arithmetic on out-of-field targets (SUPPTU IRRADFL N); a new lesion is PD."""
    frame = _derived_timepoints(ctx, "N")
    return frame.rename({"OVRLRESP_DER": "ABSRESP", "TARGET_SUM": "ABSSUM"}).sort(KEYS)


@derivation("recist.abscopal")
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


@derivation("recist.adrs_bor")
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
