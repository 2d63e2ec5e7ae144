"""The registered CTCAE derivations ("ctcae.*"), each a thin wrapper reading the study."""

from __future__ import annotations

import polars as pl

from audit.derive.ctcae import adverse_events as aes
from audit.derive.ctcae.emergence import ae_emergence, dm_treatment_period, treatment_period
from audit.derive.ctcae.grading import LB_REQUIRED, grade_lab_records, with_date_bounds
from audit.derive.ctcae.options import CtcaeOptions
from audit.derive.registry import DeriveContext, NotApplicable, derivation


def options(ctx: DeriveContext) -> CtcaeOptions:
    """The CTCAE options of this run."""
    return CtcaeOptions.from_section(ctx.section("ctcae"))


def _need(ctx: DeriveContext, name: str, *columns: str) -> pl.LazyFrame:
    reason = ctx.study.missing(name, *columns)
    if reason:
        raise NotApplicable(reason)
    return ctx.study.frame(name)


def _dm(ctx: DeriveContext) -> pl.LazyFrame | None:
    return ctx.study.frame("DM") if ctx.study.has("DM", "USUBJID", "RFSTDTC") else None


def _keyed(frame: pl.LazyFrame, dataset: str, seq: str) -> pl.LazyFrame:
    """Prefix the columns every finding needs: source dataset, subject, record key."""
    front = [pl.lit(dataset).alias("DATASET"), pl.col("USUBJID"), pl.col(seq)]
    rest = [c for c in frame.collect_schema().names() if c not in ("DATASET", "USUBJID", seq)]
    return frame.select(*front, *rest)


@derivation("ctcae.lab_grades")
def lab_grades(ctx: DeriveContext) -> pl.LazyFrame:
    """CTCAE v5 grade of every LB record of a gradable test (like ADLB ATOXGRN)."""
    lb = _need(ctx, "LB", *LB_REQUIRED)
    return _keyed(grade_lab_records(lb, _dm(ctx)), "LB", "LBSEQ")


@derivation("ctcae.worst_lab_grade")
def worst_lab_grade(ctx: DeriveContext) -> pl.LazyFrame:
    """Worst derived lab grade per subject and CTCAE term."""
    return (
        ctx.derived("ctcae.lab_grades")
        .group_by("USUBJID", "CTCTERM", "LBTESTCD")
        .agg(pl.col("ATOXGRN").max().alias("WORSTGR"))
        .sort("USUBJID", "CTCTERM")
    )


@derivation("ctcae.ae_terms")
def ae_terms(ctx: DeriveContext) -> pl.LazyFrame:
    """Per AE: CTCAE term known?, allowed grades, reported grade valid and allowed."""
    return _keyed(aes.ae_terms(_need(ctx, "AE", *aes.AE_REQUIRED)), "AE", "AESEQ")


@derivation("ctcae.ae_seriousness")
def ae_seriousness(ctx: DeriveContext) -> pl.LazyFrame:
    """Per AE: AESER and the seriousness criteria that are Y."""
    ae = _need(ctx, "AE", "USUBJID", "AESEQ", "AESER")
    if not any(ctx.study.has("AE", c) for c in aes.SERIOUSNESS_CRITERIA):
        raise NotApplicable(f"AE has none of {', '.join(aes.SERIOUSNESS_CRITERIA)}")
    if "AETERM" not in ctx.study.columns("AE"):
        ae = ae.with_columns(pl.lit(None, pl.String).alias("AETERM"))
    return _keyed(aes.ae_seriousness(ae), "AE", "AESEQ")


def _windows(ctx: DeriveContext) -> pl.LazyFrame:
    ae = _need(ctx, "AE", *aes.AE_REQUIRED, "AESTDTC")
    return aes.ae_windows(ae, ctx.study.cutoff)


@derivation("ctcae.ae_lab_window")
def ae_lab_window(ctx: DeriveContext) -> pl.LazyFrame:
    """Per lab-gradable AE: reported AETOXGR and the worst derived lab grade in its window."""
    window = aes.ae_lab_window(_windows(ctx), ctx.derived("ctcae.lab_grades"))
    return _keyed(window, "AE", "AESEQ")


@derivation("ctcae.unreported_lab")
def unreported_lab(ctx: DeriveContext) -> pl.LazyFrame:
    """On-treatment lab records of grade >= threshold with no AE of the matching term covering them."""
    opts = options(ctx)
    dm = _need(ctx, "DM", "USUBJID", "RFSTDTC")
    period = dm_treatment_period(dm, opts.emergent_window_days, ctx.study.cutoff)
    severe = aes.unreported_lab(
        _windows(ctx), ctx.derived("ctcae.lab_grades"), period, opts.unreported_min_grade
    )
    return _keyed(severe, "LB", "LBSEQ")


@derivation("ctcae.ae_emergent")
def ae_emergent(ctx: DeriveContext) -> pl.LazyFrame:
    """Per ADAE record: TRTEMFL as reported and as its dates imply."""
    adae = _need(ctx, "ADAE", "USUBJID", "AESEQ", "TRTEMFL", "ASTDT")
    opts, cutoff = options(ctx), ctx.study.cutoff
    if ctx.study.has("ADSL", "USUBJID", "TRTSDT"):
        period = treatment_period(
            ctx.study.frame("ADSL"), "TRTSDT", "TRTEDT", opts.emergent_window_days, cutoff
        )
    else:
        period = dm_treatment_period(
            _need(ctx, "DM", "USUBJID", "RFSTDTC"), opts.emergent_window_days, cutoff
        )
    return _keyed(ae_emergence(adae, period), "ADAE", "AESEQ")


@derivation("ctcae.fatal_ae_death")
def fatal_ae_death(ctx: DeriveContext) -> pl.LazyFrame:
    """Per fatal AE (grade 5, AEOUT FATAL or AESDTH Y): is a death recorded in DM on/after its start?"""
    ae = with_date_bounds(_need(ctx, "AE", "USUBJID", "AESTDTC"), "AESTDTC")
    dm = with_date_bounds(_need(ctx, "DM", "USUBJID", "DTHDTC"), "DTHDTC")
    names = ae.collect_schema().names()
    fatal = [aes.reported_grade() == 5] if "AETOXGR" in names else []
    fatal += [
        pl.col(c).cast(pl.String).str.strip_chars() == v
        for c, v in (("AEOUT", "FATAL"), ("AESDTH", "Y"))
        if c in names
    ]
    dm_names = dm.collect_schema().names()
    death_flag = pl.col("DTHFL") if "DTHFL" in dm_names else pl.lit(None, pl.String)
    deaths = dm.select("USUBJID", death_flag.alias("DTHFL"), "DTHDTC", "DTHDTC_HI")
    dated = pl.col("DTHDTC_HI") >= pl.col("AESTDTC_LO")
    return _keyed(
        ae.filter(pl.any_horizontal(fatal).fill_null(False))
        .select("USUBJID", "AESEQ", "AESTDTC", "AESTDTC_LO")
        .join(deaths, on="USUBJID", how="left")
        .with_columns(
            (dated & (pl.col("DTHFL").fill_null("Y") == "Y")).fill_null(False).alias("DEATHOK")
        )
        .sort("USUBJID", "AESEQ"),
        "AE",
        "AESEQ",
    )
