"""Subject-level SDTM: DM, DS, EX and TS, plus the dosing schedule other domains follow."""

from __future__ import annotations

import polars as pl

from audit.synth.design import (
    ARM,
    ARMCD,
    CUTOFF,
    CYCLE_DAYS,
    MAX_TREATMENT_DAYS,
    STUDYID,
    day_to_date,
    iso,
    study_day,
)

DRUGS = pl.DataFrame(
    {
        "EXTRT": ["CAMRELIZUMAB", "IRINOTECAN"],
        "EXDOSE": [200.0, 180.0],
        "EXDOSU": ["mg", "mg/m2"],
        "ORDER": [1, 2],
    }
)


def with_treatment_stop(subjects: pl.DataFrame) -> pl.DataFrame:
    """Treatment runs until progression, death, the cut-off or two years, whichever comes first."""
    stop = pl.min_horizontal(
        pl.col("PD_DAY").fill_null(1 << 30),
        pl.col("DEATH_DAY").fill_null(1 << 30),
        pl.col("CUT_DAY") + 1,
        pl.lit(MAX_TREATMENT_DAYS),
    )
    return (
        subjects.with_columns(stop.alias("STOP_DAY"))
        .with_columns(
            ((pl.col("STOP_DAY") - 1) // CYCLE_DAYS + 1).alias("N_DOSES"),
        )
        .with_columns(((pl.col("N_DOSES") - 1) * CYCLE_DAYS).alias("LAST_DOSE_DAY"))
    )


def doses(subjects: pl.DataFrame) -> pl.DataFrame:
    """One row per subject and cycle: the day of the cycle's infusions."""
    return (
        subjects.select("USUBJID", "START", pl.int_ranges(0, "N_DOSES").alias("CYCLE0"))
        .explode("CYCLE0")
        .with_columns((pl.col("CYCLE0") * CYCLE_DAYS).alias("DAY"), (pl.col("CYCLE0") + 1).alias("CYCLE"))
    )


def dm(subjects: pl.DataFrame) -> pl.DataFrame:
    """Demographics with the reference dates the other domains are checked against."""
    death = day_to_date("START", "DEATH_DAY")
    return subjects.select(
        pl.lit(STUDYID).alias("STUDYID"),
        pl.lit("DM").alias("DOMAIN"),
        "USUBJID",
        "SUBJID",
        "SITEID",
        iso(pl.col("CONSENT")).alias("RFICDTC"),
        iso(pl.col("START")).alias("RFSTDTC"),
        iso(day_to_date("START", "LAST_DOSE_DAY")).alias("RFENDTC"),
        iso(pl.col("START")).alias("RFXSTDTC"),
        iso(day_to_date("START", "LAST_DOSE_DAY")).alias("RFXENDTC"),
        iso(death).alias("DTHDTC"),
        pl.when(pl.col("DEATH_DAY").is_not_null()).then(pl.lit("Y")).alias("DTHFL"),
        "AGE",
        pl.lit("YEARS").alias("AGEU"),
        "SEX",
        pl.lit("ASIAN").alias("RACE"),
        pl.lit(ARMCD).alias("ARMCD"),
        pl.lit(ARM).alias("ARM"),
        pl.lit(ARMCD).alias("ACTARMCD"),
        pl.lit(ARM).alias("ACTARM"),
        pl.lit("CHN").alias("COUNTRY"),
    )


def _ds_rows(subjects: pl.DataFrame) -> pl.DataFrame:
    milestone, event = "PROTOCOL MILESTONE", "DISPOSITION EVENT"
    base = subjects.select("USUBJID", "START", "CONSENT", "ENRLDT", "PD_DAY", "DEATH_DAY")
    parts = [
        base.select(
            "USUBJID",
            pl.lit(1).alias("ORDER"),
            pl.lit("INFORMED CONSENT OBTAINED").alias("DSDECOD"),
            pl.lit(milestone).alias("DSCAT"),
            pl.col("CONSENT").alias("DATE"),
        ),
        base.select(
            "USUBJID",
            pl.lit(2).alias("ORDER"),
            pl.lit("ENROLLED").alias("DSDECOD"),
            pl.lit(milestone).alias("DSCAT"),
            pl.col("ENRLDT").alias("DATE"),
        ),
        base.filter(pl.col("PD_DAY").is_not_null()).select(
            "USUBJID",
            pl.lit(3).alias("ORDER"),
            pl.lit("PROGRESSIVE DISEASE").alias("DSDECOD"),
            pl.lit(event).alias("DSCAT"),
            day_to_date("START", "PD_DAY").alias("DATE"),
        ),
        base.filter(pl.col("DEATH_DAY").is_not_null()).select(
            "USUBJID",
            pl.lit(4).alias("ORDER"),
            pl.lit("DEATH").alias("DSDECOD"),
            pl.lit(event).alias("DSCAT"),
            day_to_date("START", "DEATH_DAY").alias("DATE"),
        ),
        # Survival follow-up contact on the cut-off date: alive subjects are known alive up to it.
        base.filter(pl.col("DEATH_DAY").is_null()).select(
            "USUBJID",
            pl.lit(5).alias("ORDER"),
            pl.lit("SURVIVAL FOLLOW-UP").alias("DSDECOD"),
            pl.lit("OTHER EVENT").alias("DSCAT"),
            pl.lit(CUTOFF).alias("DATE"),
        ),
    ]
    return pl.concat(parts).sort("USUBJID", "ORDER")


def ds(subjects: pl.DataFrame) -> pl.DataFrame:
    """Disposition: consent, enrolment, progression, death, survival follow-up."""
    rows = _ds_rows(subjects)
    return rows.select(
        pl.lit(STUDYID).alias("STUDYID"),
        pl.lit("DS").alias("DOMAIN"),
        "USUBJID",
        pl.int_range(1, pl.len() + 1).over("USUBJID").alias("DSSEQ"),
        pl.col("DSDECOD").alias("DSTERM"),
        "DSDECOD",
        "DSCAT",
        iso(pl.col("DATE")).alias("DSSTDTC"),
    )


def ex(subjects: pl.DataFrame) -> pl.DataFrame:
    """Exposure: both drugs on day 1 of every cycle, low-dose radiotherapy over the first two days."""
    cycles = (
        doses(subjects)
        .join(DRUGS, how="cross")
        .with_columns(pl.col("DAY").alias("END_DAY"), pl.format("CYCLE {} DAY 1", "CYCLE").alias("VISIT"))
    )
    radiotherapy = subjects.select(
        "USUBJID",
        "START",
        pl.lit(0).alias("CYCLE0"),
        pl.lit(0).alias("DAY"),
        pl.lit(1).alias("CYCLE"),
        pl.lit("RADIOTHERAPY").alias("EXTRT"),
        pl.lit(8.0).alias("EXDOSE"),
        pl.lit("Gy").alias("EXDOSU"),
        pl.lit(0).alias("ORDER"),
        pl.lit(1).alias("END_DAY"),
        pl.lit("CYCLE 1 DAY 1").alias("VISIT"),
    )
    rows = pl.concat([radiotherapy, cycles.select(radiotherapy.columns)], how="vertical_relaxed").sort(
        "USUBJID", "DAY", "ORDER"
    )
    return rows.select(
        pl.lit(STUDYID).alias("STUDYID"),
        pl.lit("EX").alias("DOMAIN"),
        "USUBJID",
        pl.int_range(1, pl.len() + 1).over("USUBJID").alias("EXSEQ"),
        "EXTRT",
        "EXDOSE",
        "EXDOSU",
        iso(day_to_date("START", "DAY")).alias("EXSTDTC"),
        iso(day_to_date("START", "END_DAY")).alias("EXENDTC"),
        study_day("DAY").alias("EXSTDY"),
        study_day("END_DAY").alias("EXENDY"),
        "VISIT",
        pl.col("CYCLE").cast(pl.Float64).alias("VISITNUM"),
    )


def ts(n_subjects: int) -> pl.DataFrame:
    """Trial summary: the data cut-off in DCUTDTC, with title and phase."""
    rows = [
        ("TITLE", "Trial Title", "Low-dose radiotherapy plus camrelizumab and irinotecan in oligometastatic ESCC"),
        ("TPHASE", "Trial Phase Classification", "PHASE II TRIAL"),
        ("PLANSUB", "Planned Number of Subjects", str(n_subjects)),
        ("DCUTDTC", "Data Cutoff Date", CUTOFF.isoformat()),
    ]
    return pl.DataFrame(
        {
            "STUDYID": [STUDYID] * len(rows),
            "DOMAIN": ["TS"] * len(rows),
            "TSSEQ": list(range(1, len(rows) + 1)),
            "TSPARMCD": [r[0] for r in rows],
            "TSPARM": [r[1] for r in rows],
            "TSVAL": [r[2] for r in rows],
        }
    )
