"""Tumour domains: the imaging schedule, lesions (TU, SUPPTU), measurements (TR) and responses (RS)."""

from __future__ import annotations

import numpy as np
import polars as pl

from audit.synth.design import MAX_TREATMENT_DAYS, PD_SCAN_GAP, SCAN_DAYS, STUDYID, day_to_date, iso, study_day, table
from audit.synth.response import best_overall_response, overall_response, target_response

MAX_SCANS = MAX_TREATMENT_DAYS // SCAN_DAYS


def scans(subjects: pl.DataFrame, rng: np.random.Generator) -> pl.DataFrame:
    """Baseline scan, then every 6 weeks (+1 to +3 days) while alive; a PD scan ends the series."""
    grid = subjects.select(
        "USUBJID", "PD_DAY", "DEATH_DAY", "CUT_DAY", pl.int_ranges(1, MAX_SCANS + 1).alias("VISITNUM")
    ).explode("VISITNUM")
    grid = grid.with_columns((pl.col("VISITNUM") * SCAN_DAYS + pl.Series(rng.integers(1, 4, grid.height))).alias("DAY"))
    limit = (
        pl.when(pl.col("PD_DAY").is_not_null())
        .then(pl.col("PD_DAY") - PD_SCAN_GAP)
        .otherwise(pl.min_horizontal(pl.col("DEATH_DAY").fill_null(1 << 30) - 1, "CUT_DAY"))
    )
    regular = grid.filter(pl.col("DAY") <= limit).select("USUBJID", "VISITNUM", "DAY", pl.lit(False).alias("IS_PD"))
    counts = regular.group_by("USUBJID").agg(pl.len().alias("N_REGULAR"))
    progression = (
        subjects.filter(pl.col("PD_DAY").is_not_null())
        .join(counts, on="USUBJID", how="left")
        .select(
            "USUBJID",
            (pl.col("N_REGULAR").fill_null(0) + 1).alias("VISITNUM"),
            pl.col("PD_DAY").alias("DAY"),
            pl.lit(True).alias("IS_PD"),
        )
        .cast({"VISITNUM": pl.Int64})
    )
    baseline = subjects.select(
        "USUBJID",
        pl.lit(0, pl.Int64).alias("VISITNUM"),
        pl.col("BASE_SCAN_DAY").alias("DAY"),
        pl.lit(False).alias("IS_PD"),
    )
    return pl.concat([baseline, regular.cast({"VISITNUM": pl.Int64}), progression]).sort("USUBJID", "VISITNUM")


def lesions(subjects: pl.DataFrame) -> pl.DataFrame:
    """T01 irradiated oesophageal primary; T02/T03 out of field (lung, liver or node); NT01 a pathological node."""
    l2_loc = pl.when(pl.col("L2_NODAL")).then(pl.lit("LYMPH NODE")).when(pl.col("L2_LIVER")).then(pl.lit("LIVER"))
    l2_loc = l2_loc.otherwise(pl.lit("LUNG"))
    l3_loc = pl.when(pl.col("L2_LIVER") & ~pl.col("L2_NODAL")).then(pl.lit("LUNG")).otherwise(pl.lit("LIVER"))
    common = ["USUBJID", "PROFILE"]
    parts = [
        subjects.select(
            *common,
            pl.lit("T01").alias("LNKID"),
            pl.lit("TARGET").alias("GROUP"),
            pl.lit("Y").alias("IRR"),
            pl.lit("OESOPHAGUS").alias("LOC"),
            pl.col("L1_SIZE").alias("BASE"),
        ),
        subjects.select(
            *common,
            pl.lit("T02").alias("LNKID"),
            pl.lit("TARGET").alias("GROUP"),
            pl.lit("N").alias("IRR"),
            l2_loc.alias("LOC"),
            pl.col("L2_SIZE").alias("BASE"),
        ),
        subjects.filter(pl.col("N_TARGETS") == 3).select(
            *common,
            pl.lit("T03").alias("LNKID"),
            pl.lit("TARGET").alias("GROUP"),
            pl.lit("N").alias("IRR"),
            l3_loc.alias("LOC"),
            pl.col("L3_SIZE").alias("BASE"),
        ),
        subjects.select(
            *common,
            pl.lit("NT01").alias("LNKID"),
            pl.lit("NON-TARGET").alias("GROUP"),
            pl.lit("N").alias("IRR"),
            pl.lit("LYMPH NODE").alias("LOC"),
            pl.lit(None, pl.Int64).alias("BASE"),
        ),
    ]
    frame = pl.concat([p.cast({"BASE": pl.Int64}) for p in parts]).sort("USUBJID", "LNKID")
    return frame.with_columns((pl.col("LOC") == "LYMPH NODE").alias("NODAL"))


def _size_before_progression(k: pl.Expr) -> pl.Expr:
    """Size at regular scan k (0 = baseline) from the profile's shrinkage factors."""
    irr = pl.col("IRR") == "Y"
    factor = pl.when(irr).then("irr_factor").otherwise("abs_factor")
    add = pl.when(irr).then("irr_add").otherwise("abs_add")
    shrunk = (pl.col("BASE") * factor + add).round(0).cast(pl.Int64)
    # At CR a node keeps its (normal, < 10 mm) short axis in the sum (RECIST 1.1 section 4.2).
    complete = pl.when(pl.col("NODAL")).then(pl.min_horizontal((pl.col("BASE") * 0.3).round(0).cast(pl.Int64), 9))
    return pl.when(k == 0).then(pl.col("BASE")).when(pl.col("complete")).then(complete.otherwise(0)).otherwise(shrunk)


def _profile_factors(step: str) -> pl.DataFrame:
    return table("profiles").select(
        pl.col("profile").alias("PROFILE"),
        pl.col("scan").alias(step),
        "irr_factor",
        "irr_add",
        "abs_factor",
        "abs_add",
        "complete",
    )


def target_sizes(targets: pl.DataFrame, visits: pl.DataFrame) -> pl.DataFrame:
    """Every target's size at every scan; at the PD scan each grows by 30 % + 5 mm over its previous size."""
    rows = targets.join(visits, on="USUBJID").with_columns(
        pl.min_horizontal(pl.col("VISITNUM"), 2).alias("STEP"),
        pl.min_horizontal(pl.col("VISITNUM") - 1, 2).clip(0).alias("PREV_STEP"),
    )
    current = rows.join(_profile_factors("STEP"), on=["PROFILE", "STEP"], how="left")
    current = current.with_columns(_size_before_progression(pl.col("VISITNUM")).alias("SIZE"))
    previous = rows.join(_profile_factors("PREV_STEP"), on=["PROFILE", "PREV_STEP"], how="left", maintain_order="left")
    prev_size = previous.select(_size_before_progression(pl.col("VISITNUM") - 1).alias("PREV_SIZE"))
    sizes = current.select("USUBJID", "LNKID", "VISITNUM", "DAY", "IS_PD", "NODAL", "IRR", "SIZE")
    sizes = sizes.sort("USUBJID", "LNKID", "VISITNUM")
    prev = rows.select("USUBJID", "LNKID", "VISITNUM").with_columns(prev_size.to_series())
    sizes = sizes.join(prev, on=["USUBJID", "LNKID", "VISITNUM"], how="left")
    grown = (pl.col("PREV_SIZE") * 1.3 + 5).round(0).cast(pl.Int64)
    return sizes.with_columns(pl.when(pl.col("IS_PD")).then(grown).otherwise("SIZE").alias("SIZE")).drop("PREV_SIZE")


def non_target_state(subjects: pl.DataFrame, visits: pl.DataFrame) -> pl.DataFrame:
    """NT01 present throughout, except in complete responders, where it resolves from the second scan."""
    rows = visits.join(subjects.select("USUBJID", "PROFILE"), on="USUBJID")
    absent = (pl.col("PROFILE") == "CR") & (pl.col("VISITNUM") >= 2)
    return rows.select(
        "USUBJID", "VISITNUM", "DAY", pl.when(absent).then(pl.lit("ABSENT")).otherwise(pl.lit("PRESENT")).alias("STATE")
    )


def new_lesions(subjects: pl.DataFrame, visits: pl.DataFrame) -> pl.DataFrame:
    """A new lesion appears at the PD scan of some subjects (always with target progression too)."""
    return (
        visits.filter("IS_PD")
        .join(subjects.select("USUBJID", "NEW_AT_PD"), on="USUBJID")
        .filter("NEW_AT_PD")
        .select("USUBJID", "VISITNUM", "DAY")
    )


def timepoint_responses(sizes: pl.DataFrame, states: pl.DataFrame, new: pl.DataFrame) -> pl.DataFrame:
    """Per post-baseline scan: target, non-target, new-lesion and overall response, plus the out-of-field ones."""
    overall = target_response(sizes)
    abscopal = target_response(sizes.filter(pl.col("IRR") == "N")).select(
        "USUBJID", "VISITNUM", pl.col("TRGRESP").alias("ABSRESP"), pl.col("SUM").alias("ABSSUM")
    )
    nt = states.select(
        "USUBJID",
        "VISITNUM",
        pl.when(pl.col("STATE") == "ABSENT").then(pl.lit("CR")).otherwise(pl.lit("NON-CR/NON-PD")).alias("NTRGRESP"),
    )
    frame = overall.join(abscopal, on=["USUBJID", "VISITNUM"], how="left").join(nt, on=["USUBJID", "VISITNUM"])
    frame = frame.join(
        new.select("USUBJID", "VISITNUM", pl.lit("Y").alias("NEWLIND")), on=["USUBJID", "VISITNUM"], how="left"
    ).with_columns(pl.col("NEWLIND").fill_null("N"))
    frame = frame.with_columns(
        overall_response(pl.col("TRGRESP"), pl.col("NTRGRESP"), pl.col("NEWLIND")).alias("OVRLRESP"),
        # Out-of-field response: the same arithmetic on IRRADFL = N targets; a new lesion is still PD.
        pl.when(pl.col("NEWLIND") == "Y").then(pl.lit("PD")).otherwise("ABSRESP").alias("ABSRESP"),
    )
    return frame.filter(pl.col("VISITNUM") > 0).sort("USUBJID", "VISITNUM")


def best_responses(timepoints: pl.DataFrame, subjects: pl.DataFrame) -> pl.DataFrame:
    """Confirmed BOR overall and out of field (ABSBOR) per subject, with the day each was reached."""
    ids = subjects.get_column("USUBJID")
    bor = best_overall_response(timepoints.select("USUBJID", "DAY", pl.col("OVRLRESP").alias("RESP")), ids)
    absbor = best_overall_response(timepoints.select("USUBJID", "DAY", pl.col("ABSRESP").alias("RESP")), ids)
    return bor.join(absbor.rename({"BOR": "ABSBOR", "BORDAY": "ABSBORDAY"}), on="USUBJID").sort("USUBJID")


def visit_name(visitnum: pl.Expr) -> pl.Expr:
    """BASELINE, then WEEK 6, WEEK 12, ... by scan number."""
    return pl.when(visitnum == 0).then(pl.lit("BASELINE")).otherwise(pl.format("WEEK {}", visitnum * 6))


def with_dates(frame: pl.DataFrame, subjects: pl.DataFrame, prefix: str) -> pl.DataFrame:
    """Add <prefix>DTC and <prefix>DY from DAY and the subject's first dose."""
    frame = frame.join(subjects.select("USUBJID", "START"), on="USUBJID", how="left")
    return frame.with_columns(
        iso(day_to_date("START", "DAY")).alias(f"{prefix}DTC"), study_day("DAY").alias(f"{prefix}DY")
    ).drop("START")


def sequence(name: str) -> pl.Expr:
    """--SEQ numbered 1.. within each subject in the frame's current order."""
    return pl.int_range(1, pl.len() + 1).over("USUBJID").alias(name)


def study_columns(domain: str) -> list[pl.Expr]:
    return [pl.lit(STUDYID).alias("STUDYID"), pl.lit(domain).alias("DOMAIN")]
