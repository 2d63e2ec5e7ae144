"""SDTM TU, SUPPTU, TR and RS records from the generated lesions, sizes and responses."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from audit.synth.tumours import (
    best_responses,
    lesions,
    new_lesions,
    non_target_state,
    scans,
    sequence,
    study_columns,
    target_sizes,
    timepoint_responses,
    visit_name,
    with_dates,
)

EVALUATOR = "INVESTIGATOR"
RESPONSE_TESTS = {
    "TRGRESP": "Target Response",
    "NTRGRESP": "Non-target Response",
    "NEWLIND": "New Lesion Indicator",
    "OVRLRESP": "Overall Response",
}


@dataclass(frozen=True)
class Tumours:
    """Everything the tumour domains and ADRS/ADTTE are built from."""

    visits: pl.DataFrame
    lesions: pl.DataFrame
    sizes: pl.DataFrame
    states: pl.DataFrame
    new: pl.DataFrame
    timepoints: pl.DataFrame
    best: pl.DataFrame


def build_tumours(subjects: pl.DataFrame, rng: np.random.Generator) -> Tumours:
    """Scans, lesions, sizes and the responses derived from them."""
    visits = scans(subjects, rng)
    found = lesions(subjects)
    sizes = target_sizes(found.filter(pl.col("GROUP") == "TARGET"), visits)
    states = non_target_state(subjects, visits)
    new = new_lesions(subjects, visits)
    timepoints = timepoint_responses(sizes, states, new)
    return Tumours(visits, found, sizes, states, new, timepoints, best_responses(timepoints, subjects))


def _tu_rows(subjects: pl.DataFrame, t: Tumours) -> pl.DataFrame:
    base_day = subjects.select("USUBJID", pl.col("BASE_SCAN_DAY").alias("DAY"))
    known = t.lesions.join(base_day, on="USUBJID").select(
        "USUBJID", "LNKID", "GROUP", "LOC", "IRR", "DAY", pl.lit(0, pl.Int64).alias("VISITNUM")
    )
    new = t.new.select(
        "USUBJID",
        pl.lit("NEW01").alias("LNKID"),
        pl.lit("NEW").alias("GROUP"),
        pl.lit("LIVER").alias("LOC"),
        pl.lit("N").alias("IRR"),
        "DAY",
        "VISITNUM",
    )
    return pl.concat([known, new]).sort("USUBJID", "VISITNUM", "LNKID")


def tu_and_supptu(subjects: pl.DataFrame, t: Tumours) -> tuple[pl.DataFrame, pl.DataFrame]:
    """TU: one identification record per lesion; SUPPTU IRRADFL says whether it lies in the radiation field."""
    rows = with_dates(_tu_rows(subjects, t), subjects, "TU").with_columns(sequence("TUSEQ"))
    tu = rows.select(
        *study_columns("TU"),
        "USUBJID",
        "TUSEQ",
        pl.col("LNKID").alias("TULNKID"),
        pl.lit("TUMIDENT").alias("TUTESTCD"),
        pl.lit("Tumor Identification").alias("TUTEST"),
        pl.col("GROUP").alias("TUORRES"),
        pl.col("GROUP").alias("TUSTRESC"),
        pl.col("LOC").alias("TULOC"),
        pl.lit("CT SCAN").alias("TUMETHOD"),
        "TUDTC",
        visit_name(pl.col("VISITNUM")).alias("VISIT"),
        pl.col("VISITNUM").cast(pl.Float64),
        pl.lit(EVALUATOR).alias("TUEVAL"),
    )
    supptu = rows.select(
        study_columns("SUPPTU")[0],
        pl.lit("TU").alias("RDOMAIN"),
        "USUBJID",
        pl.lit("TUSEQ").alias("IDVAR"),
        pl.col("TUSEQ").cast(pl.String).alias("IDVARVAL"),
        pl.lit("IRRADFL").alias("QNAM"),
        pl.lit("Lesion in Radiation Field").alias("QLABEL"),
        pl.col("IRR").alias("QVAL"),
        pl.lit("CRF").alias("QORIG"),
    )
    return tu, supptu


def _tr_rows(t: Tumours) -> pl.DataFrame:
    measured = t.sizes.select(
        "USUBJID",
        "VISITNUM",
        "DAY",
        "LNKID",
        pl.lit("TARGET").alias("GROUP"),
        pl.when("NODAL").then(pl.lit("SAXIS")).otherwise(pl.lit("LDIAM")).alias("TESTCD"),
        pl.col("SIZE").cast(pl.Float64).alias("VALUE"),
        pl.lit(None, pl.String).alias("TEXT"),
    )
    sums = (
        t.sizes.group_by("USUBJID", "VISITNUM")
        .agg(pl.col("DAY").first(), pl.col("SIZE").sum())
        .select(
            "USUBJID",
            "VISITNUM",
            "DAY",
            pl.lit(None, pl.String).alias("LNKID"),
            pl.lit("TARGET").alias("GROUP"),
            pl.lit("SUMDIAM").alias("TESTCD"),
            pl.col("SIZE").cast(pl.Float64).alias("VALUE"),
            pl.lit(None, pl.String).alias("TEXT"),
        )
    )
    states = t.states.select(
        "USUBJID",
        "VISITNUM",
        "DAY",
        pl.lit("NT01").alias("LNKID"),
        pl.lit("NON-TARGET").alias("GROUP"),
        pl.lit("TUMSTATE").alias("TESTCD"),
        pl.lit(None, pl.Float64).alias("VALUE"),
        pl.col("STATE").alias("TEXT"),
    )
    order = pl.col("TESTCD").replace_strict({"LDIAM": 0, "SAXIS": 0, "SUMDIAM": 1, "TUMSTATE": 2}, return_dtype=pl.Int8)
    return pl.concat([measured, sums, states]).sort("USUBJID", "VISITNUM", order, "LNKID", nulls_last=True)


def tr(subjects: pl.DataFrame, t: Tumours) -> pl.DataFrame:
    """TR: target diameters (LDIAM, nodal SAXIS), their reported sum (SUMDIAM) and non-target state."""
    tests = {
        "LDIAM": "Longest Diameter",
        "SAXIS": "Short Axis",
        "SUMDIAM": "Sum of Diameter",
        "TUMSTATE": "Tumor State",
    }
    rows = with_dates(_tr_rows(t), subjects, "TR").with_columns(sequence("TRSEQ"))
    text = pl.coalesce(pl.col("TEXT"), pl.col("VALUE").cast(pl.Int64).cast(pl.String))
    return rows.select(
        *study_columns("TR"),
        "USUBJID",
        "TRSEQ",
        pl.col("LNKID").alias("TRLNKID"),
        pl.col("GROUP").alias("TRGRPID"),
        pl.col("TESTCD").alias("TRTESTCD"),
        pl.col("TESTCD").replace_strict(tests).alias("TRTEST"),
        text.alias("TRORRES"),
        pl.when(pl.col("VALUE").is_not_null()).then(pl.lit("mm")).alias("TRORRESU"),
        text.alias("TRSTRESC"),
        pl.col("VALUE").alias("TRSTRESN"),
        pl.when(pl.col("VALUE").is_not_null()).then(pl.lit("mm")).alias("TRSTRESU"),
        "TRDTC",
        "TRDY",
        visit_name(pl.col("VISITNUM")).alias("VISIT"),
        pl.col("VISITNUM").cast(pl.Float64),
        pl.lit(EVALUATOR).alias("TREVAL"),
    )


def _rs_rows(subjects: pl.DataFrame, t: Tumours) -> pl.DataFrame:
    long = t.timepoints.unpivot(
        index=["USUBJID", "VISITNUM", "DAY"], on=list(RESPONSE_TESTS), variable_name="TESTCD", value_name="RESULT"
    )
    order = pl.col("TESTCD").replace_strict({k: i for i, k in enumerate(RESPONSE_TESTS)}, return_dtype=pl.Int8)
    long = long.sort("USUBJID", "VISITNUM", order).with_columns(pl.col("VISITNUM").cast(pl.Float64))
    best = t.best.select(
        "USUBJID",
        pl.lit(None, pl.Float64).alias("VISITNUM"),
        pl.col("BORDAY").alias("DAY"),
        pl.lit("BESTRSP").alias("TESTCD"),
        pl.col("BOR").alias("RESULT"),
    )
    return pl.concat([long, best.cast({"DAY": long.schema["DAY"]})]).sort(
        "USUBJID", pl.col("VISITNUM").fill_null(1e9), maintain_order=True
    )


def rs(subjects: pl.DataFrame, t: Tumours) -> pl.DataFrame:
    """RS: per-scan target, non-target, new-lesion and overall responses, and the confirmed best response."""
    rows = with_dates(_rs_rows(subjects, t), subjects, "RS").with_columns(sequence("RSSEQ"))
    tests = {**RESPONSE_TESTS, "BESTRSP": "Best Overall Response"}
    visit = pl.when(pl.col("VISITNUM").is_not_null()).then(visit_name(pl.col("VISITNUM").cast(pl.Int64)))
    return rows.select(
        *study_columns("RS"),
        "USUBJID",
        "RSSEQ",
        pl.col("TESTCD").alias("RSTESTCD"),
        pl.col("TESTCD").replace_strict(tests).alias("RSTEST"),
        pl.lit("RECIST 1.1").alias("RSCAT"),
        pl.col("RESULT").alias("RSORRES"),
        pl.col("RESULT").alias("RSSTRESC"),
        "RSDTC",
        "RSDY",
        visit.alias("VISIT"),
        "VISITNUM",
        pl.lit(EVALUATOR).alias("RSEVAL"),
    )
