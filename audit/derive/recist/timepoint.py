"""Time-point responses from measurements: target sums, nadir, target, non-target, new-lesion and overall response.

RECIST 1.1 sections 4.3.1-4.4.1. Every function works on whole frames: one
row per subject and visit, never a loop over subjects.
"""

from __future__ import annotations

import polars as pl

from audit.derive.recist.lesions import SUBJECT, text_column
from audit.derive.recist.tables import clean_text, coded, overall_response_table

EPS = 1e-9  # mm; keeps 20 % and 5 mm inclusive despite binary floating point
PD_PERCENT = 20.0  # section 4.3.1: >= 20 % over the nadir ...
PD_MM = 5.0  # ... and >= 5 mm absolute increase
PR_PERCENT = 30.0  # section 4.3.1: >= 30 % below the baseline sum
NODE_NORMAL_MM = 10.0  # a node under 10 mm short axis is normal (CR)
KEYS = ["USUBJID", "READER", "VISITNUM"]


def target_sums(visits: pl.LazyFrame, targets: pl.LazyFrame, sizes: pl.LazyFrame) -> pl.LazyFrame:
    """Per subject and visit: sum of target sizes, how many targets were assessed, all gone, largest node."""
    grid = visits.select(KEYS).join(targets.select(*SUBJECT, "TRLNKID", "NODAL"), on=SUBJECT)
    grid = grid.join(sizes.select(*KEYS, "TRLNKID", "SIZE"), on=[*KEYS, "TRLNKID"], how="left")
    gone = pl.when(pl.col("NODAL")).then(pl.col("SIZE") < NODE_NORMAL_MM).otherwise(pl.col("SIZE") == 0)
    return grid.group_by(KEYS).agg(
        pl.when(pl.col("SIZE").count() > 0).then(pl.col("SIZE").sum()).alias("TARGET_SUM"),
        pl.len().cast(pl.Int64).alias("N_TARGETS"),
        pl.col("SIZE").count().cast(pl.Int64).alias("N_ASSESSED"),
        gone.all().alias("ALL_GONE"),
        pl.col("SIZE").filter(pl.col("NODAL")).max().alias("MAX_NODE"),
    )


def with_nadir(sums: pl.LazyFrame, baseline: pl.LazyFrame) -> pl.LazyFrame:
    """Add baseline sum, nadir (smallest complete sum before this visit, baseline included) and changes."""
    complete = pl.when(pl.col("N_ASSESSED") == pl.col("N_TARGETS")).then("TARGET_SUM")
    is_base = pl.col("VISITNUM") == pl.col("BASEVISIT")
    ordered = sums.join(baseline, on=SUBJECT, how="left").sort(KEYS)
    framed = ordered.with_columns(
        complete.filter(is_base).first().over(SUBJECT).alias("BASE_SUM"),
        complete.cum_min().forward_fill().shift(1).over(SUBJECT).alias("NADIR"),
    )
    change = pl.col("TARGET_SUM") - pl.col("NADIR")
    return framed.with_columns(
        pl.when(pl.col("BASE_SUM") > 0)
        .then((pl.col("TARGET_SUM") - pl.col("BASE_SUM")) / pl.col("BASE_SUM") * 100)
        .round(2)
        .alias("PCHG_BASE"),
        pl.when(pl.col("NADIR") > 0).then(change / pl.col("NADIR") * 100).round(2).alias("PCHG_NADIR"),
        change.alias("CHG_NADIR"),
        _change_over_nadir(change).alias("CHANGE_OVER_NADIR"),
    )


def _change_over_nadir(change: pl.Expr) -> pl.Expr:
    """The change over the nadir as a reader states it; after a sum of 0 only millimetres mean anything.

    Section 4.3.1: 20 % of a 0 mm nadir is 0, so after CR the 5 mm absolute increase decides PD.
    """
    percent = (change / pl.col("NADIR") * 100).round(2)
    return (
        pl.when(pl.col("NADIR") > 0)
        .then(pl.format("{} % / {} mm over the nadir {} mm", percent, change.round(2), pl.col("NADIR").round(2)))
        .when(pl.col("NADIR") == 0)
        .then(pl.format("{} mm over a nadir of 0 mm", change.round(2)))
    )


def progression_proven() -> pl.Expr:
    """Section 4.3.1 PD: sum >= 20 % over the nadir and >= 5 mm over it (the assessed targets suffice)."""
    change = pl.col("TARGET_SUM") - pl.col("NADIR")
    return (change * 100 >= PD_PERCENT * pl.col("NADIR") - EPS) & (change >= PD_MM - EPS)


def target_response() -> pl.Expr:
    """Section 4.3.1 target response of a post-baseline visit: PD, NE, CR, PR or SD (NONE without targets)."""
    partial = pl.col("N_ASSESSED") < pl.col("N_TARGETS")
    shrunk = (pl.col("BASE_SUM") - pl.col("TARGET_SUM")) * 100 >= PR_PERCENT * pl.col("BASE_SUM") - EPS
    return (
        pl.when(pl.col("VISITNUM") <= pl.col("BASEVISIT"))
        .then(None)
        .when(pl.col("N_TARGETS").fill_null(0) == 0)
        .then(pl.lit("NONE"))
        .when(progression_proven().fill_null(False))
        .then(pl.lit("PD"))
        .when(partial | pl.col("BASE_SUM").is_null())
        .then(pl.lit("NE"))
        .when(pl.col("ALL_GONE"))
        .then(pl.lit("CR"))
        .when(shrunk)
        .then(pl.lit("PR"))
        .otherwise(pl.lit("SD"))
    )


def non_target_response(visits: pl.LazyFrame, non_targets: pl.LazyFrame, states: pl.LazyFrame) -> pl.LazyFrame:
    """Section 4.3.2 per visit: PD if any unequivocal progression, NE if any not assessed, CR if all gone.

    An equivocal change is not progression (section 4.3.2: progression must be unequivocal): it reads as present.
    """
    grid = visits.select(KEYS).join(non_targets.select(*SUBJECT, "TRLNKID"), on=SUBJECT)
    grid = grid.join(states, on=[*KEYS, "TRLNKID"], how="left")
    state = pl.col("STATE")
    return grid.group_by(KEYS).agg(
        pl.when((state == "PD").any())
        .then(pl.lit("PD"))
        .when((state.is_null() | (state == "NE")).any())
        .then(pl.lit("NE"))
        .when((state == "ABSENT").all())
        .then(pl.lit("CR"))
        .otherwise(pl.lit("NON-CR/NON-PD"))
        .alias("NTRGRESP")
    )


def tumour_states(tr: pl.LazyFrame) -> pl.LazyFrame:
    """TUMSTATE per reader, visit and lesion, coded by recist_terms.csv; progression wins over a duplicate record."""
    state = coded(text_column(tr, "TRSTRESC", "TRORRES"), "state")
    group = text_column(tr, "TRGRPID")
    rank = state.replace_strict({"PD": 0, "NE": 1, "EQUIVOCAL": 2, "PRESENT": 3, "ABSENT": 4}, default=5,
                                return_dtype=pl.Int8)
    return (
        tr.filter(clean_text(pl.col("TRTESTCD")) == "TUMSTATE")
        .select(*KEYS, pl.col("TRLNKID").cast(pl.String), state.alias("STATE"), rank.alias("_RANK"),
                clean_text(group).alias("TRGRPID"))
        .sort("_RANK")
        .group_by([*KEYS, "TRLNKID"])
        .agg(pl.col("STATE").first(), pl.col("TRGRPID").first())
    )


def new_lesion_visits(catalogue: pl.LazyFrame, states: pl.LazyFrame) -> pl.LazyFrame:
    """Section 4.3.3: visits with an unequivocal new lesion, or an equivocal one that a later visit confirms.

    A new lesion is unequivocal when TR calls it present or progressing, or when TU identifies it and TR gives
    no state. An equivocal lesion is not PD when seen; if a later assessment of the same lesion is unequivocal,
    PD dates from the first (equivocal) detection, as section 4.3.3 asks.
    """
    identified = catalogue.filter(pl.col("ROLE") == "NEW").select(*KEYS, pl.col("TULNKID").alias("TRLNKID"))
    linked = states.join(identified.select(*SUBJECT, "TRLNKID").unique(), on=[*SUBJECT, "TRLNKID"], how="semi")
    assessed = pl.concat([states.filter(pl.col("TRGRPID") == "NEW"), linked]).unique([*KEYS, "TRLNKID"])
    unstated = identified.join(assessed, on=[*KEYS, "TRLNKID"], how="anti").with_columns(
        pl.lit("PRESENT").alias("STATE"))
    lesions = pl.concat([assessed.select(*KEYS, "TRLNKID", "STATE"), unstated], how="vertical_relaxed")
    unequivocal = pl.col("STATE").is_in(["PRESENT", "PD"])
    confirmed_at = pl.col("VISITNUM").filter(unequivocal).min().over([*SUBJECT, "TRLNKID"])
    seen = lesions.filter(unequivocal | ((pl.col("STATE") == "EQUIVOCAL") & (pl.col("VISITNUM") < confirmed_at)))
    return seen.select(KEYS).unique().with_columns(pl.lit("Y").alias("NEWLIND"))


def overall_response(frame: pl.LazyFrame, target: str, non_target: str, new: str, alias: str) -> pl.LazyFrame:
    """Tables 1 and 2: overall response of each row from its target, non-target and new-lesion results."""
    table = overall_response_table().lazy().rename(
        {"TRGRESP": target, "NTRGRESP": non_target, "NEWLIND": new, "OVRLRESP": alias}
    ).drop("TABLEROW")
    return frame.join(table, on=[target, non_target, new], how="left", nulls_equal=False, maintain_order="left")


def derived_timepoints(
    visits: pl.LazyFrame,
    baseline: pl.LazyFrame,
    targets: pl.LazyFrame,
    sizes: pl.LazyFrame,
    non_targets: pl.LazyFrame,
    states: pl.LazyFrame,
    new: pl.LazyFrame,
) -> pl.LazyFrame:
    """Per subject and visit: sums, nadir, and derived TRGRESP, NTRGRESP, NEWLIND and OVRLRESP."""
    sums = with_nadir(visits.select(KEYS).join(target_sums(visits, targets, sizes), on=KEYS, how="left"), baseline)
    post = pl.col("VISITNUM") > pl.col("BASEVISIT")
    frame = (
        sums.with_columns(target_response().alias("TRGRESP_DER"))
        .join(non_target_response(visits, non_targets, states).rename({"NTRGRESP": "NTRGRESP_DER"}), on=KEYS,
              how="left")
        .join(new.rename({"NEWLIND": "NEWLIND_DER"}), on=KEYS, how="left")
        .with_columns(
            pl.when(post).then(pl.col("NTRGRESP_DER").fill_null("NONE")).alias("NTRGRESP_DER"),
            pl.when(post).then(pl.col("NEWLIND_DER").fill_null("N")).alias("NEWLIND_DER"),
        )
    )
    return overall_response(frame, "TRGRESP_DER", "NTRGRESP_DER", "NEWLIND_DER", "OVRLRESP_DER")
