"""The registered CTCAE derivations ("ctcae.*"), each a thin wrapper reading the study."""

from __future__ import annotations

import polars as pl

from audit.derive.contracts import Contract, col, date_bounds
from audit.derive.ctcae import adverse_events as aes
from audit.derive.ctcae.emergence import ae_emergence, dm_treatment_period, treatment_period
from audit.derive.ctcae.grading import LB_REQUIRED, grade_lab_records, with_date_bounds
from audit.derive.ctcae.options import CtcaeOptions
from audit.derive.registry import DeriveContext, NotApplicable, derivation

# Declared columns (audit/derive/contracts.py).
V5 = "CTCAE v5.0 (ctcae5.md)"
CROSS = "Cross-field consistency"
DATASET = col("DATASET", pl.String, "source dataset of the record a finding pins to")
USUBJID = col("USUBJID", pl.String, "unique subject identifier")
AESEQ = col("AESEQ", pl.Int64, "the AE (ADAE) record")
AETERM = col("AETERM", pl.String, "reported term of the AE")
AEDECOD = col("AEDECOD", pl.String, "MedDRA preferred term of the AE")
CTCTERM = col("CTCTERM", pl.String, "CTCAE v5 term the AE or lab test maps to (audit/data/ctcae_v5_*.csv)",
              "Grade ranges allowed per term")
AETOXGR = col("AETOXGR", pl.String, "reported CTCAE grade (AETOXGR as written)")
AETOXGRN = col("AETOXGRN", pl.Int8, "reported grade as a number 1-5 (null when not a grade)")
LAB_COLUMNS = (
    DATASET, USUBJID,
    col("LBSEQ", pl.Int64, "the LB record"),
    col("LBTESTCD", pl.String, "lab test code"),
    CTCTERM,
    *date_bounds("LBDTC", "date of the lab sample"),
    col("LBSTRESN", pl.Float64, "lab result in standard units"),
    col("LBSTRESU", pl.String, "standard unit of the result"),
    col("AVAL", pl.Float64, "result converted to the grading table's unit", "Lab-based grades (unit conversion)"),
    col("AVALU", pl.String, "the grading table's unit"),
    col("ANRLO", pl.Float64, "lower limit of normal (LBSTNRLO, converted)", "Lab-based grades (x LLN)"),
    col("ANRHI", pl.Float64, "upper limit of normal (LBSTNRHI, converted)", "Lab-based grades (x ULN)"),
    col("BASE", pl.Float64, "the subject's baseline value of the test (last before first dose)",
        "Lab-based grades (x baseline)"),
    col("BASEABN", pl.Boolean, "the baseline value is abnormal (grades relative to baseline)", "Lab-based grades"),
    col("ATOXDIR", pl.String, "direction graded: HIGH (increased) or LOW (decreased)", "Lab-based grades"),
    col("UNITOK", pl.Boolean, "the unit is one the conversion table knows", "Lab-based grades (unit conversion)"),
    col("ATOXSTAT", pl.String, "grading status: graded, or why not ('unit unknown', ...)", "Lab-based grades"),
    col("ATOXGRN", pl.Int8, "derived CTCAE grade of the value (0-4, like ADLB ATOXGRN)", "Lab-based grades"),
    col("ATOXGR", pl.String, "derived grade as text", "Lab-based grades"),
)
LB_READS = {"LB": ("USUBJID", "LBSEQ", "LBTESTCD", "LBSTRESN", "LBSTRESU", "LBSTNRLO", "LBSTNRHI", "LBDTC"),
            "DM": ("USUBJID", "RFSTDTC")}
AE_READS = {"AE": ("USUBJID", "AESEQ", "AETERM", "AEDECOD", "AETOXGR", "AESEV", "AEOUT", "AESDTH", "AESER",
                   "AESTDTC", "AEENDTC")}


def options(ctx: DeriveContext) -> CtcaeOptions:
    """The CTCAE options of this run."""
    return CtcaeOptions.from_section(ctx.section("ctcae"))


def _need(ctx: DeriveContext, name: str, *columns: str) -> pl.LazyFrame:
    reason = ctx.study.missing(name, *columns)
    if reason:
        raise NotApplicable(reason)
    return ctx.study.frame(name)


def _dm(ctx: DeriveContext) -> pl.LazyFrame | None:
    return ctx.study.frame("DM") if ctx.study.has("DM", "USUBJID", "RFSTDTC") else None


def _keyed(frame: pl.LazyFrame, dataset: str, seq: str) -> pl.LazyFrame:
    """Prefix the columns every finding needs: source dataset, subject, record key."""
    front = [pl.lit(dataset).alias("DATASET"), pl.col("USUBJID"), pl.col(seq)]
    rest = [c for c in frame.collect_schema().names() if c not in ("DATASET", "USUBJID", seq)]
    return frame.select(*front, *rest)


@derivation("ctcae.lab_grades", contract=Contract(
    LAB_COLUMNS, key="LBSEQ", reads=LB_READS, section=f"{V5} Lab-based grades"))
def lab_grades(ctx: DeriveContext) -> pl.LazyFrame:
    """CTCAE v5 grade of every LB record of a gradable test (like ADLB ATOXGRN)."""
    lb = _need(ctx, "LB", *LB_REQUIRED)
    return _keyed(grade_lab_records(lb, _dm(ctx)), "LB", "LBSEQ")


@derivation("ctcae.worst_lab_grade", contract=Contract((
    USUBJID, CTCTERM, col("LBTESTCD", pl.String, "lab test code"),
    col("WORSTGR", pl.Int8, "worst derived grade of the subject for the term and test", "Lab-based grades"),
), key="ROW", derived_from=("ctcae.lab_grades",), section=f"{V5} Lab-based grades"))
def worst_lab_grade(ctx: DeriveContext) -> pl.LazyFrame:
    """Worst derived lab grade per subject and CTCAE term."""
    return (
        ctx.derived("ctcae.lab_grades")
        .group_by("USUBJID", "CTCTERM", "LBTESTCD")
        .agg(pl.col("ATOXGRN").max().alias("WORSTGR"))
        .sort("USUBJID", "CTCTERM")
    )


@derivation("ctcae.ae_terms", contract=Contract((
    DATASET, USUBJID, AESEQ, AETERM, AEDECOD, CTCTERM,
    col("TERMKNOWN", pl.Boolean, "the AE's term is in the CTCAE v5 grading table",
        "Grade ranges allowed per term (unknown terms)"),
    AETOXGR, AETOXGRN,
    col("GRADEINVALID", pl.Boolean, "AETOXGR is not an integer grade 1-5", CROSS),
    col("ALLOWED", pl.String, "grades CTCAE v5 defines for the term (e.g. 1-2)", "Grade ranges allowed per term"),
    col("GRADEOK", pl.Boolean, "the reported grade is one the term allows", "Grade ranges allowed per term"),
    col("AESEVD", pl.String, "severity the grade implies: 1 MILD, 2 MODERATE, >= 3 SEVERE", CROSS),
    col("AESEV", pl.String, "reported severity (AESEV)", optional=True),
    col("AEOUT", pl.String, "reported outcome (AEOUT)", optional=True),
    col("AESDTH", pl.String, "results in death (AESDTH Y/N)", optional=True),
    col("AESER", pl.String, "serious event (AESER Y/N)", optional=True),
    col("AESTDTC", pl.String, "start date of the AE", optional=True),
    col("lab_gradable", pl.Boolean, "the term is graded from lab values", "Lab-based grades"),
), key="AESEQ", reads=AE_READS, section=f"{V5} Grade ranges allowed per term; {CROSS}"))
def ae_terms(ctx: DeriveContext) -> pl.LazyFrame:
    """Per AE: CTCAE term known?, allowed grades, reported grade valid and allowed."""
    return _keyed(aes.ae_terms(_need(ctx, "AE", *aes.AE_REQUIRED)), "AE", "AESEQ")


@derivation("ctcae.ae_seriousness", contract=Contract((
    DATASET, USUBJID, AESEQ, AETERM,
    col("AESER", pl.String, "serious event (AESER Y/N)"),
    *(col(c, pl.String, f"seriousness criterion {c} (Y/N), when collected", "SDTMIG v3.4 6.2 AE", optional=True)
      for c in aes.SERIOUSNESS_CRITERIA),
    col("CRITERIA", pl.String, "the seriousness criteria that are Y, comma-separated", "SDTMIG v3.4 6.2 AE"),
    col("ANYCRIT", pl.Boolean, "at least one seriousness criterion is Y", "SDTMIG v3.4 6.2 AE"),
), key="AESEQ", reads={"AE": ("USUBJID", "AESEQ", "AETERM", "AESER", *aes.SERIOUSNESS_CRITERIA)},
    section="SDTMIG v3.4 6.2 AE assumptions (seriousness criteria)"))
def ae_seriousness(ctx: DeriveContext) -> pl.LazyFrame:
    """Per AE: AESER and the seriousness criteria that are Y."""
    ae = _need(ctx, "AE", "USUBJID", "AESEQ", "AESER")
    if not any(ctx.study.has("AE", c) for c in aes.SERIOUSNESS_CRITERIA):
        raise NotApplicable(f"AE has none of {', '.join(aes.SERIOUSNESS_CRITERIA)}")
    if "AETERM" not in ctx.study.columns("AE"):
        ae = ae.with_columns(pl.lit(None, pl.String).alias("AETERM"))
    return _keyed(aes.ae_seriousness(ae), "AE", "AESEQ")


def _windows(ctx: DeriveContext) -> pl.LazyFrame:
    ae = _need(ctx, "AE", *aes.AE_REQUIRED, "AESTDTC")
    return aes.ae_windows(ae, ctx.study.cutoff)


@derivation("ctcae.ae_lab_window", contract=Contract((
    DATASET, USUBJID, AESEQ, AEDECOD, CTCTERM,
    col("LBTESTCD", pl.String, "lab test that grades the term"),
    AETOXGR, AETOXGRN,
    col("max_lab_grade", pl.Int8, "top grade the lab table defines for the term", "Lab-based grades"),
    col("WINSTART", pl.Date, "start of the AE window (AE start)", "Lab-based grades"),
    col("WINEND", pl.Date, "end of the AE window (AE end; open AEs: the data cut-off)", "Lab-based grades"),
    col("LABGRADE", pl.Int8, "worst derived lab grade of the test in the window", "Lab-based grades"),
    col("LABSEQ", pl.Int64, "LBSEQ of the worst lab value in the window"),
    col("NLAB", pl.UInt32, "lab values of the test in the window"),
    col("GRADEAGREE", pl.Boolean, "reported grade equals the worst lab grade (a top lab grade agrees with a higher "
        "clinical grade)", "Lab-based grades; " + CROSS),
), key="AESEQ", reads=AE_READS | LB_READS, derived_from=("ctcae.lab_grades",),
    section=f"{V5} Lab-based grades; {CROSS}"))
def ae_lab_window(ctx: DeriveContext) -> pl.LazyFrame:
    """Per lab-gradable AE: reported AETOXGR and the worst derived lab grade in its window."""
    window = aes.ae_lab_window(_windows(ctx), ctx.derived("ctcae.lab_grades"))
    return _keyed(window, "AE", "AESEQ")


@derivation("ctcae.unreported_lab", contract=Contract(
    LAB_COLUMNS, key="LBSEQ", reads=AE_READS | LB_READS, derived_from=("ctcae.lab_grades",), options=CtcaeOptions,
    section=f"{V5} {CROSS} (lab-based AEs)"))
def unreported_lab(ctx: DeriveContext) -> pl.LazyFrame:
    """On-treatment lab records of grade >= threshold with no AE of the matching term covering them."""
    opts = options(ctx)
    dm = _need(ctx, "DM", "USUBJID", "RFSTDTC")
    period = dm_treatment_period(dm, opts.emergent_window_days, ctx.study.cutoff)
    severe = aes.unreported_lab(
        _windows(ctx), ctx.derived("ctcae.lab_grades"), period, opts.unreported_min_grade
    )
    return _keyed(severe, "LB", "LBSEQ")


@derivation("ctcae.ae_emergent", contract=Contract((
    DATASET, USUBJID, AESEQ,
    col("TRTEMFL", pl.String, "reported treatment-emergent flag (ADAE TRTEMFL)", "ADaM OCCDS v1.1 TRTEMFL"),
    col("ASTDT", pl.Date, "analysis start date of the AE (ADAE ASTDT)"),
    col("TRTSTART", pl.Date, "first dose (ADSL TRTSDT, else DM RFSTDTC)"),
    col("TRTEND", pl.Date, "last dose + ctcae.emergent_window_days (open treatment: the data cut-off)",
        f"{CROSS} (treatment-emergent)"),
    col("TRTEMFLD", pl.String, "treatment-emergent flag the dates imply (Y/N)", f"{CROSS} (treatment-emergent)"),
    col("EMERGAGREE", pl.Boolean, "reported and implied TRTEMFL agree", f"{CROSS} (treatment-emergent)"),
), key="AESEQ", reads={"ADAE": ("USUBJID", "AESEQ", "TRTEMFL", "ASTDT"), "ADSL": ("USUBJID", "TRTSDT", "TRTEDT"),
                       "DM": ("USUBJID", "RFSTDTC", "RFENDTC")}, options=CtcaeOptions,
    section=f"{V5} {CROSS} (treatment-emergent); ADaM OCCDS v1.1 TRTEMFL"))
def ae_emergent(ctx: DeriveContext) -> pl.LazyFrame:
    """Per ADAE record: TRTEMFL as reported and as its dates imply."""
    adae = _need(ctx, "ADAE", "USUBJID", "AESEQ", "TRTEMFL", "ASTDT")
    opts, cutoff = options(ctx), ctx.study.cutoff
    if ctx.study.has("ADSL", "USUBJID", "TRTSDT"):
        period = treatment_period(
            ctx.study.frame("ADSL"), "TRTSDT", "TRTEDT", opts.emergent_window_days, cutoff
        )
    else:
        period = dm_treatment_period(
            _need(ctx, "DM", "USUBJID", "RFSTDTC"), opts.emergent_window_days, cutoff
        )
    return _keyed(ae_emergence(adae, period), "ADAE", "AESEQ")


@derivation("ctcae.fatal_ae_death", contract=Contract((
    DATASET, USUBJID, AESEQ,
    col("AESTDTC", pl.String, "start date of the fatal AE"),
    col("AESTDTC_LO", pl.Date, "earliest day AESTDTC can mean", "dates.md"),
    col("DTHFL", pl.String, "DM death flag (DTHFL)", "SDTMIG v3.4 DM.DTHFL"),
    col("DTHDTC", pl.String, "DM date of death (DTHDTC)", "SDTMIG v3.4 DM.DTHDTC"),
    col("DTHDTC_HI", pl.Date, "latest day DTHDTC can mean", "dates.md"),
    col("DEATHOK", pl.Boolean, "DM records a death no earlier than the AE began", CROSS),
), key="AESEQ", reads={"AE": ("USUBJID", "AESEQ", "AESTDTC", "AETOXGR", "AEOUT", "AESDTH"),
                       "DM": ("USUBJID", "DTHFL", "DTHDTC")}, section=f"{V5} {CROSS}; SDTMIG v3.4 DM.DTHDTC"))
def fatal_ae_death(ctx: DeriveContext) -> pl.LazyFrame:
    """Per fatal AE (grade 5, AEOUT FATAL or AESDTH Y): is a death recorded in DM on/after its start?"""
    ae = with_date_bounds(_need(ctx, "AE", "USUBJID", "AESTDTC"), "AESTDTC")
    dm = with_date_bounds(_need(ctx, "DM", "USUBJID", "DTHDTC"), "DTHDTC")
    names = ae.collect_schema().names()
    fatal = [aes.reported_grade() == 5] if "AETOXGR" in names else []
    fatal += [
        pl.col(c).cast(pl.String).str.strip_chars() == v
        for c, v in (("AEOUT", "FATAL"), ("AESDTH", "Y"))
        if c in names
    ]
    if not fatal:  # nothing says an AE was fatal: the check cannot run, it does not pass
        raise NotApplicable("AE has none of AETOXGR, AEOUT, AESDTH")
    dm_names = dm.collect_schema().names()
    death_flag = pl.col("DTHFL") if "DTHFL" in dm_names else pl.lit(None, pl.String)
    deaths = dm.select("USUBJID", death_flag.alias("DTHFL"), "DTHDTC", "DTHDTC_HI")
    dated = pl.col("DTHDTC_HI") >= pl.col("AESTDTC_LO")
    return _keyed(
        ae.filter(pl.any_horizontal(fatal).fill_null(False))
        .select("USUBJID", "AESEQ", "AESTDTC", "AESTDTC_LO")
        .join(deaths, on="USUBJID", how="left")
        .with_columns(
            (dated & (pl.col("DTHFL").fill_null("Y") == "Y")).fill_null(False).alias("DEATHOK")
        )
        .sort("USUBJID", "AESEQ"),
        "AE",
        "AESEQ",
    )
