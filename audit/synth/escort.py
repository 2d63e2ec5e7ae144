"""Synthetic two-arm snapshot shaped after a randomised phase 3 trial (camrelizumab against chemotherapy).

ADSL and ADTTE for 457 randomised subjects (448 treated: 228 camrelizumab, 220
chemotherapy), built so that the published figures are reproduced: each arm's
death days are quantiles of a piecewise-linear survival template whose knots
(ARMS) were solved for the printed medians, their 95 % CIs, the stratified
hazard ratio with its CI and the two-sided p-value; survivors are censored at
the data cut-off (ADSL.DCUTDT), their follow-up spread so that the quartiles of
observation time give the printed follow-up IQRs. Everything is deterministic.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import polars as pl

STUDYID = "ESCORT-SYN"
ENROL_FIRST = date(2017, 5, 10)
ENROL_LAST = date(2018, 7, 24)
CUTOFF = date(2019, 5, 6)
MONTH = 30.4375
EXPERIMENTAL, CONTROL = "Camrelizumab", "Chemotherapy"
# arm -> (treated, deaths, randomised but never treated, survival template knots (months, S),
# survivors' follow-up: they are censored at the cut-off after FIRST to LAST months, spaced as u ** WARP
# for u evenly in [0, 1]). The knots at S = 0.75 place the first quartile of observation time.
ARMS = {
    EXPERIMENTAL: (228, 174, 4, ((0, 1.0), (2, 0.8340332876), (4.1, 0.75), (6.8267836547, 0.565), (8.3, 0.5),
                                 (9.7, 0.435), (11.5, 0.3592724665), (14, 0.2665306019), (24, 0.1889310083)),
                   (10.5413183219, 19.6223169004, 1.0317633576)),
    CONTROL: (220, 188, 5, ((0, 1.0), (2, 0.9091220409), (3.6, 0.75), (5.7, 0.565), (6.2, 0.5), (6.9, 0.435),
                            (9, 0.3110064515), (12, 0.1684270346), (20, 0.0617559565)),
              (9.5107413773, 18.1851200457, 0.8740178042)),
}
DISEASE = ("Locally advanced", "Metastatic")
ECOG = ("0", "1")
GOLDEN = 0.6180339887498949  # spreads entry dates evenly without a random draw


def _arm_days(treated: int, deaths: int, knots: tuple, censored: tuple) -> tuple[np.ndarray, np.ndarray]:
    """OS days (deaths first, then survivors) and event flags of one arm."""
    times, surv = (np.array(column, dtype=np.float64) for column in zip(*knots, strict=True))
    target = 1 - (np.arange(1, deaths + 1) - 0.5) / treated
    death_days = np.round(np.interp(-target, -surv, times) * MONTH)
    first, last, warp = censored
    censored_days = np.round((first + (last - first) * np.linspace(0, 1, treated - deaths) ** warp) * MONTH)
    return np.r_[death_days, censored_days], np.r_[np.ones(deaths, np.int64), np.zeros(treated - deaths, np.int64)]


def _start_dates(days: np.ndarray, events: np.ndarray) -> list[date]:
    """First-dose dates: survivors so that the cut-off ends their follow-up; deaths spread in the window."""
    first, last = ENROL_FIRST + timedelta(days=3), ENROL_LAST - timedelta(days=1)
    latest = np.minimum((CUTOFF - first).days - days + 1, (last - first).days)
    spread = (np.arange(days.size) * GOLDEN) % 1.0
    offset = np.where(events == 1, np.floor(spread * latest), (CUTOFF - first).days - days + 1).astype(int)
    return [first + timedelta(days=int(o)) for o in offset]


def _treated_frame() -> pl.DataFrame:
    """One row per treated subject: arm, OS days, event flag, stratum code, first dose date."""
    parts = []
    for arm, (treated, deaths, _, knots, censored) in ARMS.items():
        days, events = _arm_days(treated, deaths, knots, censored)
        parts.append(pl.DataFrame({"TRT01P": [arm] * treated, "AVAL": days, "EVENT": events}))
    frame = pl.concat(parts).with_row_index("ORDER")
    # Stratum by a fixed stride through the subjects: balanced over arms and unrelated to survival.
    frame = frame.with_columns(((pl.col("ORDER") * 7) % 4).alias("STRATUM"))
    return frame.with_columns(pl.Series("TRTSDT", _start_dates(frame["AVAL"].to_numpy(), frame["EVENT"].to_numpy())))


def _untreated_frame(start: int) -> pl.DataFrame:
    """Randomised subjects who never received treatment; two of them open and close enrolment."""
    arms = [arm for arm, (_, _, untreated, *_) in ARMS.items() for _ in range(untreated)]
    window = (ENROL_LAST - ENROL_FIRST).days
    offsets = np.round(np.linspace(0, window, len(arms))).astype(int)
    return pl.DataFrame({"ORDER": np.arange(start, start + len(arms), dtype=np.uint32), "TRT01P": arms,
                         "STRATUM": (np.arange(len(arms)) % 4).astype(np.uint32),
                         "ENRLDT": [ENROL_FIRST + timedelta(days=int(o)) for o in offsets]})


def generate_escort() -> dict[str, pl.DataFrame]:
    """ADSL and ADTTE (PARAMCD OS) of the synthetic two-arm trial."""
    treated = _treated_frame().with_columns((pl.col("TRTSDT") - pl.duration(days=2)).alias("ENRLDT"))
    everyone = pl.concat([treated, _untreated_frame(treated.height)], how="diagonal")
    everyone = everyone.with_columns(
        pl.format("{}-{}", pl.lit(STUDYID), (pl.col("ORDER") + 1).cast(pl.String).str.zfill(4)).alias("USUBJID"))
    adsl = everyone.select(
        pl.lit(STUDYID).alias("STUDYID"), "USUBJID", "TRT01P",
        pl.when(pl.col("TRTSDT").is_not_null()).then(pl.col("TRT01P")).alias("TRT01A"),
        pl.when(pl.col("STRATUM") // 2 == 0).then(pl.lit(DISEASE[0])).otherwise(pl.lit(DISEASE[1])).alias("STRATA1"),
        pl.when(pl.col("STRATUM") % 2 == 0).then(pl.lit(ECOG[0])).otherwise(pl.lit(ECOG[1])).alias("STRATA2"),
        pl.lit("Y").alias("ITTFL"), pl.when(pl.col("TRTSDT").is_not_null()).then(pl.lit("Y"))
        .otherwise(pl.lit("N")).alias("SAFFL"), "ENRLDT", "TRTSDT", pl.lit(CUTOFF).alias("DCUTDT"),
    ).sort("USUBJID")
    ids = everyone.filter(pl.col("TRTSDT").is_not_null()).select("USUBJID", "AVAL", "EVENT", "TRTSDT")
    adtte = ids.select(
        pl.lit(STUDYID).alias("STUDYID"), "USUBJID", pl.lit("OS").alias("PARAMCD"),
        pl.lit("Overall survival (days)").alias("PARAM"), pl.col("AVAL").cast(pl.Float64),
        (1 - pl.col("EVENT")).cast(pl.Int64).alias("CNSR"), pl.col("TRTSDT").alias("STARTDT"),
        (pl.col("TRTSDT") + pl.duration(days=pl.col("AVAL").cast(pl.Int64) - 1)).alias("ADT"),
    ).sort("USUBJID")
    return {"ADSL": adsl, "ADTTE": adtte}
