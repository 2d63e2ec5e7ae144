from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from audit.stats.binomial import BINOMIAL_METHODS, METHOD_LABELS, binomial_ci
from audit.stats.precision import matches, parse_range
from tests.stats.reference_support import rows

R_BINOMIAL = rows("binomial/r_binomial_ci.csv")
R_METHODS = sorted({column.rsplit("_", 1)[0] for column in R_BINOMIAL[0] if column.endswith("_lower")})
R_CASES = [(row, method) for row in R_BINOMIAL for method in R_METHODS]
R_IDS = [f"{row['x']}of{row['n']}-{method}" for row, method in R_CASES]
# Methods whose interval always holds the point estimate k/n (score, exact-test or symmetric intervals).
CONTAINS_ESTIMATE = ("wilson_cc", "exact", "wilson", "prop_test", "wald", "wald_cc", "mid_p")
PUBLISHED = {20: "27.3-55.7", 37: "60.8-86.2", 17: "22.1-49.7", 34: "54.4-81.3"}


def reproduces(k: int, n: int, method: str, printed_range: str) -> bool:
    lower, upper = binomial_ci(k, n, method)
    printed_lower, printed_upper = parse_range(printed_range)
    return matches(printed_lower, 100 * lower) and matches(printed_upper, 100 * upper)


@pytest.mark.parametrize(("row", "method"), R_CASES, ids=R_IDS)
def test_interval_agrees_with_r(row, method):
    lower, upper = binomial_ci(row["x"], row["n"], method)
    assert (lower, upper) == pytest.approx((row[f"{method}_lower"], row[f"{method}_upper"]), abs=1e-9)


def test_reference_covers_exact_and_prop_test():
    assert {"exact", "prop_test"} <= set(R_METHODS)


@pytest.mark.parametrize(("k", "printed"), PUBLISHED.items(), ids=[f"{k}of49" for k in PUBLISHED])
def test_published_interval_is_wilson_with_continuity_correction(k, printed):
    assert reproduces(k, 49, "wilson_cc", printed)


@pytest.mark.parametrize(("k", "printed"), PUBLISHED.items(), ids=[f"{k}of49" for k in PUBLISHED])
def test_published_interval_is_not_clopper_pearson(k, printed):
    assert not reproduces(k, 49, "exact", printed)


@pytest.mark.parametrize(("k", "printed"), PUBLISHED.items(), ids=[f"{k}of49" for k in PUBLISHED])
def test_only_the_corrected_wilson_family_reproduces_the_published_interval(k, printed):
    # With n odd, R prop.test's correction min(0.5, |k - n/2|) is always 0.5.
    assert {m for m in BINOMIAL_METHODS if reproduces(k, 49, m, printed)} == {"wilson_cc", "prop_test"}


def test_prop_test_is_uncorrected_wilson_at_half():
    assert binomial_ci(5, 10, "prop_test") == pytest.approx(binomial_ci(5, 10, "wilson"))


def test_prop_test_is_newcombe_4_away_from_half():
    assert binomial_ci(3, 10, "prop_test") == pytest.approx(binomial_ci(3, 10, "wilson_cc"))


def test_mid_p_upper_limit_at_zero_solves_half_the_point_mass():
    assert binomial_ci(0, 10, "mid_p")[1] == pytest.approx(1 - 0.05 ** (1 / 10))


def test_wald_cc_widens_wald_by_half_over_n():
    wald, corrected = binomial_ci(20, 49, "wald"), binomial_ci(20, 49, "wald_cc")
    assert (wald[0] - corrected[0], corrected[1] - wald[1]) == pytest.approx((1 / 98, 1 / 98))


def test_jeffreys_limits_are_zero_and_one_at_the_boundaries():
    assert binomial_ci(0, 20, "jeffreys")[0] == 0.0 and binomial_ci(20, 20, "jeffreys")[1] == 1.0


def test_narrower_level_gives_narrower_interval():
    wide, narrow = binomial_ci(20, 49, "exact", 0.95), binomial_ci(20, 49, "exact", 0.90)
    assert wide[0] < narrow[0] and narrow[1] < wide[1]


@pytest.mark.parametrize(("k", "n"), [(-1, 5), (6, 5), (0, 0), (1.5, 5)], ids=["negative", "k-over-n", "n-zero",
                                                                               "not-integer"])
def test_impossible_counts_are_refused(k, n):
    with pytest.raises(ValueError):
        binomial_ci(k, n, "exact")


def test_unknown_method_is_refused():
    with pytest.raises(ValueError, match="unknown binomial CI method"):
        binomial_ci(1, 2, "clopper")


def test_every_method_has_a_label():
    assert set(METHOD_LABELS) == set(BINOMIAL_METHODS)


counts = st.integers(min_value=1, max_value=400).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n)))


@settings(max_examples=60, deadline=None)
@given(counts, st.sampled_from(BINOMIAL_METHODS))
def test_interval_is_ordered_within_zero_and_one(kn, method):
    lower, upper = binomial_ci(*kn, method)
    assert 0.0 <= lower <= upper <= 1.0


@settings(max_examples=60, deadline=None)
@given(counts, st.sampled_from(CONTAINS_ESTIMATE))
def test_interval_contains_the_observed_proportion(kn, method):
    lower, upper = binomial_ci(*kn, method)
    assert lower <= kn[0] / kn[1] <= upper
