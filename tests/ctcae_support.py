"""Small builders shared by the CTCAE tests: grade values through the real derivation."""

from __future__ import annotations

import polars as pl

from audit.derive.ctcae import grade_lab_records, lab_units

FIRST_DOSE = "2020-01-15"
# Normal ranges used by the tests, in the grading table's units.
NORMAL_RANGE = {
    "WBC": (4.0, 10.0),
    "NEUT": (2.0, 7.0),
    "LYM": (1.1, 3.2),
    "PLAT": (150.0, 400.0),
    "HGB": (130.0, 175.0),
    "ALB": (35.0, 50.0),
    "ALT": (0.0, 40.0),
    "AST": (0.0, 40.0),
    "ALP": (40.0, 150.0),
    "BILI": (3.0, 21.0),
    "CREAT": (60.0, 110.0),
}


def standard_unit(testcd: str) -> str:
    """The unit the grading table uses for a test."""
    units = lab_units().filter((pl.col("LBTESTCD") == testcd) & (pl.col("factor") == 1.0))
    return units["standard_unit"][0]


def grade_values(
    testcd: str,
    values: list[float],
    *,
    baseline: float | None = None,
    unit: str | None = None,
    normal_range: tuple[float | None, float | None] | None = None,
) -> list[int | None]:
    """Grades of on-treatment values of one test for one subject, in the order given."""
    lln, uln = normal_range or NORMAL_RANGE[testcd]
    unit = unit or standard_unit(testcd)
    dated = [("2020-01-01", baseline)] if baseline is not None else []
    dated += [("2020-02-01", v) for v in values]
    lb = pl.LazyFrame(
        {
            "USUBJID": ["S1"] * len(dated),
            "LBSEQ": list(range(1, len(dated) + 1)),
            "LBTESTCD": [testcd] * len(dated),
            "LBSTRESN": [v for _, v in dated],
            "LBSTRESU": [unit] * len(dated),
            "LBSTNRLO": [lln] * len(dated),
            "LBSTNRHI": [uln] * len(dated),
            "LBDTC": [d for d, _ in dated],
        },
        schema_overrides={"LBSTRESN": pl.Float64, "LBSTNRLO": pl.Float64, "LBSTNRHI": pl.Float64},
    )
    dm = pl.LazyFrame({"USUBJID": ["S1"], "RFSTDTC": [FIRST_DOSE]})
    graded = grade_lab_records(lb, dm).sort("LBSEQ").collect()
    grades = graded["ATOXGRN"].to_list()
    return grades[1:] if baseline is not None else grades
