"""Result wordings the RECIST terms table does not know, one row per distinct wording and where it occurs.

A wording the table lacks is never guessed: the derivations read it as missing
and this frame names it, so the sponsor's term is either added to
audit/data/recist_terms.csv or corrected in the data.
"""

from __future__ import annotations

import polars as pl

from audit.derive.contracts import Contract, col
from audit.derive.recist.derivations import R11, RS_READS, TUMOUR_READS, _evaluated, other_criteria
from audit.derive.recist.lesions import text_column
from audit.derive.recist.options import RecistOptions
from audit.derive.recist.reported import RESULT_KIND
from audit.derive.recist.tables import clean_text, unmapped
from audit.derive.registry import DeriveContext, NotApplicable, derivation

RESPONSE_TESTS = ("TRGRESP", "NTRGRESP", "OVRLRESP", "BESTRSP")


def _variable(frame: pl.LazyFrame, prefix: str) -> str:
    return f"{prefix}STRESC" if f"{prefix}STRESC" in frame.collect_schema() else f"{prefix}ORRES"


def _unknown(frame: pl.LazyFrame, prefix: str, kinds: dict[str, str]) -> pl.LazyFrame:
    """Records whose result wording (per test code, of its kind) is not in the table."""
    test = clean_text(pl.col(f"{prefix}TESTCD"))
    text = text_column(frame, f"{prefix}STRESC", f"{prefix}ORRES")
    flagged = pl.lit(False)
    for code, kind in kinds.items():
        flagged = flagged | ((test == code) & unmapped(text, kind).fill_null(False))
    return frame.filter(flagged).select(
        pl.lit(prefix).alias("DATASET"), "USUBJID", pl.col(f"{prefix}SEQ").cast(pl.Int64).alias("SEQ"),
        pl.lit(_variable(frame, prefix)).alias("VARIABLE"), test.alias("TESTCD"), clean_text(text).alias("VALUE"),
        "READER",
    )


def _rs(ctx: DeriveContext) -> pl.LazyFrame | None:
    if ctx.study.missing("RS", "USUBJID", "RSSEQ", "RSTESTCD"):
        return None
    rs = _evaluated(ctx, "RS", "USUBJID", "RSSEQ", "RSTESTCD")
    others = other_criteria(rs)
    if others.height:  # other criteria have their own vocabulary (iUPD, iCPD): not RECIST 1.1 terms
        rs = rs.filter(~pl.col("RSCAT").cast(pl.String).is_in(others["RSCAT"].to_list()).fill_null(False))
    kinds = {**dict.fromkeys(RESPONSE_TESTS, "response"), **RESULT_KIND}
    return _unknown(rs, "RS", kinds)


def _tr(ctx: DeriveContext) -> pl.LazyFrame | None:
    if ctx.study.missing("TR", "USUBJID", "TRSEQ", "TRTESTCD"):
        return None
    return _unknown(_evaluated(ctx, "TR", "USUBJID", "TRSEQ", "TRTESTCD"), "TR", {"TUMSTATE": "state"})


@derivation("recist.unmapped_terms", contract=Contract((
    col("DATASET", pl.String, "dataset holding the wording: RS or TR"),
    col("USUBJID", pl.String, "subject of the first record with the wording"),
    col("FIRST_SEQ", pl.Int64, "--SEQ of the first record with the wording"),
    col("VARIABLE", pl.String, "variable read: --STRESC, else --ORRES"),
    col("TESTCD", pl.String, "test code of the records (RSTESTCD / TRTESTCD)"),
    col("VALUE", pl.String, "the wording audit/data/recist_terms.csv lacks"),
    col("N_RECORDS", pl.Int64, "records with the wording"),
    col("N_SUBJECTS", pl.Int64, "subjects with the wording"),
    col("READERS", pl.String, "readers whose records hold it, '; '-separated"),
), key="FIRST_SEQ", reads={"RS": RS_READS["RS"], "TR": TUMOUR_READS["TR"]}, options=RecistOptions,
    section=f"{R11} 4.3 Response criteria; 4.4.1 Tables 1 and 2 (the result categories)"))
def unmapped_terms(ctx: DeriveContext) -> pl.LazyFrame:
    """One row per distinct unknown wording (dataset, variable, test, value): first record, records, subjects."""
    parts = [p for p in (_rs(ctx), _tr(ctx)) if p is not None]
    if not parts:
        raise NotApplicable("neither RS nor TR has results (RSTESTCD / TRTESTCD) to read")
    found = pl.concat(parts, how="vertical_relaxed").sort("DATASET", "USUBJID", "SEQ")
    return (
        found.group_by("DATASET", "VARIABLE", "TESTCD", "VALUE", maintain_order=True)
        .agg(
            pl.col("USUBJID").first(), pl.col("SEQ").first().alias("FIRST_SEQ"),
            pl.len().cast(pl.Int64).alias("N_RECORDS"), pl.col("USUBJID").n_unique().cast(pl.Int64).alias("N_SUBJECTS"),
            pl.col("READER").unique().sort().str.join("; ").alias("READERS"),
        )
        .select("DATASET", "USUBJID", "FIRST_SEQ", "VARIABLE", "TESTCD", "VALUE", "N_RECORDS", "N_SUBJECTS", "READERS")
        .sort("DATASET", "VARIABLE", "TESTCD", "VALUE")
    )
