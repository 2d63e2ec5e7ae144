"""Best overall response (RECIST 1.1 section 4.4.2, Table 3): confirmation, SD minimum, options."""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl
import pytest

from audit.derive.recist import RecistOptions, best_overall_response

START = date(2020, 1, 1)
MET = RecistOptions()  # SD minimum 42 days: assessments on days 42 and 84 meet it
NOT_MET = RecistOptions(sd_min_days=365)


def bor(responses: list[str], days: list[int] | None = None, opts: RecistOptions = MET, confirm: bool = True) -> str:
    days = days or [42 * (i + 1) for i in range(len(responses))]
    points = pl.LazyFrame({
        "USUBJID": ["S1"] * len(responses),
        "VISITNUM": [float(i + 1) for i in range(len(responses))],
        "ADT": [START + timedelta(days=d) for d in days],
        "RESP": responses,
    })
    starts = pl.LazyFrame({"USUBJID": ["S1"], "STARTDT": [START]})
    return best_overall_response(points, starts, starts, opts, confirm).collect()["BOR"].item()


# Table 3 of recist11.md: (row, first, second, BOR when the SD minimum is met, BOR when it is not).
TABLE3 = [
    ("CR-CR", "CR", "CR", "CR", "CR"),
    ("CR-PR", "CR", "PR", "SD", "PD"),
    ("CR-SD", "CR", "SD", "SD", "PD"),
    ("CR-PD", "CR", "PD", "SD", "PD"),
    ("CR-NE", "CR", "NE", "SD", "NE"),
    ("PR-CR", "PR", "CR", "PR", "PR"),
    ("PR-PR", "PR", "PR", "PR", "PR"),
    ("PR-PD", "PR", "PD", "SD", "PD"),
    ("PR-NE", "PR", "NE", "SD", "NE"),
    ("NE-NE", "NE", "NE", "NE", "NE"),
]


@pytest.mark.parametrize(("first", "second", "met", "not_met"), [pytest.param(*r[1:], id=r[0]) for r in TABLE3])
def test_table3_row_when_sd_minimum_is_met(first, second, met, not_met):
    assert bor([first, second]) == met


@pytest.mark.parametrize(("first", "second", "met", "not_met"), [pytest.param(*r[1:], id=r[0]) for r in TABLE3])
def test_table3_row_when_sd_minimum_is_not_met(first, second, met, not_met):
    assert bor([first, second], opts=NOT_MET) == not_met


def test_table3_pr_then_sd_is_sd():
    assert bor(["PR", "SD"]) == "SD"


def test_table3_cr_then_pr_is_pr_when_the_pr_is_itself_confirmed():
    assert bor(["CR", "PR", "PR"]) == "PR"


def test_confirmation_needs_28_days_between_assessments():
    assert (bor(["PR", "PR"], days=[42, 69]), bor(["PR", "PR"], days=[42, 70])) == ("SD", "PR")


def test_one_ne_may_sit_between_a_response_and_its_confirmation():
    assert bor(["PR", "NE", "PR"]) == "PR"


def test_two_ne_between_a_response_and_its_confirmation_are_too_many_by_default():
    assert bor(["PR", "NE", "NE", "PR"]) == "SD"


def test_max_ne_between_option_allows_more_ne():
    assert bor(["PR", "NE", "NE", "PR"], opts=RecistOptions(max_ne_between=2)) == "PR"


def test_an_sd_between_response_and_confirmation_breaks_it():
    assert bor(["PR", "SD", "PR"], days=[42, 56, 84]) == "SD"


def test_assessments_after_pd_do_not_count():
    assert bor(["SD", "PD", "PR", "PR"]) == "SD"


def test_sd_before_the_minimum_does_not_count():
    assert bor(["SD", "PD"], days=[30, 84]) == "PD"


def test_without_confirmation_bor_is_the_best_time_point_response():
    assert bor(["PR", "PD"], confirm=False) == "PR"


def test_non_target_only_disease_gives_non_cr_non_pd():
    assert bor(["NON-CR/NON-PD", "NON-CR/NON-PD"]) == "NON-CR/NON-PD"


def test_subject_without_assessments_is_ne():
    points = pl.LazyFrame(schema={"USUBJID": pl.String, "VISITNUM": pl.Float64, "ADT": pl.Date, "RESP": pl.String})
    subjects = pl.LazyFrame({"USUBJID": ["S1"], "STARTDT": [START]})
    assert best_overall_response(points, subjects, subjects, MET, True).collect()["BOR"].item() == "NE"
