"""Best percentage change in the target sum per subject: what a waterfall plot shows."""

from __future__ import annotations

import polars as pl

from audit.derive.contracts import Contract, col
from audit.derive.recist.derivations import R11, READER, USUBJID
from audit.derive.recist.lesions import SUBJECT
from audit.derive.recist.options import RecistOptions
from audit.derive.registry import DeriveContext, derivation


@derivation("recist.best_change", contract=Contract((
    USUBJID, READER,
    col("BEST_PCHG", pl.Float64, "largest decrease (or smallest increase) of the target sum from baseline before "
        "the first PD (%)", "4.3.1; 4.4.2"),
    col("BOR", pl.String, "derived best overall response (recist.bor BOR)", "4.4.2"),
), key="ROW", derived_from=("recist.timepoint", "recist.bor"), options=RecistOptions,
    section=f"{R11} 4.4.2 Best overall response (waterfall plot)"))
def best_change(ctx: DeriveContext) -> pl.LazyFrame:
    """Per subject and reader: the largest decrease (or smallest increase) of the target sum from baseline up to
    the first PD, and the derived best overall response (RECIST 1.1 section 4.4.2: after PD nothing counts)."""
    timepoints = ctx.derived("recist.timepoint").filter(pl.col("VISITNUM") > pl.col("BASEVISIT"))
    is_pd = (pl.col("OVRLRESP_DER") == "PD").cast(pl.Int32)
    pd_before = is_pd.cum_sum().shift(1, fill_value=0).over(SUBJECT, order_by="VISITNUM")
    best = (
        timepoints.filter(pd_before == 0)
        .group_by(SUBJECT)
        .agg(pl.col("PCHG_BASE").min().alias("BEST_PCHG"))
    )
    responses = ctx.derived("recist.bor").select(*SUBJECT, "BOR")
    return best.join(responses, on=SUBJECT, how="left").sort(SUBJECT)
