"""CTCAE v5 lab grades: every bound of the criteria table at its edge, and hand-checked values."""

from __future__ import annotations

import polars as pl
import pytest
from ctcae_support import NORMAL_RANGE, grade_values

from audit.derive.ctcae import lab_criteria

REL_EPS = 1e-6


def _baseline_for(row: dict) -> float | None:
    """An abnormal baseline (twice ULN) for rows that apply only when baseline was abnormal."""
    return 2.0 * NORMAL_RANGE[row["LBTESTCD"]][1] if row["baseline"] == "abnormal" else None


def _absolute(row: dict, side: str) -> float:
    lln, uln = NORMAL_RANGE[row["LBTESTCD"]]
    scale = {"ABS": 1.0, "LLN": lln, "ULN": uln, "BASELINE": _baseline_for(row)}
    return row[side] * scale[row[f"{side}_basis"]]


def _edge_cases() -> list:
    cases = []
    for row in lab_criteria().iter_rows(named=True):
        for side in ("lower", "upper"):
            if row[side] is None:
                continue
            bound = _absolute(row, side)
            inward = 1.0 if side == "lower" else -1.0
            label = f"{row['LBTESTCD']}-G{row['grade']}-{row['baseline']}-{side}"
            cases.append(pytest.param(row, bound, bound + inward * REL_EPS * bound, id=label))
    return cases


EDGE_CASES = _edge_cases()


@pytest.mark.parametrize(("row", "bound", "inside"), EDGE_CASES)
def test_value_just_inside_a_bound_gets_the_rows_grade(row: dict, bound: float, inside: float):
    assert grade_values(row["LBTESTCD"], [inside], baseline=_baseline_for(row)) == [row["grade"]]


@pytest.mark.parametrize(("row", "bound", "inside"), EDGE_CASES)
def test_value_on_a_bound_belongs_to_the_row_only_when_the_side_is_inclusive(
    row: dict, bound: float, inside: float
):
    side = "lower" if inside > bound else "upper"
    got = grade_values(row["LBTESTCD"], [bound], baseline=_baseline_for(row))
    assert (got == [row["grade"]]) == row[f"{side}_inclusive"]


@pytest.mark.parametrize(("row", "bound", "inside"), EDGE_CASES)
def test_value_just_outside_a_bound_gets_another_grade(row: dict, bound: float, inside: float):
    outside = bound - (inside - bound)
    got = grade_values(row["LBTESTCD"], [outside], baseline=_baseline_for(row))
    assert got != [row["grade"]]


@pytest.mark.parametrize(
    ("testcd", "value", "grade"),
    [
        ("WBC", 4.0, 0),  # at LLN: not below it
        ("WBC", 3.99, 1),
        ("WBC", 3.0, 1),  # "<LLN - 3.0": 3.0 is still grade 1
        ("WBC", 2.99, 2),
        ("WBC", 2.0, 2),
        ("WBC", 1.99, 3),
        ("WBC", 1.0, 3),
        ("WBC", 0.99, 4),
        ("NEUT", 0.5, 3),
        ("NEUT", 0.49, 4),
        ("LYM", 0.2, 3),
        ("PLAT", 75.0, 1),
        ("PLAT", 24.9, 4),
        ("HGB", 100.0, 1),
        ("HGB", 79.9, 3),
        ("ALB", 20.0, 2),
        ("ALB", 19.9, 3),
        ("ALT", 40.0, 0),  # at ULN: not above it
        ("ALT", 120.0, 1),  # 3.0 x ULN is still grade 1
        ("ALT", 120.1, 2),
        ("ALT", 800.0, 3),
        ("ALT", 800.1, 4),
        ("ALP", 375.0, 1),
        ("BILI", 31.5, 1),
        ("BILI", 210.1, 4),
        ("CREAT", 660.0, 3),
        ("CREAT", 660.1, 4),
    ],
)
def test_hand_checked_grades_with_a_normal_baseline(testcd: str, value: float, grade: int):
    assert grade_values(testcd, [value]) == [grade]


def test_alt_with_abnormal_baseline_is_graded_against_baseline_multiples():
    # Baseline 100 U/L (ULN 40): 1.5 x baseline = 150 opens grade 1, not ULN.
    assert grade_values("ALT", [140.0, 150.0, 300.0, 300.1], baseline=100.0) == [0, 1, 1, 2]


def test_bilirubin_with_abnormal_baseline_is_graded_above_one_times_baseline():
    assert grade_values("BILI", [30.0, 30.1, 45.0, 45.1], baseline=30.0) == [0, 1, 1, 2]


def test_alp_with_abnormal_baseline_starts_grade_1_at_twice_baseline():
    assert grade_values("ALP", [399.0, 400.0, 500.0, 500.1], baseline=200.0) == [0, 1, 1, 2]


def test_normal_baseline_keeps_uln_multiples():
    assert grade_values("ALT", [41.0, 121.0], baseline=30.0) == [1, 2]


def test_creatinine_ignores_baseline_and_uses_uln():
    assert grade_values("CREAT", [120.0], baseline=200.0) == [1]


def test_baseline_is_the_last_value_on_or_before_first_dose():
    # Two pre-dose values: the later (normal) one is the baseline, so ULN multiples apply.
    lb = pl.LazyFrame(
        {
            "USUBJID": ["S1"] * 3,
            "LBSEQ": [1, 2, 3],
            "LBTESTCD": ["ALT"] * 3,
            "LBSTRESN": [100.0, 30.0, 130.0],
            "LBSTRESU": ["U/L"] * 3,
            "LBSTNRLO": [0.0] * 3,
            "LBSTNRHI": [40.0] * 3,
            "LBDTC": ["2020-01-01", "2020-01-15", "2020-02-01"],
        }
    )
    dm = pl.LazyFrame({"USUBJID": ["S1"], "RFSTDTC": ["2020-01-15"]})
    from audit.derive.ctcae import grade_lab_records

    graded = grade_lab_records(lb, dm).sort("LBSEQ").collect()
    assert graded["BASE"].to_list() == [30.0, 30.0, 30.0]
    assert graded["ATOXGRN"].to_list()[2] == 2


def test_haemoglobin_in_g_per_dl_is_converted_before_grading():
    assert grade_values("HGB", [9.9, 7.9], unit="g/dL", normal_range=(13.0, 17.5)) == [2, 3]


def test_haemoglobin_in_mmol_per_l_is_converted_before_grading():
    # 4.9 mmol/L is about 79 g/L: grade 3 (CTCAE "<8.0 g/dL; <4.9 mmol/L" rounds the same cut).
    assert grade_values("HGB", [6.0, 4.8], unit="mmol/L", normal_range=(8.1, 10.9)) == [2, 3]


def test_albumin_in_g_per_dl_is_converted_before_grading():
    assert grade_values("ALB", [2.9, 1.9], unit="g/dL", normal_range=(3.5, 5.0)) == [2, 3]


def test_unit_spelling_variants_are_recognised():
    assert grade_values("BILI", [40.0], unit="µmol/L") == [2]
    assert grade_values("WBC", [1500.0], unit="/mm3") == [3]


def test_unknown_unit_is_not_graded():
    assert grade_values("HGB", [9.0], unit="mg/furlong") == [None]


def test_missing_lln_leaves_only_the_grade_1_question_open():
    assert grade_values("WBC", [3.5, 2.5], normal_range=(None, 10.0)) == [None, 2]
