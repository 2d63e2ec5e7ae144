"""Recompute the raw quantities behind claims from a Study: counts, dates, rankings.

Each function returns the quantity and a note saying which dataset and
variables it came from, so a reviewer can see what was counted. When the
snapshot lacks what a measure needs, NotApplicable says why.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl

from audit import dates
from audit.claims.model import AdverseEventCondition, ResponseCondition
from audit.derive import NotApplicable
from audit.study import Study

# AEREL values that make an adverse event treatment-related (CDISC causality
# terms in use; a sponsor's own scale is mapped before the snapshot).
RELATED_TERMS = ("POSSIBLY RELATED", "PROBABLY RELATED", "DEFINITELY RELATED", "RELATED", "Y")


@dataclass(frozen=True)
class Counted:
    """k of n subjects, and where both came from."""

    k: int
    n: int
    sources: tuple[str, ...]


def population(study: Study, name: str) -> tuple[pl.LazyFrame, str]:
    """Subjects of a population: an ADSL flag = Y, 'all' subjects (ADSL, else DM), or 'screened' (DM, DS)."""
    if name.lower() == "screened":
        return screened(study)
    if name.lower() == "all":
        for dataset in ("ADSL", "DM"):
            if study.has(dataset, "USUBJID"):
                return study.frame(dataset).select("USUBJID").unique(), f"all subjects in {dataset}"
        raise NotApplicable("neither ADSL nor DM is in the snapshot")
    flag = name.upper()
    reason = study.missing("ADSL", "USUBJID", flag)
    if reason:
        raise NotApplicable(f"population {flag}: {reason}")
    subjects = study.frame("ADSL").filter(pl.col(flag) == "Y").select("USUBJID").unique()
    return subjects, f"ADSL.{flag} = Y"


# How SDTM marks a subject who failed screening: DM ARMNRS (SDTMIG 3.3 on), the older
# ARMCD/ACTARMCD = SCRNFAIL (SDTMIG 3.2), and the DS disposition event.
_SCREEN_FAILURE_MARKS = (("DM", "ARMNRS", "SCREEN FAILURE"), ("DM", "ARMCD", "SCRNFAIL"),
                         ("DM", "ACTARMCD", "SCRNFAIL"), ("DS", "DSDECOD", "SCREEN FAILURE"))


def screened(study: Study) -> tuple[pl.LazyFrame, str]:
    """Every subject screened: DM and DS subjects, when the snapshot holds screen-failure records.

    Without any screen-failure record a DM (or ADSL) lists the enrolled only, so the
    number screened cannot be told from it: that is NotApplicable, never a count.
    """
    marks = [f"{d}.{c} = {v}" for d, c, v in _SCREEN_FAILURE_MARKS if study.has(d, "USUBJID", c) and
             study.frame(d).filter(pl.col(c).cast(pl.String).str.to_uppercase() == v).head(1).collect().height]
    if not marks:
        raise NotApplicable("the snapshot holds no screening records: no DM or DS screen-failure record "
                            "(DM ARMNRS = SCREEN FAILURE, ARMCD/ACTARMCD = SCRNFAIL, DS DSDECOD = SCREEN FAILURE); "
                            "ADSL lists randomised subjects only")
    sources = [d for d in ("DM", "DS") if study.has(d, "USUBJID")]
    subjects = pl.concat([study.frame(d).select(pl.col("USUBJID").cast(pl.String)) for d in sources]).unique()
    return subjects, f"subjects in {' and '.join(sources)}; screen failures by {', '.join(marks)}"


def _subject_count(frame: pl.LazyFrame) -> int:
    return int(frame.select(pl.col("USUBJID").n_unique()).collect().item())


def responders(study: Study, condition: ResponseCondition) -> tuple[pl.LazyFrame, str]:
    """Subjects whose best response parameter is in the given set (ADRS, else RS BESTRSP)."""
    values = [v.upper() for v in condition.values]
    parameter = condition.parameter.upper()
    if study.has("ADRS", "USUBJID", "PARAMCD", "AVALC"):
        frame = study.frame("ADRS").filter(pl.col("PARAMCD") == parameter)
        note = f"ADRS PARAMCD = {parameter}, AVALC in {'/'.join(values)}"
        return frame.filter(pl.col("AVALC").str.to_uppercase().is_in(values)).select("USUBJID"), note
    if parameter == "BOR" and study.has("RS", "USUBJID", "RSTESTCD", "RSSTRESC"):
        frame = study.frame("RS").filter(pl.col("RSTESTCD") == "BESTRSP")
        note = f"RS RSTESTCD = BESTRSP, RSSTRESC in {'/'.join(values)}"
        return frame.filter(pl.col("RSSTRESC").str.to_uppercase().is_in(values)).select("USUBJID"), note
    raise NotApplicable(f"best response {parameter} needs ADRS (PARAMCD, AVALC)")


def adverse_events(study: Study) -> tuple[pl.LazyFrame, str]:
    """AEs as USUBJID, TERM, GRADE, RELATED, TEAE, from ADAE when present, else SDTM AE."""
    if study.has("ADAE", "USUBJID", "AEDECOD"):
        name, columns = "ADAE", set(study.columns("ADAE"))
    elif study.has("AE", "USUBJID", "AEDECOD"):
        name, columns = "AE", set(study.columns("AE"))
    else:
        raise NotApplicable("neither ADAE nor AE (USUBJID, AEDECOD) is in the snapshot")
    grade = (
        pl.col("ATOXGRN").cast(pl.Int64, strict=False) if "ATOXGRN" in columns
        else pl.col("AETOXGR").cast(pl.String).str.strip_chars().cast(pl.Int64, strict=False)
        if "AETOXGR" in columns else pl.lit(None, pl.Int64)
    )
    related = (
        (pl.col("RELFL") == "Y") if "RELFL" in columns
        else pl.col("AEREL").str.to_uppercase().is_in(RELATED_TERMS) if "AEREL" in columns
        else pl.lit(None, pl.Boolean)
    )
    teae = (pl.col("TRTEMFL") == "Y") if "TRTEMFL" in columns else pl.lit(None, pl.Boolean)
    frame = study.frame(name).select(
        "USUBJID",
        pl.col("AEDECOD").str.to_uppercase().str.strip_chars().alias("TERM"),
        grade.alias("GRADE"), related.alias("RELATED"), teae.alias("TEAE"),
    )
    return frame, name


def expand_terms(terms: list[str], groupings: dict[str, list[str]]) -> list[str]:
    """Upper-case AE terms, with grouping names replaced by their member terms."""
    by_name = {k.upper(): v for k, v in groupings.items()}
    expanded: list[str] = []
    for term in terms:
        expanded.extend(t.upper() for t in by_name.get(term.upper(), [term]))
    return sorted(set(expanded))


def _ae_filter(condition: AdverseEventCondition, groupings: dict[str, list[str]]) -> pl.Expr:
    keep = pl.lit(True)
    if condition.related is not None:
        keep &= pl.col("RELATED") == condition.related
    if condition.grades is not None:
        keep &= pl.col("GRADE").is_in(condition.grades)
    if condition.terms is not None:
        keep &= pl.col("TERM").is_in(expand_terms(condition.terms, groupings))
    if condition.treatment_emergent is not None:
        keep &= pl.col("TEAE") == condition.treatment_emergent
    return keep


def _describe(condition: AdverseEventCondition, source: str) -> str:
    parts = [source]
    if condition.related is not None:
        parts.append("treatment-related" if condition.related else "not related")
    if condition.grades is not None:
        parts.append("grade " + "/".join(str(g) for g in sorted(condition.grades)))
    if condition.terms is not None:
        parts.append("terms " + ", ".join(condition.terms))
    return " ".join(parts[:1]) + ": " + ", ".join(parts[1:]) if len(parts) > 1 else source


def ae_subjects(
    study: Study, condition: AdverseEventCondition, groupings: dict[str, list[str]]
) -> tuple[pl.LazyFrame, str]:
    """Subjects with at least one AE meeting the condition."""
    events, source = adverse_events(study)
    chosen = events.filter(_ae_filter(condition, groupings)).select("USUBJID").unique()
    return chosen, _describe(condition, source)


def counted(
    study: Study, numerator: tuple[pl.LazyFrame, str], population_name: str
) -> Counted:
    """k subjects of the numerator within the population, and the population's n."""
    subjects, population_note = population(study, population_name)
    chosen, note = numerator
    k = _subject_count(chosen.join(subjects, on="USUBJID", how="semi"))
    return Counted(k, _subject_count(subjects), (note, f"denominator: {population_note}"))


def ranking(
    study: Study, condition: AdverseEventCondition, groupings: dict[str, list[str]], by: str
) -> tuple[list[tuple[str, int]], str]:
    """AE terms (groupings collapsed) with their number of subjects or events, most first."""
    events, source = adverse_events(study)
    group_of = {t.upper(): g for g, terms in groupings.items() for t in terms}
    labelled = events.filter(_ae_filter(condition, groupings)).with_columns(
        pl.col("TERM").replace(group_of).str.to_lowercase().alias("LABEL")
    )
    size = pl.col("USUBJID").n_unique() if by == "subjects" else pl.len()
    table = (
        labelled.group_by("LABEL").agg(size.cast(pl.Int64).alias("N"))
        .sort(["N", "LABEL"], descending=[True, False]).collect()
    )
    return list(zip(table["LABEL"].to_list(), table["N"].to_list(), strict=True)), source


def cutoff_date(study: Study) -> tuple[date, str]:
    """The data cut-off the snapshot carries (TS DCUTDTC, else ADSL DCUTDT/DCUTDTC), as the loader reads it."""
    from audit.study import _cutoff_from_data

    if study.cutoff is not None and study.cutoff_source != "given":
        return study.cutoff, study.cutoff_source or "snapshot"
    # A cut-off given to the loader is the user's, not the snapshot's: read the data's own.
    cutoff, source = _cutoff_from_data(study.datasets, study.info)
    if cutoff is None:
        raise NotApplicable("the snapshot carries no data cut-off (TS TSPARMCD = DCUTDTC, ADSL DCUTDT or DCUTDTC)")
    return cutoff, source


def enrolment_dates(study: Study) -> tuple[date, date, str]:
    """First and last enrolment date: ADSL.ENRLDT, else DS ENROLLED DSSTDTC."""
    if study.has("ADSL", "ENRLDT"):
        values = study.frame("ADSL").select(dates.as_date(pl.col("ENRLDT")).alias("ENRLDT"))
        source = "ADSL.ENRLDT"
    elif study.has("DS", "DSDECOD", "DSSTDTC"):
        values = study.frame("DS").filter(pl.col("DSDECOD") == "ENROLLED").select(
            pl.col("DSSTDTC").str.slice(0, 10).str.to_date(strict=False).alias("ENRLDT")
        )
        source = "DS DSDECOD = ENROLLED, DSSTDTC"
    else:
        raise NotApplicable("enrolment dates need ADSL.ENRLDT or DS (DSDECOD, DSSTDTC)")
    bounds = values.select(pl.all().min().alias("first"), pl.all().max().alias("last")).collect()
    if bounds["first"][0] is None:
        raise NotApplicable(f"{source} holds no date")
    return bounds["first"][0], bounds["last"][0], source
