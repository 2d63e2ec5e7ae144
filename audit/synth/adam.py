"""ADaM datasets derived from the same plan and responses as the SDTM: ADSL, ADRS, ADTTE, ADAE."""

from __future__ import annotations

import polars as pl

from audit.synth.design import CUTOFF, STUDYID, day_to_date
from audit.synth.response import RESPONSE_CODE
from audit.synth.safety import NOT_RELATED
from audit.synth.tumour_domains import Tumours
from audit.synth.tumours import visit_name

TREATMENT_EMERGENT_DAYS = 30  # AEs up to 30 days after the last dose are treatment-emergent
ADEQUATE = ("CR", "PR", "SD", "NON-CR/NON-PD")


def adsl(subjects: pl.DataFrame, t: Tumours) -> pl.DataFrame:
    """Subject level: all enrolled are ITT and, all having been dosed, in the safety set."""
    assessed = t.timepoints.group_by("USUBJID").agg(pl.len().alias("N_ASSESSED"))
    rows = subjects.join(assessed, on="USUBJID", how="left").sort("USUBJID")
    death = day_to_date("START", "DEATH_DAY")
    return rows.select(
        pl.lit(STUDYID).alias("STUDYID"),
        "USUBJID",
        "SUBJID",
        "SITEID",
        "AGE",
        "SEX",
        "ENRLDT",
        pl.col("START").alias("TRTSDT"),
        day_to_date("START", "LAST_DOSE_DAY").alias("TRTEDT"),
        pl.lit("Y").alias("ITTFL"),
        pl.lit("Y").alias("SAFFL"),
        # Response-evaluable: at least one post-baseline tumour assessment.
        pl.when(pl.col("N_ASSESSED").fill_null(0) > 0).then(pl.lit("Y")).otherwise(pl.lit("N")).alias("EFFFL"),
        pl.when(pl.col("DEATH_DAY").is_not_null()).then(pl.lit("Y")).otherwise(pl.lit("N")).alias("DTHFL"),
        death.alias("DTHDT"),
        # Known alive up to death, or up to the survival follow-up contact on the cut-off date.
        pl.coalesce(death, pl.lit(CUTOFF)).alias("LSTALVDT"),
        pl.lit(CUTOFF).alias("DCUTDT"),
    )


def adrs(subjects: pl.DataFrame, t: Tumours) -> pl.DataFrame:
    """Per-visit overall response, confirmed BOR and out-of-field best response (ABSBOR)."""
    starts = subjects.select("USUBJID", "START")
    first_pd = t.timepoints.filter(pl.col("OVRLRESP") == "PD").group_by("USUBJID").agg(pl.col("DAY").min().alias("PD"))
    visits = t.timepoints.join(first_pd, on="USUBJID", how="left").select(
        "USUBJID",
        pl.lit("OVRLRESP").alias("PARAMCD"),
        pl.lit("Overall Response by Investigator").alias("PARAM"),
        pl.col("OVRLRESP").alias("AVALC"),
        "DAY",
        visit_name(pl.col("VISITNUM")).alias("AVISIT"),
        pl.col("VISITNUM").cast(pl.Float64).alias("AVISITN"),
        pl.when(pl.col("PD").is_null() | (pl.col("DAY") <= pl.col("PD"))).then(pl.lit("Y")).alias("ANL01FL"),
    )
    best = [
        t.best.select(
            "USUBJID",
            pl.lit(code).alias("PARAMCD"),
            pl.lit(label).alias("PARAM"),
            pl.col(column).alias("AVALC"),
            pl.col(day).alias("DAY"),
            pl.lit(None, pl.String).alias("AVISIT"),
            pl.lit(None, pl.Float64).alias("AVISITN"),
            pl.lit("Y").alias("ANL01FL"),
        )
        for code, label, column, day in (
            ("BOR", "Best Confirmed Overall Response (RECIST 1.1)", "BOR", "BORDAY"),
            ("ABSBOR", "Best Confirmed Response of Out-of-field Target Lesions", "ABSBOR", "ABSBORDAY"),
        )
    ]
    rows = pl.concat([visits, *(b.cast(visits.schema) for b in best)]).join(starts, on="USUBJID", how="left")
    order = pl.col("PARAMCD").replace_strict({"OVRLRESP": 0, "BOR": 1, "ABSBOR": 2}, return_dtype=pl.Int8)
    rows = rows.sort("USUBJID", order, "AVISITN", nulls_last=True)
    return rows.select(
        pl.lit(STUDYID).alias("STUDYID"),
        "USUBJID",
        "PARAMCD",
        "PARAM",
        "AVALC",
        pl.col("AVALC").replace_strict(RESPONSE_CODE, return_dtype=pl.Int64).cast(pl.Float64).alias("AVAL"),
        day_to_date("START", "DAY").alias("ADT"),
        "AVISIT",
        "AVISITN",
        "ANL01FL",
    )


def _pfs(subjects: pl.DataFrame, t: Tumours) -> pl.DataFrame:
    """PFS: first PD or death; otherwise censored at the last adequate assessment (or at start if none)."""
    first_pd = t.timepoints.filter(pl.col("OVRLRESP") == "PD").group_by("USUBJID").agg(pl.col("DAY").min().alias("PD"))
    last_ok = (
        t.timepoints.filter(pl.col("OVRLRESP").is_in(ADEQUATE))
        .group_by("USUBJID")
        .agg(pl.col("DAY").max().alias("LASTOK"))
    )
    rows = subjects.join(first_pd, on="USUBJID", how="left").join(last_ok, on="USUBJID", how="left")
    event_day = pl.min_horizontal("PD", "DEATH_DAY")
    is_pd = pl.col("PD").is_not_null() & (pl.col("DEATH_DAY").is_null() | (pl.col("PD") <= pl.col("DEATH_DAY")))
    return rows.select(
        "USUBJID",
        "START",
        pl.lit("PFS").alias("PARAMCD"),
        pl.lit("Progression-free Survival (days)").alias("PARAM"),
        pl.coalesce(event_day, "LASTOK", pl.lit(0)).alias("DAY"),
        pl.when(event_day.is_not_null()).then(0).otherwise(1).alias("CNSR"),
        pl.when(is_pd)
        .then(pl.lit("DISEASE PROGRESSION"))
        .when(event_day.is_not_null())
        .then(pl.lit("DEATH"))
        .alias("EVNTDESC"),
        pl.when(event_day.is_null() & pl.col("LASTOK").is_not_null())
        .then(pl.lit("LAST ADEQUATE TUMOUR ASSESSMENT"))
        .when(event_day.is_null())
        .then(pl.lit("NO ADEQUATE ASSESSMENT: CENSORED AT START"))
        .alias("CNSDTDSC"),
    )


def _os(subjects: pl.DataFrame) -> pl.DataFrame:
    """OS: death; otherwise censored on the cut-off date, the last survival follow-up contact."""
    return subjects.select(
        "USUBJID",
        "START",
        pl.lit("OS").alias("PARAMCD"),
        pl.lit("Overall Survival (days)").alias("PARAM"),
        pl.coalesce("DEATH_DAY", "CUT_DAY").alias("DAY"),
        pl.when(pl.col("DEATH_DAY").is_not_null()).then(0).otherwise(1).alias("CNSR"),
        pl.when(pl.col("DEATH_DAY").is_not_null()).then(pl.lit("DEATH")).alias("EVNTDESC"),
        pl.when(pl.col("DEATH_DAY").is_null()).then(pl.lit("ALIVE AT DATA CUT-OFF")).alias("CNSDTDSC"),
    )


def adtte(subjects: pl.DataFrame, t: Tumours) -> pl.DataFrame:
    """PFS and OS in days, counted ADaM-style: AVAL = ADT - STARTDT + 1."""
    rows = pl.concat([_pfs(subjects, t), _os(subjects)]).sort("USUBJID", "PARAMCD", descending=[False, True])
    return rows.select(
        pl.lit(STUDYID).alias("STUDYID"),
        "USUBJID",
        "PARAMCD",
        "PARAM",
        (pl.col("DAY") + 1).cast(pl.Float64).alias("AVAL"),
        pl.col("CNSR").cast(pl.Int64),
        pl.col("START").alias("STARTDT"),
        day_to_date("START", "DAY").alias("ADT"),
        "EVNTDESC",
        "CNSDTDSC",
    )


def adae(ae: pl.DataFrame, subjects: pl.DataFrame) -> pl.DataFrame:
    """AE analysis: numeric grade, treatment-related and treatment-emergent flags, analysis dates."""
    dates = subjects.select("USUBJID", "START", day_to_date("START", "LAST_DOSE_DAY").alias("LAST"))
    rows = ae.join(dates, on="USUBJID", how="left", maintain_order="left")
    start = pl.col("AESTDTC").str.to_date("%Y-%m-%d")
    end = pl.col("AEENDTC").str.to_date("%Y-%m-%d", strict=False)
    emergent = (start >= pl.col("START")) & (start <= pl.col("LAST") + pl.duration(days=TREATMENT_EMERGENT_DAYS))
    return rows.select(
        "STUDYID",
        "USUBJID",
        "AESEQ",
        "AETERM",
        "AEDECOD",
        "AETOXGR",
        pl.col("AETOXGR").cast(pl.Int64).alias("ATOXGRN"),
        "AEREL",
        pl.when(pl.col("AEREL").is_in(NOT_RELATED)).then(pl.lit("N")).otherwise(pl.lit("Y")).alias("RELFL"),
        pl.when(emergent).then(pl.lit("Y")).otherwise(pl.lit("N")).alias("TRTEMFL"),
        "AESER",
        "AEOUT",
        start.alias("ASTDT"),
        end.alias("AENDT"),
    )
