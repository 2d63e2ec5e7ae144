from __future__ import annotations

from datetime import date

import pytest

from audit.stats.followup import FOLLOWUP_LABELS, FOLLOWUP_METHODS, followup_quartiles, median_followup
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


@pytest.mark.parametrize(("quartiles", "expected"), [("type7", (3.25, 5.5, 7.75)), ("type2", (3.0, 5.5, 8.0)),
                                                      ("type6", (2.75, 5.5, 8.25))])
def test_observation_time_quartiles_follow_r_quantile_types(quartiles, expected):
    # R: quantile(1:10, c(.25, .5, .75), type = 7 / 2 / 6)
    assert followup_quartiles(range(1, 11), [1] * 10, "observation_time", quartiles) == expected


def test_reverse_km_quartiles_take_midpoints_where_the_curve_sits_on_the_level():
    # R: quantile(survfit(Surv(1:8, rep(1, 8)) ~ 1), c(.25, .5, .75)) gives 2.5, 4.5, 6.5
    assert followup_quartiles(range(1, 9), [0] * 8, "reverse_km") == (2.5, 4.5, 6.5)


def test_reverse_km_quartiles_ignore_the_empirical_quantile_type():
    time, event = [3, 5, 8, 9, 12, 14, 20], [1, 0, 1, 0, 0, 1, 0]
    assert followup_quartiles(time, event, "reverse_km", "type6") == followup_quartiles(time, event, "reverse_km")


def test_followup_median_is_the_middle_of_its_quartiles():
    time, event = [3, 5, 8, 9, 12, 14, 20, 21], [1, 0, 1, 0, 0, 1, 0, 1]
    for method in ("reverse_km", "observation_time", "censored_only"):
        assert followup_quartiles(time, event, method)[1] == median_followup(time, event, method)


def test_unknown_quartile_definition_is_refused():
    with pytest.raises(ValueError, match="unknown quartile definition"):
        followup_quartiles([1], [0], "observation_time", "type9")
