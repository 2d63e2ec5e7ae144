"""RECIST 1.1 arithmetic the generator uses to write RS from its own TR (Eisenhauer 2009, sections 4.3-4.4).

The generator derives responses from the measurements it wrote, so RS agrees
with TR by construction; the test suite recomputes them independently.
"""

from __future__ import annotations

import polars as pl

CONFIRMATION_DAYS = 28  # section 4.4.2: CR/PR confirmed by an assessment >= 4 weeks later
SD_MINIMUM_DAYS = 42  # protocol minimum from first dose for SD to count as best response
RESPONSE_CODE = {"CR": 1, "PR": 2, "SD": 3, "NON-CR/NON-PD": 4, "PD": 5, "NE": 6}


def target_response(measurements: pl.DataFrame) -> pl.DataFrame:
    """Sum, nadir and target response per visit from per-lesion sizes (USUBJID, VISITNUM, DAY, NODAL, SIZE)."""
    per_visit = (
        measurements.group_by("USUBJID", "VISITNUM")
        .agg(
            pl.col("DAY").first(),
            pl.col("SIZE").sum().alias("SUM"),
            # CR: non-nodal targets gone and every target node below 10 mm short axis (section 4.3.1)
            (pl.when(pl.col("NODAL")).then(pl.col("SIZE") < 10).otherwise(pl.col("SIZE") == 0)).all().alias("GONE"),
        )
        .sort("USUBJID", "VISITNUM")
    )
    per_visit = per_visit.with_columns(
        pl.col("SUM").first().over("USUBJID").alias("BASE"),
        pl.col("SUM").cum_min().shift(1).over("USUBJID").alias("NADIR"),
    )
    # PD: >= 20 % and >= 5 mm over the nadir; PR: >= 30 % below baseline. Integer arithmetic, no float edges.
    progressed = (pl.col("SUM") * 10 >= pl.col("NADIR") * 12) & (pl.col("SUM") - pl.col("NADIR") >= 5)
    response = (
        pl.when(pl.col("VISITNUM") == 0)
        .then(None)
        .when(progressed)
        .then(pl.lit("PD"))
        .when(pl.col("GONE"))
        .then(pl.lit("CR"))
        .when(pl.col("SUM") * 10 <= pl.col("BASE") * 7)
        .then(pl.lit("PR"))
        .otherwise(pl.lit("SD"))
    )
    return per_visit.with_columns(response.alias("TRGRESP"))


def overall_response(target: pl.Expr, non_target: pl.Expr, new: pl.Expr) -> pl.Expr:
    """RECIST 1.1 Table 1: overall response from target, non-target and new-lesion results."""
    return (
        pl.when((target == "PD") | (non_target == "PD") | (new == "Y"))
        .then(pl.lit("PD"))
        .when((target == "CR") & (non_target.is_null() | (non_target == "CR")))
        .then(pl.lit("CR"))
        .when(target.is_in(["CR", "PR"]))
        .then(pl.lit("PR"))
        .when(target == "SD")
        .then(pl.lit("SD"))
        .otherwise(pl.lit("NE"))
    )


def best_overall_response(timepoints: pl.DataFrame, subjects: pl.Series) -> pl.DataFrame:
    """Confirmed BOR per subject (USUBJID, BOR, BORDAY) from time points (USUBJID, DAY, RESP)."""
    first_pd = timepoints.filter(pl.col("RESP") == "PD").group_by("USUBJID").agg(pl.col("DAY").min().alias("PDDAY"))
    usable = timepoints.join(first_pd, on="USUBJID", how="left").filter(
        pl.col("PDDAY").is_null() | (pl.col("DAY") <= pl.col("PDDAY"))
    )
    later = usable.select("USUBJID", pl.col("DAY").alias("LATER"), pl.col("RESP").alias("LATER_RESP"))
    pairs = usable.join(later, on="USUBJID").filter(pl.col("LATER") >= pl.col("DAY") + CONFIRMATION_DAYS)
    confirmed = pairs.group_by("USUBJID", "DAY", "RESP").agg(
        ((pl.col("RESP") == "CR") & (pl.col("LATER_RESP") == "CR")).any().alias("CONF_CR"),
        (pl.col("RESP").is_in(["CR", "PR"]) & pl.col("LATER_RESP").is_in(["CR", "PR"])).any().alias("CONF_PR"),
    )
    scored = usable.join(confirmed, on=["USUBJID", "DAY", "RESP"], how="left").with_columns(
        pl.when(pl.col("CONF_CR"))
        .then(1)
        .when(pl.col("CONF_PR"))
        .then(2)
        .when(pl.col("RESP").is_in(["CR", "PR", "SD", "NON-CR/NON-PD"]) & (pl.col("DAY") >= SD_MINIMUM_DAYS))
        .then(3)
        .when(pl.col("RESP") == "PD")
        .then(5)
        .otherwise(6)
        .alias("RANK")
    )
    best = (
        scored.sort("USUBJID", "RANK", "DAY")
        .group_by("USUBJID", maintain_order=True)
        .agg(pl.col("RANK").first(), pl.col("DAY").first().alias("BORDAY"))
    )
    names = pl.DataFrame({"RANK": [1, 2, 3, 5, 6], "BOR": ["CR", "PR", "SD", "PD", "NE"]})
    everyone = pl.DataFrame({"USUBJID": subjects})
    result = everyone.join(best.join(names, on="RANK"), on="USUBJID", how="left")
    return result.with_columns(pl.col("BOR").fill_null("NE")).select("USUBJID", "BOR", "BORDAY")
