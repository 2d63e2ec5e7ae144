from __future__ import annotations

import math

import pytest

from audit.stats.twobytwo import (
    DIFFERENCE_METHODS,
    mantel_haenszel_odds_ratio,
    odds_ratio,
    rate_difference,
    relative_risk,
)

# Newcombe (1998), Stat Med 17:873-890, Table II, example (a): 56/70 - 48/80, four decimals.
NEWCOMBE_A = {"wald": (0.0575, 0.3425), "newcombe": (0.0524, 0.3339), "miettinen_nurminen": (0.0528, 0.3382)}


@pytest.mark.parametrize("method", DIFFERENCE_METHODS)
def test_difference_ci_agrees_with_newcombe_table_ii(method):
    estimate = rate_difference(56, 70, 48, 80, method)
    assert (round(estimate.lower, 4), round(estimate.upper, 4)) == NEWCOMBE_A[method]
    assert estimate.value == pytest.approx(0.2)


def test_miettinen_nurminen_limits_stay_inside_minus_one_to_one_at_the_edges():
    estimate = rate_difference(10, 10, 0, 20, "miettinen_nurminen")
    assert estimate.upper == 1.0 and 0 < estimate.lower < 1


def test_odds_ratio_ci_is_woolfs_logit_interval():
    a, b, c, d = 56, 14, 48, 32
    half = 1.959963984540054 * math.sqrt(1 / a + 1 / b + 1 / c + 1 / d)
    estimate = odds_ratio(56, 70, 48, 80)
    assert (estimate.lower, estimate.upper) == pytest.approx(
        (a * d / (b * c) * math.exp(-half), a * d / (b * c) * math.exp(half)))


def test_relative_risk_ci_is_katz_log_interval():
    half = 1.959963984540054 * math.sqrt(1 / 56 - 1 / 70 + 1 / 48 - 1 / 80)
    estimate = relative_risk(56, 70, 48, 80)
    assert (estimate.value, estimate.lower, estimate.upper) == pytest.approx(
        (56 / 70 / (48 / 80), 56 / 70 / (48 / 80) * math.exp(-half), 56 / 70 / (48 / 80) * math.exp(half)))


def test_mantel_haenszel_odds_ratio_is_the_weighted_sum_over_strata():
    strata = [(56, 70, 48, 80), (10, 20, 5, 20)]
    numerator = sum(x1 * (n2 - x2) / (n1 + n2) for x1, n1, x2, n2 in strata)
    denominator = sum((n1 - x1) * x2 / (n1 + n2) for x1, n1, x2, n2 in strata)
    assert mantel_haenszel_odds_ratio(strata).value == pytest.approx(numerator / denominator)


def test_one_stratum_mantel_haenszel_equals_the_crude_odds_ratio():
    assert mantel_haenszel_odds_ratio([(56, 70, 48, 80)]).value == pytest.approx(odds_ratio(56, 70, 48, 80).value)


def test_impossible_counts_are_refused():
    with pytest.raises(ValueError, match="counts must satisfy"):
        rate_difference(8, 5, 1, 5)


def test_cmh_p_is_the_uncorrected_mantel_haenszel_chi_square():
    from scipy.stats import chi2

    strata = [(56, 70, 48, 80), (10, 20, 5, 20)]
    gap = variance = 0.0
    for x1, n1, x2, n2 in strata:
        total, responders = n1 + n2, x1 + x2
        gap += x1 - n1 * responders / total
        variance += n1 * n2 * responders * (total - responders) / (total ** 2 * (total - 1))
    assert mantel_haenszel_odds_ratio(strata).p_value == pytest.approx(chi2.sf(gap ** 2 / variance, 1))


def test_chi_square_p_of_two_rates_is_the_two_proportion_z_test():
    from scipy.stats import norm

    from audit.stats.twobytwo import association_p

    pooled = (56 + 48) / 150
    z = (56 / 70 - 48 / 80) / math.sqrt(pooled * (1 - pooled) * (1 / 70 + 1 / 80))
    assert association_p(56, 70, 48, 80, "chisq") == pytest.approx(2 * norm.sf(z))
