from __future__ import annotations

from datetime import date

import pytest

from audit.stats.followup import FOLLOWUP_LABELS, FOLLOWUP_METHODS, median_followup
from tests.stats.reference_support import rows, survival_data

R_FOLLOWUP = rows("survival/followup.csv")
IDS = [row["dataset"] for row in R_FOLLOWUP]


@pytest.mark.parametrize("row", R_FOLLOWUP, ids=[f"{i}-reverse_km" for i in IDS])
def test_reverse_km_follow_up_agrees_with_r(row):
    assert median_followup(*survival_data(row["dataset"]), "reverse_km") == row["reverse_km_median"]


@pytest.mark.parametrize("row", R_FOLLOWUP, ids=[f"{i}-observation_time" for i in IDS])
def test_observation_time_is_r_median_of_all_times(row):
    assert median_followup(*survival_data(row["dataset"]), "observation_time") == row["median_all_times"]


def test_censored_only_takes_the_median_of_censored_times():
    assert median_followup([1, 5, 7, 9], [1, 0, 0, 1], "censored_only") == 6.0


def test_censored_only_without_censored_subjects_is_none():
    assert median_followup([1, 2], [1, 1], "censored_only") is None


def test_potential_follow_up_is_cutoff_minus_entry_in_days():
    entry = [date(2024, 1, 1), date(2024, 1, 11), date(2024, 1, 31)]
    assert median_followup([1, 2, 3], [1, 0, 0], "potential", entry=entry, cutoff=date(2024, 3, 1)) == 50.0


def test_potential_follow_up_without_cutoff_raises():
    with pytest.raises(ValueError, match="cut-off"):
        median_followup([1], [0], "potential", entry=[date(2024, 1, 1)])


def test_potential_follow_up_with_a_missing_entry_date_raises():
    with pytest.raises(ValueError, match="1 missing"):
        median_followup([1, 2], [0, 0], "potential", entry=[date(2024, 1, 1), None], cutoff=date(2024, 3, 1))


def test_every_follow_up_method_has_a_label():
    assert set(FOLLOWUP_LABELS) == set(FOLLOWUP_METHODS)


def test_unknown_follow_up_method_is_refused():
    with pytest.raises(ValueError, match="unknown follow-up method"):
        median_followup([1], [0], "median_os")
