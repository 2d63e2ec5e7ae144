"""CTCAE derivations over AE records: term lookup, lab windows, under-reporting, emergence."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from audit.derive import DeriveContext, NotApplicable
from audit.derive.ctcae import CtcaeOptions, count_subjects_with_ae, subjects_with_ae
from audit.errors import AuditInputError
from audit.study import load_study

DM = {
    "USUBJID": ["S1", "S2"],
    "RFSTDTC": ["2020-01-15", "2020-01-15"],
    "RFENDTC": ["2020-06-01", "2020-06-01"],
    "DTHFL": ["", "Y"],
    "DTHDTC": ["", "2020-03-01"],
}
# S1: baseline WBC normal, grade 3 on 02-01 (covered by an AE), grade 4 on 03-01 (not covered).
LB = {
    "USUBJID": ["S1"] * 4 + ["S2"],
    "LBSEQ": [1, 2, 3, 4, 1],
    "LBTESTCD": ["WBC", "WBC", "WBC", "HGB", "HGB"],
    "LBSTRESN": [5.0, 1.5, 0.8, 90.0, 95.0],
    "LBSTRESU": ["10^9/L", "10^9/L", "10^9/L", "g/L", "pints"],
    "LBSTNRLO": [4.0, 4.0, 4.0, 130.0, 130.0],
    "LBSTNRHI": [10.0, 10.0, 10.0, 175.0, 175.0],
    "LBDTC": ["2020-01-10", "2020-02-01", "2020-03-01", "2020-02-01", "2020-02-01"],
}
AE = {
    "USUBJID": ["S1", "S1", "S1", "S2"],
    "AESEQ": [1, 2, 3, 1],
    "AETERM": ["LEUKOPENIA", "RCCEP", "ANAEMIA", "DEATH"],
    "AEDECOD": ["Leukopenia", "RCCEP", "Anaemia", "Death NOS"],
    "AESTDTC": ["2020-01-30", "2020-02-01", "2020-01-20", "2020-02-20"],
    "AEENDTC": ["2020-02-10", "", "", "2020-03-01"],
    "AETOXGR": ["3", "2", "2", "4"],
    "AEREL": ["RELATED", "POSSIBLY RELATED", "NOT RELATED", "NOT RELATED"],
    "AEOUT": ["RECOVERED/RESOLVED", "NOT RECOVERED/NOT RESOLVED", "", "FATAL"],
}


@pytest.fixture
def ctx(tmp_path: Path) -> DeriveContext:
    for name, data in (("dm", DM), ("lb", LB), ("ae", AE)):
        pl.DataFrame(data).write_csv(tmp_path / f"{name}.csv")
    from datetime import date

    return DeriveContext(load_study(tmp_path, cutoff=date(2020, 12, 31)))


def _frame(ctx: DeriveContext, name: str) -> pl.DataFrame:
    return ctx.derived(name).collect()


def test_lab_grades_carry_dataset_subject_and_record_key(ctx: DeriveContext):
    graded = _frame(ctx, "ctcae.lab_grades")
    assert graded.columns[:3] == ["DATASET", "USUBJID", "LBSEQ"]
    assert set(graded["DATASET"]) == {"LB"}


def test_unknown_unit_is_reported_as_ungradable(ctx: DeriveContext):
    graded = _frame(ctx, "ctcae.lab_grades").filter(pl.col("USUBJID") == "S2")
    assert graded.select("UNITOK", "ATOXSTAT", "ATOXGRN").row(0) == (False, "unit unknown", None)


def test_ae_terms_map_synonyms_and_mark_unknown_terms(ctx: DeriveContext):
    terms = _frame(ctx, "ctcae.ae_terms").sort("USUBJID", "AESEQ")
    assert terms["CTCTERM"].to_list() == [
        "White blood cell decreased",
        None,
        "Anemia",
        "Death NOS",
    ]
    assert terms["TERMKNOWN"].to_list() == [True, False, True, True]


def test_grade_outside_the_terms_range_is_marked(ctx: DeriveContext):
    terms = _frame(ctx, "ctcae.ae_terms").sort("USUBJID", "AESEQ")
    # Death NOS allows grade 5 only; grade 4 is outside.
    assert terms.filter(pl.col("USUBJID") == "S2")["GRADEOK"].to_list() == [False]
    assert terms.filter(pl.col("USUBJID") == "S2")["ALLOWED"].to_list() == ["5-5"]


def test_worst_lab_grade_inside_the_ae_window_is_compared_with_the_reported_grade(
    ctx: DeriveContext,
):
    window = _frame(ctx, "ctcae.ae_lab_window").sort("USUBJID", "AESEQ")
    leuk = window.filter(pl.col("AESEQ") == 1).row(0, named=True)
    assert (leuk["AETOXGRN"], leuk["LABGRADE"], leuk["LABSEQ"], leuk["GRADEAGREE"]) == (
        3,
        3,
        2,
        True,
    )


def test_open_ae_window_runs_to_the_cutoff(ctx: DeriveContext):
    window = _frame(ctx, "ctcae.ae_lab_window")
    anaemia = window.filter(pl.col("AESEQ") == 3).row(0, named=True)
    # Hb 90 g/L on 02-01 is grade 2; the AE reports 2 and is still open.
    assert (anaemia["LABGRADE"], anaemia["GRADEAGREE"]) == (2, True)


def test_severe_lab_value_without_a_covering_ae_is_unreported(ctx: DeriveContext):
    unreported = _frame(ctx, "ctcae.unreported_lab")
    assert unreported.select("USUBJID", "LBSEQ", "ATOXGRN").rows() == [("S1", 3, 4)]


def test_underreporting_threshold_is_an_option(ctx: DeriveContext):
    ctx.settings = {"ctcae": {"unreported_min_grade": 2}}
    unreported = _frame(ctx, "ctcae.unreported_lab")
    # Hb grade 2 on 02-01 lies inside the open anaemia AE: still covered.
    assert unreported["LBSEQ"].to_list() == [3]


def test_fatal_ae_without_grade_5_still_needs_a_death_in_dm(ctx: DeriveContext):
    deaths = _frame(ctx, "ctcae.fatal_ae_death")
    assert deaths.select("USUBJID", "AESEQ", "DEATHOK").rows() == [("S2", 1, True)]


def test_missing_lb_makes_lab_grades_not_applicable(tmp_path: Path):
    pl.DataFrame(DM).write_csv(tmp_path / "dm.csv")
    ctx = DeriveContext(load_study(tmp_path))
    with pytest.raises(NotApplicable, match="LB"):
        ctx.derived("ctcae.lab_grades")


def test_bad_option_is_a_user_error_naming_the_field():
    with pytest.raises(AuditInputError, match="ctcae.unreported_min_grade"):
        CtcaeOptions.from_section({"unreported_min_grade": 1})


def test_subjects_are_counted_once_at_their_worst_grade():
    adae = pl.DataFrame(
        {
            "USUBJID": ["A", "A", "B", "C"],
            "AEDECOD": ["Leukopenia", "White blood cell decreased", "Leukopenia", "Fatigue"],
            "AETOXGR": ["3", "4", "2", "3"],
            "AEREL": ["RELATED", "RELATED", "RELATED", "NOT RELATED"],
        }
    )
    assert count_subjects_with_ae(adae, [3, 4], terms=["leukopenia"]) == 1
    assert count_subjects_with_ae(adae, [3, 4], related=True) == 1
    assert subjects_with_ae(adae, [3, 4])["USUBJID"].to_list() == ["A", "C"]


def test_relatedness_set_is_configurable():
    adae = pl.DataFrame(
        {"USUBJID": ["A"], "AEDECOD": ["Fatigue"], "AETOXGR": ["3"], "AEREL": ["POSSIBLY RELATED"]}
    )
    assert count_subjects_with_ae(adae, [3], related=True, related_set=["RELATED"]) == 0


def test_severity_implied_by_grade_is_derived():
    from audit.derive.ctcae import ae_terms

    ae = pl.LazyFrame(
        {
            "USUBJID": ["A", "A", "A"],
            "AESEQ": [1, 2, 3],
            "AEDECOD": ["Fatigue"] * 3,
            "AETOXGR": ["1", "3", "4"],
            "AESEV": ["MILD", "MODERATE", "SEVERE"],
        }
    )
    assert ae_terms(ae).collect()["AESEVD"].to_list() == ["MILD", "SEVERE", "SEVERE"]


def test_grade_text_that_is_not_one_to_five_is_invalid():
    from audit.derive.ctcae import ae_terms

    ae = pl.LazyFrame(
        {
            "USUBJID": ["A"] * 4,
            "AESEQ": [1, 2, 3, 4],
            "AEDECOD": ["Fatigue"] * 4,
            "AETOXGR": ["3", "6", "Grade 2", "0"],
        }
    )
    assert ae_terms(ae).collect()["GRADEINVALID"].to_list() == [False, True, True, True]
