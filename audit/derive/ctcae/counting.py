"""Incidence by publication conventions: subjects, not events, each at their worst grade.

"Grade 3-4 treatment-related AEs in 31 (63.3 %)" counts subjects whose worst
related AE is grade 3 or 4 (domain/ctcae5.md, "Counting conventions").
"""

from __future__ import annotations

from collections.abc import Iterable

import polars as pl

from audit.derive.ctcae.adverse_events import reported_grade
from audit.derive.ctcae.options import DEFAULT_RELATED
from audit.derive.ctcae.tables import canonical_term, term_key, term_lookup
from audit.derive.registry import NotApplicable
from audit.study import Study


def _adverse_events(source: Study | pl.LazyFrame | pl.DataFrame) -> pl.LazyFrame:
    """ADAE when the study has it (analysis flags), else SDTM AE; frames are taken as given."""
    if isinstance(source, pl.DataFrame):
        return source.lazy()
    if isinstance(source, pl.LazyFrame):
        return source
    for name in ("ADAE", "AE"):
        if source.has(name, "USUBJID"):
            return source.frame(name)
    raise NotApplicable("the snapshot has neither ADAE nor AE")


def _grade(names: list[str]) -> pl.Expr:
    if "ATOXGRN" in names:
        return pl.col("ATOXGRN").cast(pl.Int8, strict=False)
    if "AETOXGR" in names:
        return reported_grade("AETOXGR")
    raise NotApplicable("adverse events carry no grade (ATOXGRN or AETOXGR)")


def _is_related(names: list[str], related_set: Iterable[str]) -> pl.Expr:
    """RELFL = Y where ADaM derived it, else AEREL in the protocol's related set."""
    if "RELFL" in names:
        return pl.col("RELFL").cast(pl.String).str.strip_chars() == "Y"
    if "AEREL" in names:
        wanted = [r.strip().upper() for r in related_set]
        return pl.col("AEREL").cast(pl.String).str.strip_chars().str.to_uppercase().is_in(wanted)
    raise NotApplicable("adverse events carry no relatedness (RELFL or AEREL)")


def _term_matches(names: list[str], terms: Iterable[str]) -> pl.Expr:
    """AE whose decoded or verbatim term means one of the given terms (synonyms resolved)."""
    table = term_lookup()
    lookup = dict(zip(table["term_key"], table["term"], strict=True))
    given = {" ".join(t.split()).lower() for t in terms}
    wanted = sorted({lookup.get(key, key) for key in given})
    keys = sorted(given | {w.lower() for w in wanted})  # unknown terms still match their text
    sources = [c for c in ("AEDECOD", "AETERM") if c in names]
    if not sources:
        raise NotApplicable("adverse events carry no term (AEDECOD or AETERM)")
    hits = []
    for column in sources:
        hits.append(canonical_term(pl.col(column)).is_in(wanted))
        hits.append(term_key(pl.col(column)).is_in(keys))
    return pl.any_horizontal(hits).fill_null(False)


def subjects_with_ae(
    source: Study | pl.LazyFrame | pl.DataFrame,
    grades: Iterable[int],
    *,
    related: bool | None = None,
    terms: Iterable[str] | None = None,
    related_set: Iterable[str] = DEFAULT_RELATED,
    emergent_only: bool = False,
) -> pl.DataFrame:
    """Subjects whose worst grade among the selected AEs is one of `grades` (USUBJID, WORSTGR)."""
    frame = _adverse_events(source)
    names = frame.collect_schema().names()
    selected = [pl.lit(True)]
    if related is not None:
        selected.append(_is_related(names, related_set) == related)
    if terms is not None:
        selected.append(_term_matches(names, list(terms)))
    if emergent_only:
        if "TRTEMFL" not in names:
            raise NotApplicable("adverse events carry no TRTEMFL")
        selected.append(pl.col("TRTEMFL") == "Y")
    return (
        frame.filter(pl.all_horizontal(selected).fill_null(False))
        .group_by("USUBJID")
        .agg(_grade(names).max().alias("WORSTGR"))
        .filter(pl.col("WORSTGR").is_in(list(grades)))
        .sort("USUBJID")
        .collect()
    )


def count_subjects_with_ae(
    source: Study | pl.LazyFrame | pl.DataFrame, grades: Iterable[int], **selection: object
) -> int:
    """How many subjects subjects_with_ae selects."""
    return subjects_with_ae(source, grades, **selection).height  # type: ignore[arg-type]
