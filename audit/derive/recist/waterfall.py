"""Best percentage change in the target sum per subject: what a waterfall plot shows."""

from __future__ import annotations

import polars as pl

from audit.derive.registry import DeriveContext, derivation


@derivation("recist.best_change")
def best_change(ctx: DeriveContext) -> pl.LazyFrame:
    """Per subject: the largest decrease (or smallest increase) of the target sum from baseline up to the first
    PD, and the derived best overall response (RECIST 1.1 section 4.4.2: assessments after PD do not count)."""
    timepoints = ctx.derived("recist.timepoint").filter(pl.col("VISITNUM") > pl.col("BASEVISIT"))
    is_pd = (pl.col("OVRLRESP_DER") == "PD").cast(pl.Int32)
    pd_before = is_pd.cum_sum().shift(1, fill_value=0).over("USUBJID", order_by="VISITNUM")
    best = (
        timepoints.filter(pd_before == 0)
        .group_by("USUBJID")
        .agg(pl.col("PCHG_BASE").min().alias("BEST_PCHG"))
    )
    responses = ctx.derived("recist.bor").select("USUBJID", "BOR")
    return best.join(responses, on="USUBJID", how="left").sort("USUBJID")
