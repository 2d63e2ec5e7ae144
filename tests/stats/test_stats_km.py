from __future__ import annotations

import numpy as np
import pytest

from audit.stats.km import kaplan_meier, reverse_kaplan_meier


def test_table_lists_every_distinct_time_with_its_counts():
    km = kaplan_meier([3, 1, 2, 2, 5], [1, 0, 1, 0, 1])
    assert km.time.tolist() == [1, 2, 3, 5]
    assert km.n_risk.tolist() == [5, 4, 2, 1]
    assert km.n_event.tolist() == [0, 1, 1, 1]
    assert km.n_censor.tolist() == [1, 1, 0, 0]


def test_tied_events_leave_before_censorings_at_the_same_time():
    km = kaplan_meier([2, 2, 4, 4], [1, 0, 1, 1])
    assert km.surv[0] == pytest.approx(3 / 4)


def test_survival_is_the_product_limit():
    km = kaplan_meier([1, 2, 3, 4], [1, 0, 1, 1])
    assert km.surv.tolist() == pytest.approx([3 / 4, 3 / 4, 3 / 8, 0.0])


def test_greenwood_accumulates_d_over_n_times_n_minus_d():
    km = kaplan_meier([1, 2, 3, 4, 5], [1, 1, 0, 1, 0])
    expected = np.cumsum([1 / (5 * 4), 1 / (4 * 3), 0, 1 / (2 * 1), 0])
    assert km.greenwood.tolist() == pytest.approx(expected.tolist())


def test_greenwood_is_infinite_once_survival_reaches_zero():
    km = kaplan_meier([1, 2], [1, 1])
    assert km.surv[-1] == 0 and np.isinf(km.greenwood[-1])


def test_surv_at_reads_the_right_continuous_step_function():
    km = kaplan_meier([1, 2, 3, 4], [1, 0, 1, 1])
    assert [km.surv_at(t) for t in (0.5, 1, 2.5, 3)] == pytest.approx([1, 3 / 4, 3 / 4, 3 / 8])


def test_table_arrays_are_read_only():
    km = kaplan_meier([1, 2], [1, 0])
    with pytest.raises(ValueError):
        km.surv[0] = 0.1


@pytest.mark.parametrize(("time", "event"), [([1, 2], [1]), ([1, -2], [1, 0]), ([1, 2], [1, 2]), ([], [])],
                         ids=["unequal-lengths", "negative-time", "event-not-0-1", "empty"])
def test_bad_observations_are_refused(time, event):
    with pytest.raises(ValueError):
        kaplan_meier(time, event)


def test_reverse_km_counts_censorings_as_events():
    km = reverse_kaplan_meier([1, 2, 3], [1, 0, 0])
    assert km.n_event.tolist() == [0, 1, 1]


def test_reverse_km_keeps_a_tied_death_at_risk_like_r_survfit():
    km = reverse_kaplan_meier([2, 2, 4], [1, 0, 0])
    assert km.n_risk[0] == 3


def test_reverse_km_deaths_first_variant_removes_tied_deaths_first():
    km = reverse_kaplan_meier([2, 2, 4], [1, 0, 0], deaths_first=True)
    assert km.n_risk[0] == 2
