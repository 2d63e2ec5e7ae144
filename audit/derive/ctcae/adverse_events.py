"""AE records against the grading table and the lab grades: term, allowed grades, lab window.

An AE's lab window is [AESTDTC, AEENDTC], or [AESTDTC, data cut-off] while the
AE is ongoing (domain/ctcae5.md, "Lab-based AEs"). With partial dates a lab
record counts as inside the window when it can fall inside it, so the
under-reporting check only flags lab values that no AE can cover.
"""

from __future__ import annotations

from datetime import date

import polars as pl

from audit.derive.ctcae.grading import with_date_bounds
from audit.derive.ctcae.tables import canonical_term, lab_terms, term_table

AE_REQUIRED = ("USUBJID", "AETOXGR")
# AE variables the grade-consistency rules compare with the grade; carried only
# when collected, so a rule on an absent variable is reported as not applicable.
PASSED_THROUGH = ("AESEV", "AEOUT", "AESDTH", "AESER", "AESTDTC")
SERIOUSNESS_CRITERIA = ("AESDTH", "AESLIFE", "AESHOSP", "AESDISAB", "AESCONG", "AESMIE")
_FAR_FUTURE = date(9999, 12, 31)


def reported_grade(column: str = "AETOXGR") -> pl.Expr:
    """The reported grade as an integer 1-5, null when the text is not exactly one of "1".."5"."""
    text = pl.col(column).cast(pl.String).str.strip_chars().str.replace(r"^(\d)\.0+$", "$1")
    return pl.when(text.str.contains(r"^[1-5]$")).then(text.cast(pl.Int8, strict=False))


# AESEV a grade implies (domain/ctcae5.md, "Cross-field consistency").
SEVERITY_OF_GRADE = {1: "MILD", 2: "MODERATE", 3: "SEVERE", 4: "SEVERE", 5: "SEVERE"}


def _severity_of_grade() -> pl.Expr:
    """The AESEV a reported grade implies; null for an invalid grade."""
    return pl.col("AETOXGRN").replace_strict(
        SEVERITY_OF_GRADE, default=None, return_dtype=pl.String
    )


def _ae_term(names: list[str]) -> pl.Expr:
    """CTCAE term of an AE: the decoded term, else the verbatim term, through the synonym map."""
    sources = [canonical_term(pl.col(c)) for c in ("AEDECOD", "AETERM") if c in names]
    return pl.coalesce(sources) if sources else pl.lit(None, pl.String)


def ae_terms(ae: pl.LazyFrame) -> pl.LazyFrame:
    """Per AE: the CTCAE term it maps to, whether the table knows it, and the grades it allows."""
    names = ae.collect_schema().names()
    terms = (
        term_table()
        .lazy()
        .select(pl.col("term").alias("CTCTERM"), "min_grade", "max_grade", "lab_gradable")
    )
    grade = reported_grade()
    keyed = ae.with_columns(
        (pl.col("AESEQ") if "AESEQ" in names else pl.lit(None, pl.Int64)).alias("AESEQ"),
        *(pl.lit(None, pl.String).alias(c) for c in ("AEDECOD", "AETERM") if c not in names),
    )
    return (
        keyed.with_columns(_ae_term(names).alias("CTCTERM"), grade.alias("AETOXGRN"))
        .join(terms, on="CTCTERM", how="left")
        .with_columns(
            pl.col("CTCTERM").is_not_null().alias("TERMKNOWN"),
            pl.col("AETOXGRN").is_null().alias("GRADEINVALID"),
            pl.col("AETOXGRN")
            .is_between(pl.col("min_grade"), pl.col("max_grade"))
            .alias("GRADEOK"),
            pl.format("{}-{}", pl.col("min_grade"), pl.col("max_grade")).alias("ALLOWED"),
            _severity_of_grade().alias("AESEVD"),
        )
        .select(
            "USUBJID",
            "AESEQ",
            "AETERM",
            "AEDECOD",
            "CTCTERM",
            "TERMKNOWN",
            "AETOXGR",
            "AETOXGRN",
            "GRADEINVALID",
            "ALLOWED",
            "GRADEOK",
            "AESEVD",
            *(c for c in PASSED_THROUGH if c in names),
            pl.col("lab_gradable").fill_null(False),
        )
        .sort("USUBJID", "AESEQ", nulls_last=True)
    )


def ae_seriousness(ae: pl.LazyFrame) -> pl.LazyFrame:
    """Per AE: AESER and which collected seriousness criteria are Y (SDTMIG 6.2 AE)."""
    names = ae.collect_schema().names()
    collected = [c for c in SERIOUSNESS_CRITERIA if c in names]
    met = [
        pl.when(pl.col(c).cast(pl.String).str.strip_chars() == "Y").then(pl.lit(c))
        for c in collected
    ]
    return (
        ae.select(
            "USUBJID",
            "AESEQ",
            "AETERM",
            pl.col("AESER").cast(pl.String).str.strip_chars(),
            *collected,
            pl.concat_list(met).list.drop_nulls().list.join(", ").alias("CRITERIA"),
        )
        .with_columns(pl.col("CRITERIA").str.len_chars().gt(0).alias("ANYCRIT"))
        .sort("USUBJID", "AESEQ", nulls_last=True)
    )


def ae_windows(ae: pl.LazyFrame, cutoff: date | None) -> pl.LazyFrame:
    """Lab-gradable AEs with their window [start, end]; open AEs run to the cut-off."""
    names = ae.collect_schema().names()
    framed = with_date_bounds(ae, "AESTDTC", "AEENDTC")
    if "AEENDTC" not in names:
        framed = framed.with_columns(pl.lit(None, pl.Date).alias("AEENDTC_HI"))
    open_end = pl.lit(cutoff or _FAR_FUTURE, pl.Date)
    tests = lab_terms().lazy().select(pl.col("term").alias("CTCTERM"), "LBTESTCD", "max_lab_grade")
    return (
        ae_terms(framed)
        .join(
            framed.select("USUBJID", "AESEQ", "AESTDTC_LO", "AEENDTC_HI"),
            on=["USUBJID", "AESEQ"],
            how="left",
            nulls_equal=True,
        )
        .join(tests, on="CTCTERM", how="inner")
        .with_columns(
            pl.col("AESTDTC_LO").alias("WINSTART"),
            pl.col("AEENDTC_HI").fill_null(open_end).alias("WINEND"),
        )
        .select(
            "USUBJID",
            "AESEQ",
            "AEDECOD",
            "CTCTERM",
            "LBTESTCD",
            "AETOXGR",
            "AETOXGRN",
            "max_lab_grade",
            "WINSTART",
            "WINEND",
        )
    )


def _in_window() -> pl.Expr:
    return (pl.col("LBDTC_HI") >= pl.col("WINSTART")) & (pl.col("LBDTC_LO") <= pl.col("WINEND"))


def ae_lab_window(windows: pl.LazyFrame, grades: pl.LazyFrame) -> pl.LazyFrame:
    """Per lab-gradable AE: reported grade, worst derived lab grade in its window, and agreement."""
    labs = grades.filter(pl.col("ATOXGRN").is_not_null()).select(
        "USUBJID", "LBTESTCD", "LBSEQ", "LBDTC_LO", "LBDTC_HI", "ATOXGRN"
    )
    worst = (
        windows.select("USUBJID", "AESEQ", "LBTESTCD", "WINSTART", "WINEND")
        .join(labs, on=["USUBJID", "LBTESTCD"], how="inner")
        .filter(_in_window())
        .sort("ATOXGRN", "LBSEQ", descending=[True, False])
        .group_by("USUBJID", "AESEQ")
        .agg(
            pl.col("ATOXGRN").first().alias("LABGRADE"),
            pl.col("LBSEQ").first().alias("LABSEQ"),
            pl.len().alias("NLAB"),
        )
    )
    reported, derived = pl.col("AETOXGRN"), pl.col("LABGRADE")
    # Anemia 4-5 and hypoalbuminemia 4-5 are clinical grades that no lab value
    # gives: a reported grade above the lab table's top agrees with a top-grade value.
    agrees = (reported == derived) | ((derived == pl.col("max_lab_grade")) & (reported > derived))
    return (
        windows.join(worst, on=["USUBJID", "AESEQ"], how="left", nulls_equal=True)
        .with_columns(pl.col("NLAB").fill_null(0), agrees.alias("GRADEAGREE"))
        .sort("USUBJID", "AESEQ", nulls_last=True)
    )


def unreported_lab(
    windows: pl.LazyFrame, grades: pl.LazyFrame, on_treatment: pl.LazyFrame, min_grade: int
) -> pl.LazyFrame:
    """On-treatment lab records of grade >= min_grade that no AE of the matching term can cover."""
    severe = grades.filter(pl.col("ATOXGRN") >= min_grade).join(
        on_treatment, on="USUBJID", how="inner"
    )
    severe = severe.filter(
        (pl.col("LBDTC_LO") > pl.col("TRTSTART")) & (pl.col("LBDTC_LO") <= pl.col("TRTEND"))
    )
    covered = (
        severe.select("USUBJID", "LBTESTCD", "LBSEQ", "LBDTC_LO", "LBDTC_HI")
        .join(
            windows.select("USUBJID", "LBTESTCD", "WINSTART", "WINEND"), on=["USUBJID", "LBTESTCD"]
        )
        .filter(_in_window())
        .select("USUBJID", "LBTESTCD", "LBSEQ")
        .unique()
    )
    return (
        severe.join(covered, on=["USUBJID", "LBTESTCD", "LBSEQ"], how="anti", nulls_equal=True)
        .drop("TRTSTART", "TRTEND")
        .sort("USUBJID", "LBTESTCD", "LBDTC_LO", "LBSEQ", nulls_last=True)
    )
