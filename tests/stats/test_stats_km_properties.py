from __future__ import annotations

import warnings

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from audit.stats.km import kaplan_meier
from audit.stats.median import km_median, median_ci

# Small integer times make ties between events and censorings common.
observations = st.integers(min_value=2, max_value=60).flatmap(
    lambda n: st.tuples(st.lists(st.integers(1, 25), min_size=n, max_size=n),
                        st.lists(st.integers(0, 1), min_size=n, max_size=n)))


def _statsmodels(time, event):
    from statsmodels.duration.survfunc import SurvfuncRight

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return SurvfuncRight(np.array(time, dtype=float), np.array(event, dtype=float))


@settings(max_examples=40, deadline=None)
@given(observations)
def test_survival_and_its_standard_error_agree_with_statsmodels(data):
    km = kaplan_meier(*data)
    reference = _statsmodels(*data)
    events = km.is_event_time
    assert np.allclose(km.surv[events], reference.surv_prob)
    assert np.allclose(km.se_surv[events], reference.surv_prob_se, equal_nan=True)


@settings(max_examples=40, deadline=None)
@given(observations, st.sampled_from([("loglog", "cloglog"), ("log", "log"), ("plain", "linear")]))
def test_sas_rule_agrees_with_statsmodels_on_tied_data(data, transforms):
    ours, theirs = transforms
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        lower, upper = _statsmodels(*data).quantile_ci(0.5, method=theirs)
    expected = tuple(float(v) if np.isfinite(v) else None for v in (lower, upper))
    assert median_ci(kaplan_meier(*data), f"bc_{ours}_sas") == expected


@settings(max_examples=60, deadline=None)
@given(observations)
def test_median_rules_are_ordered_first_le_r_sas_strict_lt(data):
    km = kaplan_meier(*data)
    medians = [km_median(km, rule) for rule in ("first_le", "r_sas", "strict_lt")]
    present = [m for m in medians if m is not None]
    assert present == sorted(present)


@settings(max_examples=60, deadline=None)
@given(observations, st.sampled_from(["bc_log_r", "bc_loglog_r", "bc_plain_r"]))
def test_r_interval_brackets_the_median(data, method):
    km = kaplan_meier(*data)
    median = km_median(km)
    lower, upper = median_ci(km, method)
    if median is not None and lower is not None:
        assert lower <= median
    if median is not None and upper is not None:
        assert median <= upper
