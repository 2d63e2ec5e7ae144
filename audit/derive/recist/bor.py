"""Best overall response from time-point responses, with or without confirmation (RECIST 1.1 section 4.4.2, Table 3).

Only assessments up to and including the first PD count. A CR is confirmed
by a CR, a PR by a CR or PR, at the first non-NE assessment at least
`confirmation_days` later, with nothing but qualifying responses and at most
`max_ne_between` NE in between. An unconfirmed response, or SD, counts as SD
once `sd_min_days` have passed since first dose. Disease seen after a CR (a
PR, SD or non-CR/non-PD that is not itself a confirmed PR) means the disease
came back: it ranks as PD (Table 3, footnote to "CR, PR").
"""

from __future__ import annotations

import polars as pl

from audit.derive.recist.lesions import SUBJECT, UNNAMED_READER
from audit.derive.recist.options import RecistOptions

RANKS = pl.DataFrame(
    {"RANK": [1, 2, 3, 4, 5, 6], "BOR": ["CR", "PR", "SD", "NON-CR/NON-PD", "PD", "NE"]},
    schema={"RANK": pl.Int8, "BOR": pl.String},
)
STABLE = ("CR", "PR", "SD")


def _until_first_pd(timepoints: pl.LazyFrame) -> pl.LazyFrame:
    """Assessments in order, numbered, up to and including the first PD (later ones do not count)."""
    ordered = timepoints.drop_nulls("RESP").sort(*SUBJECT, "VISITNUM", "ADT")
    ordered = ordered.with_columns(pl.int_range(pl.len()).over(SUBJECT).alias("ORD"))
    pd_seen = (pl.col("RESP") == "PD").cum_sum().shift(1).fill_null(0).over(SUBJECT)
    return ordered.filter(pd_seen == 0)


def _with_running_counts(frame: pl.LazyFrame) -> pl.LazyFrame:
    """Running counts (inclusive) of NE and of results that break a CR or a PR, per subject."""
    resp = pl.col("RESP")
    return frame.with_columns(
        (resp == "NE").cast(pl.Int32).cum_sum().over(SUBJECT).alias("C_NE"),
        (~resp.is_in(["CR", "NE"])).cast(pl.Int32).cum_sum().over(SUBJECT).alias("C_BREAK_CR"),
        (~resp.is_in(["CR", "PR", "NE"])).cast(pl.Int32).cum_sum().over(SUBJECT).alias("C_BREAK_PR"),
        ((resp == "CR").cast(pl.Int32).cum_sum().shift(1).fill_null(0).over(SUBJECT) > 0).alias("PRIOR_CR"),
    )


def _confirmations(frame: pl.LazyFrame, opts: RecistOptions) -> pl.LazyFrame:
    """Per CR/PR assessment: whether the first non-NE assessment >= confirmation_days later confirms it."""
    later = frame.filter(pl.col("RESP") != "NE").select(
        *SUBJECT,
        pl.col("ORD").alias("J_ORD"),
        pl.col("ADT").alias("J_ADT"),
        pl.col("RESP").alias("J_RESP"),
        (pl.col("C_NE") - (pl.col("RESP") == "NE").cast(pl.Int32)).alias("J_NE_BEFORE"),
        (pl.col("C_BREAK_CR") - (~pl.col("RESP").is_in(["CR", "NE"])).cast(pl.Int32)).alias("J_BREAK_CR_BEFORE"),
        (pl.col("C_BREAK_PR") - (~pl.col("RESP").is_in(["CR", "PR", "NE"])).cast(pl.Int32)).alias("J_BREAK_PR_BEFORE"),
    )
    responses = frame.filter(pl.col("RESP").is_in(["CR", "PR"]))
    pairs = responses.join(later, on=SUBJECT).filter(
        (pl.col("J_ORD") > pl.col("ORD"))
        & ((pl.col("J_ADT") - pl.col("ADT")).dt.total_days() >= opts.confirmation_days)
    )
    first = pairs.sort("J_ORD").group_by(*SUBJECT, "ORD").first()
    ne_ok = pl.col("J_NE_BEFORE") - pl.col("C_NE") <= opts.max_ne_between
    return first.select(
        *SUBJECT,
        "ORD",
        ((pl.col("RESP") == "CR") & (pl.col("J_RESP") == "CR") & ne_ok
         & (pl.col("J_BREAK_CR_BEFORE") == pl.col("C_BREAK_CR"))).alias("CONF_CR"),
        ((pl.col("RESP") == "PR") & pl.col("J_RESP").is_in(["CR", "PR"]) & ne_ok
         & (pl.col("J_BREAK_PR_BEFORE") == pl.col("C_BREAK_PR"))).alias("CONF_PR"),
    )


def _rank(confirm: bool) -> pl.Expr:
    """Table 3 rank of one assessment: 1 CR, 2 PR, 3 SD, 4 non-CR/non-PD, 5 PD, 6 NE."""
    resp = pl.col("RESP")
    cr = pl.col("CONF_CR").fill_null(False) if confirm else resp == "CR"
    pr = pl.col("CONF_PR").fill_null(False) if confirm else resp == "PR"
    came_back = pl.col("PRIOR_CR") & resp.is_in(["PR", "SD", "NON-CR/NON-PD"])
    return (
        pl.when(cr).then(1)
        .when(pr).then(2)
        .when(came_back).then(5)
        .when(resp.is_in(STABLE) & pl.col("SD_OK")).then(3)
        .when((resp == "NON-CR/NON-PD") & pl.col("SD_OK")).then(4)
        .when(resp == "PD").then(5)
        .otherwise(6)
        .cast(pl.Int8)
    )


def best_overall_response(
    timepoints: pl.LazyFrame, starts: pl.LazyFrame, subjects: pl.LazyFrame, opts: RecistOptions, confirm: bool
) -> pl.LazyFrame:
    """BOR and its date per subject and reader from (USUBJID, READER, VISITNUM, ADT, RESP).

    `starts` gives each subject's first-dose date (USUBJID, STARTDT) for the SD minimum; `subjects` lists
    (USUBJID, READER) pairs, and a pair without assessments is NE.
    """
    single = "READER" not in timepoints.collect_schema()
    if single:  # one reader, unnamed
        timepoints = timepoints.with_columns(pl.lit(UNNAMED_READER).alias("READER"))
        subjects = subjects.with_columns(pl.lit(UNNAMED_READER).alias("READER"))
    frame = _with_running_counts(_until_first_pd(timepoints))
    if confirm:
        frame = frame.join(_confirmations(frame, opts), on=[*SUBJECT, "ORD"], how="left")
    frame = frame.join(starts, on="USUBJID", how="left").with_columns(
        ((pl.col("ADT") - pl.col("STARTDT")).dt.total_days() >= opts.sd_min_days).fill_null(False).alias("SD_OK")
    )
    best = (
        frame.with_columns(_rank(confirm).alias("RANK"))
        .sort(*SUBJECT, "RANK", "ORD")
        .group_by(SUBJECT)
        .agg(pl.col("RANK").first(), pl.col("ADT").first().alias("BORDT"))
        .join(RANKS.lazy(), on="RANK")
    )
    result = (
        subjects.select(SUBJECT)
        .unique()
        .join(best, on=SUBJECT, how="left")
        .select(*SUBJECT, pl.col("BOR").fill_null("NE"), "BORDT")
        .sort(SUBJECT)
    )
    return result.drop("READER") if single else result
