"""RECIST 1.1 Tables 1 and 2 (section 4.4.1): every row of the guideline gives its overall response."""

from __future__ import annotations

import polars as pl
import pytest

from audit.derive.recist import overall_response_rows, overall_response_table
from audit.derive.recist.tables import coded, measurements, unmapped

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


def _coded(values: list[str | None], kind: str) -> list[str | None]:
    return pl.DataFrame({"T": values}, schema={"T": pl.String}).select(coded(pl.col("T"), kind))["T"].to_list()


def test_unequivocal_progression_of_a_non_target_reads_as_pd():
    assert _coded(["UNEQUIVOCAL", "Unequivocal progression", "EQUIVOCAL"], "state") == ["PD", "PD", "EQUIVOCAL"]


def test_a_wording_the_table_lacks_is_missing_not_kept_as_written():
    assert _coded(["CHECK", "PARTIAL RESPONSE", ""], "response") == [None, "PR", None]


def test_unmapped_names_only_non_blank_unknown_wordings():
    frame = pl.DataFrame({"T": ["CHECK", "PD", "", None]}, schema={"T": pl.String})
    flagged = frame.select(unmapped(pl.col("T"), "response").fill_null(False))["T"].to_list()
    assert flagged == [True, False, False, False]


def test_diameter_is_read_before_the_raw_axes_for_every_lesion_kind():
    table = measurements().sort("precedence")
    first = table.group_by("lesion").agg(pl.col("test").first(), pl.col("precedence").min()).sort("lesion")
    assert first.rows() == [("any", "DIAMETER", 1), ("nodal", "SAXIS", 2), ("non-nodal", "LDIAM", 2)]


def test_a_node_is_measured_by_its_short_axis_or_lperp_never_its_long_diameter():
    nodal = measurements().filter(pl.col("lesion").is_in(["nodal", "any"]))["test"].to_list()
    assert "LDIAM" not in nodal and {"SAXIS", "LPERP"} <= set(nodal)
