"""RECIST 1.1 Tables 1 and 2 (section 4.4.1): every row of the guideline gives its overall response."""

from __future__ import annotations

import polars as pl
import pytest

from audit.derive.recist import overall_response_rows, overall_response_table

NON_PD = ("CR", "NON-CR/NON-PD", "NONE")
NON_PD_OR_NE = (*NON_PD, "NE")
ANY_TARGET = ("CR", "PR", "SD", "PD", "NE", "NONE")
ANY_NON_TARGET = ("CR", "NON-CR/NON-PD", "NE", "PD", "NONE")

# The rows of Tables 1 and 2 as recist11.md writes them: (row name, targets, non-targets, new lesions, overall).
GUIDELINE_ROWS = [
    ("t1-CR-CR-no", ("CR",), ("CR",), ("N",), "CR"),
    ("t1-CR-nonCRnonPD-no", ("CR",), ("NON-CR/NON-PD",), ("N",), "PR"),
    ("t1-CR-not-evaluated-no", ("CR",), ("NE",), ("N",), "PR"),
    ("t1-PR-nonPD-or-not-all-evaluated-no", ("PR",), NON_PD_OR_NE, ("N",), "PR"),
    ("t1-SD-nonPD-or-not-all-evaluated-no", ("SD",), NON_PD_OR_NE, ("N",), "SD"),
    ("t1-not-all-evaluated-nonPD-no", ("NE",), NON_PD_OR_NE, ("N",), "NE"),
    ("t1-PD-any-any", ("PD",), ANY_NON_TARGET, ("Y", "N"), "PD"),
    ("t1-any-PD-any", ANY_TARGET, ("PD",), ("Y", "N"), "PD"),
    ("t1-any-any-new", ANY_TARGET, ANY_NON_TARGET, ("Y",), "PD"),
    ("t2-CR-no", ("NONE",), ("CR",), ("N",), "CR"),
    ("t2-nonCRnonPD-no", ("NONE",), ("NON-CR/NON-PD",), ("N",), "NON-CR/NON-PD"),
    ("t2-not-all-evaluated-no", ("NONE",), ("NE",), ("N",), "NE"),
    ("t2-PD-any", ("NONE",), ("PD",), ("Y", "N"), "PD"),
    ("t2-new-lesion", ("NONE",), ANY_NON_TARGET, ("Y",), "PD"),
]


def _lookup(target: str, non_target: str, new: str) -> str:
    row = overall_response_table().filter(
        (pl.col("TRGRESP") == target) & (pl.col("NTRGRESP") == non_target) & (pl.col("NEWLIND") == new)
    )
    return row["OVRLRESP"].item()


@pytest.mark.parametrize(("targets", "non_targets", "new", "overall"),
                         [pytest.param(*r[1:], id=r[0]) for r in GUIDELINE_ROWS])
def test_guideline_row_gives_its_overall_response(targets, non_targets, new, overall):
    got = {(t, n, y): _lookup(t, n, y) for t in targets for n in non_targets for y in new}
    assert got == {k: overall for k in got}


def test_table_decides_every_combination_exactly_once():
    table = overall_response_table()
    assert table.height == 6 * 5 * 2
    assert not table.select("TRGRESP", "NTRGRESP", "NEWLIND").is_duplicated().any()


def test_target_cr_without_non_target_disease_is_cr():
    assert _lookup("CR", "NONE", "N") == "CR"


def test_table_rows_name_the_guideline_row_they_encode():
    assert overall_response_rows()["row"].null_count() == 0
