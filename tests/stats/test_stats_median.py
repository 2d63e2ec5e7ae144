from __future__ import annotations

import warnings

import numpy as np
import pytest

from audit.stats.km import kaplan_meier
from audit.stats.median import (
    MEDIAN_CI_LABELS,
    MEDIAN_CI_METHODS,
    MEDIAN_RULE_LABELS,
    MEDIAN_RULES,
    km_median,
    median_ci,
)
from tests.stats.reference_support import rows, survival_data, survival_datasets

R_CONF_TYPES = {"log": "bc_log_r", "log-log": "bc_loglog_r", "plain": "bc_plain_r"}
R_MEDIANS = rows("survival/km_median_ci.csv")
R_IDS = [f"{row['dataset']}-{row['conf_type']}" for row in R_MEDIANS]
SAS_TO_STATSMODELS = {"loglog": "cloglog", "log": "log", "plain": "linear", "logit": "logit", "asin": "asinsqrt"}


@pytest.fixture(scope="module")
def tables():
    return {name: kaplan_meier(*survival_data(name)) for name in survival_datasets()}


@pytest.mark.parametrize("row", R_MEDIANS, ids=R_IDS)
def test_median_agrees_with_r_print_survfit(row, tables):
    assert km_median(tables[row["dataset"]]) == row["median"]


@pytest.mark.parametrize("row", R_MEDIANS, ids=R_IDS)
def test_brookmeyer_crowley_ci_agrees_with_r(row, tables):
    assert median_ci(tables[row["dataset"]], R_CONF_TYPES[row["conf_type"]]) == (row["lower"], row["upper"])


@pytest.mark.parametrize("row", R_MEDIANS[::3], ids=R_IDS[::3])
def test_reference_counts_agree_with_the_table(row, tables):
    km = tables[row["dataset"]]
    assert (int(km.n_risk[0]), int(km.n_event.sum())) == (row["n"], row["events"])


def _statsmodels_limits(name: str, transform: str) -> tuple[float | None, float | None]:
    from statsmodels.duration.survfunc import SurvfuncRight

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        lower, upper = SurvfuncRight(*survival_data(name)).quantile_ci(0.5, method=SAS_TO_STATSMODELS[transform])
    return tuple(None if not np.isfinite(v) else float(v) for v in (lower, upper))


@pytest.mark.parametrize("transform", list(SAS_TO_STATSMODELS))
@pytest.mark.parametrize("name", survival_datasets())
def test_sas_rule_agrees_with_statsmodels_quantile_ci(name, transform, tables):
    assert median_ci(tables[name], f"bc_{transform}_sas") == _statsmodels_limits(name, transform)


def test_median_is_the_midpoint_when_survival_sits_exactly_on_one_half():
    km = kaplan_meier([1, 2, 3, 4], [1, 1, 1, 1])
    assert km_median(km) == 2.5


def test_first_le_rule_takes_the_first_time_at_one_half_without_midpoint():
    km = kaplan_meier([1, 2, 3, 4], [1, 1, 1, 1])
    assert km_median(km, "first_le") == 2


def test_strict_rule_waits_until_survival_falls_below_one_half():
    km = kaplan_meier([1, 2, 3, 4], [1, 1, 1, 1])
    assert km_median(km, "strict_lt") == 3


def test_rounding_noise_around_one_half_counts_as_one_half():
    km = kaplan_meier(np.arange(1, 101), np.ones(100, dtype=int))
    assert km_median(km) == 50.5


def test_midpoint_skips_censored_times_to_the_next_drop():
    # S = 0.5 from t = 3; t = 4 is a censoring, the next drop is at t = 5.
    km = kaplan_meier([1, 2, 3, 4, 5, 6], [1, 1, 1, 0, 1, 1])
    assert km_median(km) == (3 + 5) / 2


def test_median_not_reached_is_none():
    km = kaplan_meier([1, 2, 3, 4], [1, 0, 0, 0])
    assert km_median(km) is None


def test_spss_interval_is_symmetric_around_the_median(tables):
    lower, upper = median_ci(tables["lung_os"], "spss_symmetric", median_rule="first_le")
    median = km_median(tables["lung_os"], "first_le")
    assert median - lower == pytest.approx(upper - median)


def test_spss_interval_follows_collett_slope_formula():
    km = kaplan_meier(np.arange(1, 11), np.ones(10, dtype=int))
    # S(5) = 0.5 -> median 5 (first_le); u = 4 (S = 0.6), l = 6 (S = 0.4): slope 0.1 per day.
    se_s = 0.5 * np.sqrt(sum(1 / ((10 - i) * (9 - i)) for i in range(5)))
    lower, upper = median_ci(km, "spss_symmetric", median_rule="first_le")
    assert (lower, upper) == pytest.approx((5 - 1.959964 * se_s / 0.1, 5 + 1.959964 * se_s / 0.1))


def test_spss_interval_needs_survival_to_reach_0_45(tables):
    assert median_ci(tables["ovarian_os"], "spss_symmetric") == (None, None)


@pytest.mark.parametrize("method", MEDIAN_CI_METHODS)
def test_every_ci_method_brackets_the_median_on_lung_data(method, tables):
    lower, upper = median_ci(tables["lung_os"], method)
    assert lower <= km_median(tables["lung_os"]) <= upper


def test_every_rule_and_ci_method_has_a_label():
    assert set(MEDIAN_RULE_LABELS) == set(MEDIAN_RULES)
    assert set(MEDIAN_CI_LABELS) == set(MEDIAN_CI_METHODS)


def test_unknown_ci_method_is_refused(tables):
    with pytest.raises(ValueError, match="unknown median CI method"):
        median_ci(tables["lung_os"], "bc_cloglog_r")
