"""The study design and one plan row per subject: outcome profile, key dates, lesion layout.

Every dataset is derived from this plan, so the datasets agree with each other
by construction. With the reference size (49 subjects) the plan is the frozen
reference design (data/reference_design.csv), whose progression and death days
were solved for the published medians and their SPSS-style intervals; any other
size draws each subject's profile from those 49 templates, jitters the days and
lets the data cut-off censor whatever falls after it.
"""

from __future__ import annotations

from datetime import date
from functools import cache
from importlib import resources

import numpy as np
import polars as pl

STUDYID = "ESCC-RT-CAM"
ARM = "LOW-DOSE RADIOTHERAPY + CAMRELIZUMAB + IRINOTECAN"
ARMCD = "RTCAMIRI"
DEFAULT_SEED = 109679
REFERENCE_SUBJECTS = 49
ENROL_FIRST = date(2018, 11, 19)
ENROL_LAST = date(2021, 3, 17)
CUTOFF = date(2022, 6, 30)
CYCLE_DAYS = 14  # camrelizumab + irinotecan every 2 weeks; labs drawn before each dose
SCAN_DAYS = 42  # tumour imaging every 6 weeks
MAX_TREATMENT_DAYS = 728  # two years of treatment at most
PD_SCAN_GAP = 21  # a progression scan comes at least 3 weeks after the previous scan
SURVIVAL_AFTER_PD = 30


@cache
def table(name: str) -> pl.DataFrame:
    """A data table shipped with the generator (audit/synth/data/<name>.csv)."""
    path = resources.files("audit.synth").joinpath("data", f"{name}.csv")
    with resources.as_file(path) as file:
        return pl.read_csv(file, infer_schema_length=1000)


def _reference_outcomes() -> pl.DataFrame:
    design = table("reference_design")
    return design.select(
        pl.col("subject").alias("TEMPLATE"),
        pl.col("profile").alias("PROFILE"),
        pl.col("pd_day").cast(pl.Int64).alias("PD_DAY"),
        pl.col("death_day").cast(pl.Int64).alias("DEATH_DAY"),
    )


def _min_pd_days() -> pl.DataFrame:
    return table("profiles").group_by("profile").agg(pl.col("min_pd_day").first(), pl.col("two_targets").first())


def _resampled_outcomes(n: int, rng: np.random.Generator) -> pl.DataFrame:
    """Draw n subjects from the reference templates and jitter their days by up to 15 %."""
    reference = _reference_outcomes()
    picks = rng.integers(0, reference.height, n)
    frame = reference[picks]
    pd_scale, death_scale = rng.uniform(0.85, 1.15, n), rng.uniform(0.85, 1.15, n)
    frame = frame.with_columns(pl.Series("PD_SCALE", pd_scale), pl.Series("DEATH_SCALE", death_scale))
    frame = frame.join(_min_pd_days().rename({"profile": "PROFILE"}), on="PROFILE", how="left", maintain_order="left")
    pd_day = pl.max_horizontal((pl.col("PD_DAY") * pl.col("PD_SCALE")).round(0).cast(pl.Int64), "min_pd_day")
    pd_day = pl.when(pl.col("PROFILE") == "PD").then(pl.col("PD_DAY")).otherwise(pd_day)
    death = (pl.col("DEATH_DAY") * pl.col("DEATH_SCALE")).round(0).cast(pl.Int64)
    death = pl.when(pl.col("PROFILE") == "NE").then(death.clip(10, 40)).otherwise(death)
    frame = frame.with_columns(pl.when(pl.col("PD_DAY").is_not_null()).then(pd_day).alias("PD_DAY"))
    frame = frame.with_columns(
        pl.when(pl.col("PD_DAY").is_not_null())
        .then(pl.max_horizontal(death, pl.col("PD_DAY") + SURVIVAL_AFTER_PD))
        .otherwise(death)
        .alias("DEATH_DAY")
    )
    return frame.select("TEMPLATE", "PROFILE", "PD_DAY", "DEATH_DAY")


def _enrolment_offsets_reference(outcomes: pl.DataFrame) -> np.ndarray:
    """Evenly spread enrolment; the subjects who need the longest time before the cut-off enrol first."""
    n = outcomes.height
    window = (ENROL_LAST - ENROL_FIRST).days
    offsets = np.round(np.linspace(0, window, n)).astype(np.int64)
    # Days a subject must live inside the snapshot: to death, to a PD seen alive, or a year of scans.
    need = outcomes.select(pl.coalesce("DEATH_DAY", pl.col("PD_DAY") + SURVIVAL_AFTER_PD, pl.lit(365))).to_series()
    order = np.argsort(-need.to_numpy(), kind="stable")
    assigned = np.empty(n, dtype=np.int64)
    assigned[order] = offsets
    return assigned


def _enrolment_offsets_random(n: int, rng: np.random.Generator) -> np.ndarray:
    window = (ENROL_LAST - ENROL_FIRST).days
    offsets = np.sort(rng.integers(0, window + 1, n))
    offsets[0], offsets[-1] = 0, window
    return rng.permutation(offsets)


def _outcomes(n: int, rng: np.random.Generator) -> tuple[pl.DataFrame, np.ndarray]:
    if n == REFERENCE_SUBJECTS:
        outcomes = _reference_outcomes()
        return outcomes, _enrolment_offsets_reference(outcomes)
    outcomes = _resampled_outcomes(n, rng)
    return outcomes, _enrolment_offsets_random(n, rng)


def _identity(frame: pl.DataFrame, n: int) -> pl.DataFrame:
    """Subject numbers follow enrolment order, as a site log would."""
    width = max(3, len(str(n)))
    frame = frame.sort("ENRLDT", "IDX").with_columns(
        pl.int_range(1, pl.len() + 1).cast(pl.String).str.zfill(width).alias("SUBJID")
    )
    return frame.with_columns(
        pl.concat_str(pl.lit(STUDYID), pl.lit("-"), "SITEID", pl.lit("-"), "SUBJID").alias("USUBJID")
    )


def _demography(n: int, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Ages and sexes typical of oesophageal squamous cell carcinoma in China (mostly men in their 60s)."""
    return {
        "AGE": np.clip(np.round(rng.normal(62, 7.5, n)), 42, 79).astype(np.int64),
        "SEX": np.where(rng.random(n) < 0.84, "M", "F"),
        "SITEID": np.char.zfill(rng.integers(1, 6, n).astype(str), 2),
        "START_LAG": rng.integers(0, 3, n),
        "CONSENT_LAG": rng.integers(15, 26, n),
        "BASE_SCAN_DAY": -rng.integers(3, 15, n),
        "SCREEN_LAB_DAY": -rng.integers(2, 6, n),
    }


def _lesion_layout(frame: pl.DataFrame, rng: np.random.Generator) -> pl.DataFrame:
    """Two or three target lesions: T01 irradiated primary, T02/T03 outside the radiation field."""
    n = frame.height
    two = frame.join(_min_pd_days().rename({"profile": "PROFILE"}), on="PROFILE", how="left", maintain_order="left")
    two_targets = two["two_targets"].to_numpy()
    l2_nodal = (rng.random(n) < 0.35) & ~two_targets
    return frame.with_columns(
        pl.Series("N_TARGETS", np.where(two_targets | (rng.random(n) < 0.5), 2, 3)),
        pl.Series("L2_NODAL", l2_nodal),
        pl.Series("L2_LIVER", rng.random(n) < 0.5),
        pl.Series("L1_SIZE", np.where(two_targets, rng.integers(40, 51, n), rng.integers(25, 51, n))),
        pl.Series("L2_SIZE", np.where(two_targets, rng.integers(15, 26, n), rng.integers(15, 31, n))),
        pl.Series("L3_SIZE", rng.integers(12, 31, n)),
        pl.Series("NEW_AT_PD", rng.random(n) < 0.35),
    )


def build_subjects(n: int, seed: int) -> pl.DataFrame:
    """One plan row per subject; every later dataset is derived from it."""
    if n < 1:
        raise ValueError("the study needs at least one subject")
    rng = np.random.default_rng(seed)
    outcomes, enrol_offsets = _outcomes(n, rng)
    demo = _demography(n, rng)
    frame = outcomes.with_columns(
        pl.int_range(0, n).alias("IDX"),
        (pl.lit(ENROL_FIRST) + pl.duration(days=pl.Series(enrol_offsets))).alias("ENRLDT"),
        *(pl.Series(k, v) for k, v in demo.items()),
    )
    last = pl.max_horizontal(pl.col("ENRLDT"), pl.lit(ENROL_LAST))
    frame = frame.with_columns(
        pl.min_horizontal(pl.col("ENRLDT") + pl.duration(days="START_LAG"), last).alias("START")
    ).with_columns(
        (pl.col("START") - pl.duration(days="CONSENT_LAG")).alias("CONSENT"),
        (pl.lit(CUTOFF) - pl.col("START")).dt.total_days().alias("CUT_DAY"),
    )
    # The cut-off censors whatever the plan puts after it (only happens when resampling).
    frame = frame.with_columns(
        pl.when(pl.col("PD_DAY") <= pl.col("CUT_DAY")).then("PD_DAY").alias("PD_DAY"),
        pl.when(pl.col("DEATH_DAY") <= pl.col("CUT_DAY")).then("DEATH_DAY").alias("DEATH_DAY"),
    )
    frame = _lesion_layout(frame, rng)
    return _identity(frame, n).sort("USUBJID")


def day_to_date(start: str, day: str | pl.Expr) -> pl.Expr:
    """The calendar date `day` days after the subject's first dose (day 0 = first dose)."""
    offset = pl.col(day) if isinstance(day, str) else day
    return pl.col(start) + pl.duration(days=offset)


def iso(expr: pl.Expr) -> pl.Expr:
    """A date as full ISO 8601 text."""
    return expr.dt.strftime("%Y-%m-%d")


def study_day(day: str | pl.Expr) -> pl.Expr:
    """SDTM study day from a 0-based offset to the first dose: there is no day 0."""
    offset = pl.col(day) if isinstance(day, str) else day
    return pl.when(offset >= 0).then(offset + 1).otherwise(offset)
