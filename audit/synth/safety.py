"""Safety domains: adverse events (AE) and the laboratory values (LB) that grade them.

Lab-based AEs are planned as episodes: the AE starts on the day of one lab
draw and ends the day before the next, and that draw's value is placed in the
CTCAE v5 band of the AE's grade. Every other value is within its normal range,
so each lab-based AE's grade equals the worst lab grade in its window and no
grade >= 3 value lies outside an AE of the matching term.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from audit.synth.design import CUTOFF, CYCLE_DAYS, STUDYID, day_to_date, iso, study_day, table

SEVERITY = {1: "MILD", 2: "MODERATE", 3: "SEVERE", 4: "SEVERE", 5: "SEVERE"}
CRITERIA = ("AESDTH", "AESLIFE", "AESHOSP", "AESDISAB", "AESCONG", "AESMIE")
NOT_RELATED = ("NOT RELATED", "UNLIKELY RELATED")
NON_LAB_START = 3  # symptoms start a few days after the cycle's infusion


def adverse_event_plan(subjects: pl.DataFrame) -> pl.DataFrame:
    """The reference AE plan applied to each subject's template, timed on that subject's own cycles."""
    plan = table("reference_adverse_events").with_columns(pl.int_ranges("first", pl.col("last") + 1).alias("TEMPLATE"))
    plan = plan.explode("TEMPLATE").join(table("ae_terms"), on="term", how="left")
    rows = subjects.select("USUBJID", "TEMPLATE", "IDX", "N_DOSES", "DEATH_DAY", "CUT_DAY").join(plan, on="TEMPLATE")
    is_lab = pl.col("lbtestcd").is_not_null()
    draw = pl.min_horizontal(pl.col("cycle") + pl.col("IDX") % 3, pl.col("N_DOSES") - 1)
    rows = rows.with_columns(draw.alias("DRAW"), is_lab.alias("LAB"), (pl.col("grade") == 5).alias("FATAL"))
    has_next = pl.col("DRAW") + 1 <= pl.col("N_DOSES") - 1
    start = (
        pl.when("FATAL")
        .then("DEATH_DAY")
        .when("LAB")
        .then(pl.col("DRAW") * CYCLE_DAYS)
        .otherwise(pl.col("DRAW") * CYCLE_DAYS + NON_LAB_START)
    )
    end = (
        pl.when("FATAL")
        .then("START_DAY")
        .when(pl.col("LAB") & has_next)
        .then((pl.col("DRAW") + 1) * CYCLE_DAYS - 1)
        .when("LAB")
        .then(pl.col("START_DAY") + CYCLE_DAYS - 1)
        .otherwise(pl.col("START_DAY") + pl.col("days") - 1)
    )
    rows = rows.with_columns(start.alias("START_DAY")).with_columns(end.alias("END_DAY"))
    alive_at_start = pl.col("DEATH_DAY").is_null() | (pl.col("START_DAY") < pl.col("DEATH_DAY")) | pl.col("FATAL")
    keep = pl.col("START_DAY").is_not_null() & alive_at_start & (pl.col("START_DAY") <= pl.col("CUT_DAY"))
    keep = keep & (~pl.col("LAB") | (pl.col("DRAW") >= 1))
    # An AE still present at death or at the cut-off has no end date.
    ongoing = ~pl.col("FATAL") & (
        (pl.col("END_DAY") >= pl.col("DEATH_DAY").fill_null(1 << 30)) | (pl.col("END_DAY") > pl.col("CUT_DAY"))
    )
    rows = rows.filter(keep).with_columns(
        pl.when(ongoing).then(None).otherwise("END_DAY").alias("END_DAY"), ongoing.alias("ONGOING")
    )
    return rows.sort("USUBJID", "START_DAY", "term")


def lab_draws(subjects: pl.DataFrame) -> pl.DataFrame:
    """A screening draw (the baseline) and one before each infusion from cycle 2 on."""
    on_treatment = subjects.select("USUBJID", pl.int_ranges(1, "N_DOSES").alias("DRAW")).explode("DRAW").drop_nulls()
    on_treatment = on_treatment.with_columns((pl.col("DRAW") * CYCLE_DAYS).alias("DAY"))
    screening = subjects.select("USUBJID", pl.lit(0, pl.Int64).alias("DRAW"), pl.col("SCREEN_LAB_DAY").alias("DAY"))
    return pl.concat([screening, on_treatment.cast({"DRAW": pl.Int64, "DAY": screening.schema["DAY"]})])


def _normal_ranges(subjects: pl.DataFrame) -> pl.DataFrame:
    tests = table("lab_tests")
    frame = subjects.select("USUBJID", "SEX").join(tests, how="cross")
    male = pl.col("SEX") == "M"
    return frame.select(
        "USUBJID",
        "LBTESTCD",
        "LBTEST",
        "unit",
        "decimals",
        "normal_lo",
        "normal_hi",
        pl.when(male).then("lln_m").otherwise("lln_f").alias("LBSTNRLO"),
        pl.when(male).then("uln_m").otherwise("uln_f").alias("LBSTNRHI"),
    )


def _lab_values(draws: pl.DataFrame, subjects: pl.DataFrame, plan: pl.DataFrame, rng: np.random.Generator):
    rows = draws.join(_normal_ranges(subjects), on="USUBJID").sort("USUBJID", "DRAW", "LBTESTCD")
    episodes = plan.filter("LAB").select("USUBJID", pl.col("lbtestcd").alias("LBTESTCD"), "DRAW", "grade")
    rows = rows.join(episodes, on=["USUBJID", "LBTESTCD", "DRAW"], how="left", maintain_order="left")
    bands = table("lab_grade_values").rename({"grade": "grade"})
    rows = rows.join(bands, on=["LBTESTCD", "grade"], how="left", maintain_order="left")
    u = pl.Series("U", rng.random(rows.height))
    rows = rows.with_columns(u)
    normal = pl.col("normal_lo") + pl.col("U") * (pl.col("normal_hi") - pl.col("normal_lo"))
    graded = pl.col("lo") + pl.col("U") * (pl.col("hi") - pl.col("lo"))
    graded = pl.when(pl.col("basis") == "ULN").then(graded * pl.col("LBSTNRHI")).otherwise(graded)
    value = pl.when(pl.col("grade").is_not_null()).then(graded).otherwise(normal)
    rows = rows.with_columns(value.alias("VALUE"))
    # Neutrophils are part of the white count: outside a planned episode they are 55-65 % of it.
    wbc = rows.filter(pl.col("LBTESTCD") == "WBC").select("USUBJID", "DRAW", pl.col("VALUE").alias("WBC"))
    rows = rows.join(wbc, on=["USUBJID", "DRAW"], how="left", maintain_order="left")
    share = 0.55 + 0.10 * pl.col("U")
    neut = (pl.col("LBTESTCD") == "NEUT") & pl.col("grade").is_null()
    rows = rows.with_columns(pl.when(neut).then(pl.col("WBC") * share).otherwise("VALUE").alias("VALUE"))
    return rows.with_columns(pl.col("VALUE").round_sig_figs(12))


def _rounded(rows: pl.DataFrame) -> pl.DataFrame:
    parts = [
        part.with_columns(pl.col("VALUE").round(int(decimals)).alias("VALUE"))
        for (decimals,), part in rows.partition_by("decimals", as_dict=True, maintain_order=True).items()
    ]
    return pl.concat(parts).sort("USUBJID", "DAY", "LBTESTCD")


def lb(subjects: pl.DataFrame, plan: pl.DataFrame, rng: np.random.Generator) -> pl.DataFrame:
    """LB: haematology and chemistry at screening and before every infusion, in SI units."""
    rows = _rounded(_lab_values(lab_draws(subjects), subjects, plan, rng))
    rows = rows.join(subjects.select("USUBJID", "START"), on="USUBJID", how="left", maintain_order="left")
    text = pl.col("VALUE").cast(pl.String)
    visit = (
        pl.when(pl.col("DRAW") == 0)
        .then(pl.lit("SCREENING"))
        .otherwise(pl.format("CYCLE {} DAY 1", pl.col("DRAW") + 1))
    )
    return rows.select(
        pl.lit(STUDYID).alias("STUDYID"),
        pl.lit("LB").alias("DOMAIN"),
        "USUBJID",
        pl.int_range(1, pl.len() + 1).over("USUBJID").alias("LBSEQ"),
        "LBTESTCD",
        "LBTEST",
        text.alias("LBORRES"),
        pl.col("unit").alias("LBORRESU"),
        pl.col("VALUE").alias("LBSTRESN"),
        text.alias("LBSTRESC"),
        pl.col("unit").alias("LBSTRESU"),
        pl.col("LBSTNRLO").cast(pl.Float64),
        pl.col("LBSTNRHI").cast(pl.Float64),
        iso(day_to_date("START", "DAY")).alias("LBDTC"),
        study_day("DAY").alias("LBDY"),
        visit.alias("VISIT"),
        (pl.col("DRAW") + 1).cast(pl.Float64).alias("VISITNUM"),
        pl.when(pl.col("DRAW") == 0).then(pl.lit("Y")).alias("LBBLFL"),
    )


def _end_text(rows: pl.DataFrame) -> pl.Expr:
    """Full end date, or year-month for long endocrine AEs whose end month is certainly after the start."""
    end = day_to_date("START", "END_DAY")
    month_start = end.dt.month_start()
    death = day_to_date("START", "DEATH_DAY")
    partial = (
        (pl.col("term") == "Hypothyroidism")
        & ((month_start - day_to_date("START", "START_DAY")).dt.total_days() > 31)
        & (end.dt.month_end() <= pl.lit(CUTOFF))
        & (pl.col("DEATH_DAY").is_null() | (end.dt.month_end() < death))
    )
    return pl.when(partial).then(end.dt.strftime("%Y-%m")).otherwise(iso(end))


def ae(subjects: pl.DataFrame, plan: pl.DataFrame) -> pl.DataFrame:
    """AE: CTCAE v5 terms and grades with seriousness, causality, outcome and action taken."""
    rows = plan.join(subjects.select("USUBJID", "START"), on="USUBJID", how="left", maintain_order="left")
    rows = rows.with_columns(_end_text(rows).alias("AEENDTC"))
    outcome = (
        pl.when("FATAL")
        .then(pl.lit("FATAL"))
        .when("ONGOING")
        .then(pl.lit("NOT RECOVERED/NOT RESOLVED"))
        .otherwise(pl.lit("RECOVERED/RESOLVED"))
    )
    related = ~pl.col("aerel").is_in(NOT_RELATED)
    action = (
        pl.when(~related)
        .then(pl.lit("NOT APPLICABLE"))
        .when(pl.col("grade") >= 3)
        .then(pl.lit("DRUG INTERRUPTED"))
        .otherwise(pl.lit("DOSE NOT CHANGED"))
    )
    flags = [pl.when(pl.col("criterion") == c).then(pl.lit("Y")).otherwise(pl.lit("N")).alias(c) for c in CRITERIA]
    return rows.select(
        pl.lit(STUDYID).alias("STUDYID"),
        pl.lit("AE").alias("DOMAIN"),
        "USUBJID",
        pl.int_range(1, pl.len() + 1).over("USUBJID").alias("AESEQ"),
        pl.col("verbatim").alias("AETERM"),
        pl.col("term").alias("AEDECOD"),
        pl.col("soc").alias("AEBODSYS"),
        iso(day_to_date("START", "START_DAY")).alias("AESTDTC"),
        "AEENDTC",
        study_day("START_DAY").alias("AESTDY"),
        pl.when(pl.col("AEENDTC").str.len_chars() == 10).then(study_day("END_DAY")).alias("AEENDY"),
        pl.col("grade").cast(pl.String).alias("AETOXGR"),
        pl.col("grade").replace_strict(SEVERITY, return_dtype=pl.String).alias("AESEV"),
        pl.col("aerel").alias("AEREL"),
        pl.when(pl.col("criterion").is_not_null()).then(pl.lit("Y")).otherwise(pl.lit("N")).alias("AESER"),
        *flags,
        outcome.alias("AEOUT"),
        action.alias("AEACN"),
    )
