"""Built-in suites close a value set only where CDISC CT (or a clinical guideline) closes it."""

from __future__ import annotations

import io
from importlib import resources

import polars as pl
import pytest

from audit.derive.ctcae import lab_criteria, lab_units
from audit.expectations import PASSED, load_suites
from audit.packs import expectations_dir
from tests.expectation_support import expectation, run_one

ROW_WISE_SET = "expect_column_values_to_be_in_set"
DISTINCT_SET = "expect_column_distinct_values_to_be_in_set"


def _codelists() -> pl.DataFrame:
    text = resources.files("audit").joinpath("data", "cdisc_ct_codelists.csv").read_text(encoding="utf-8")
    return pl.read_csv(io.StringIO(text))


def _expectations(kind: str):
    return [e for s in load_suites(expectations_dir()) for e in s.expectations if e.type == kind]


@pytest.mark.parametrize("closed", _expectations(ROW_WISE_SET), ids=lambda e: e.rule_id)
def test_a_closed_value_set_is_a_non_extensible_codelist_or_a_guideline_category(closed):
    codelists = {row["codelist"]: row for row in _codelists().iter_rows(named=True)}
    if "closed_by" in closed.meta:
        return
    codelist = codelists[closed.meta["codelist"]]
    assert codelist["extensible"] == "No"
    assert set(closed.kwargs["value_set"]) <= set(codelist["terms"].split("|"))


@pytest.mark.parametrize("listed", _expectations(DISTINCT_SET), ids=lambda e: e.rule_id)
def test_a_value_of_an_extensible_codelist_is_reported_at_info_at_most(listed):
    assert listed.severity == "info"


def test_no_value_list_on_sponsor_defined_variables():
    sponsor_defined = {"AEREL", "TRGRPID"}  # SDTMIG 6.2 AE; 4.5.4 --GRPID: no CDISC codelist
    listed = {c for kind in (ROW_WISE_SET, DISTINCT_SET) for e in _expectations(kind) for c in e.columns}
    assert not listed & sponsor_defined


def _built_in(rule_id: str) -> dict:
    (found,) = [e for s in load_suites(expectations_dir()) for e in s.expectations if e.rule_id == rule_id]
    return expectation(found.type, **found.kwargs)


def test_every_unit_the_ctcae_grader_converts_meets_the_lab_unit_expectation(tmp_path):
    units = lab_units()["unit"].unique().sort()
    frame = pl.DataFrame({"USUBJID": "S1", "LBSEQ": range(1, len(units) + 1), "LBSTRESU": units})
    assert run_one(tmp_path, frame, _built_in("EXP-LB-018"), dataset="LB").status == PASSED


def test_a_lab_test_the_grader_does_not_cover_is_listed_once_however_many_records_hold_it(tmp_path):
    graded = lab_criteria()["LBTESTCD"][0]
    frame = pl.DataFrame({"USUBJID": "S1", "LBSEQ": [1, 2, 3, 4], "LBTESTCD": [graded, "SODIUM", "SODIUM", "SODIUM"]})
    outcome = run_one(tmp_path, frame, _built_in("EXP-LB-013"), dataset="LB")
    assert outcome.unexpected_values == (("SODIUM", 3),)


def test_screen_failures_and_untreated_subjects_need_no_first_dose_date(tmp_path):
    dm = pl.DataFrame(
        {
            "USUBJID": ["SF-CODE", "SF-ARM", "NOT-TREATED", "TREATED-NO-DATE", "TREATED"],
            "ARMCD": ["Scrnfail", "A", "A", "A", "A"],
            "ARM": ["Screen Failure", "SCREEN FAILURE", "Arm A", "Arm A", "Arm A"],
            "ACTARMCD": ["Scrnfail", "A", None, "A", "A"],  # SDTMIG 3.3+: null with ARMNRS
            "RFSTDTC": [None, None, None, None, "2020-01-02"],
        }
    )
    outcome = run_one(tmp_path, dm, _built_in("EXP-DM-012"), dataset="DM")
    assert outcome.unexpected["USUBJID"].to_list() == ["TREATED-NO-DATE"]
