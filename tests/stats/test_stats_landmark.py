from __future__ import annotations

import pytest

from audit.stats.km import kaplan_meier
from audit.stats.landmark import landmark_rate
from tests.stats.reference_support import rows, twoarm_data

R_LANDMARKS = rows("twoarm/r_landmark_rates.csv")
R_IDS = [f"{r['dataset']}-{r['arm']}-{r['conf_type']}-t{r['time']}" for r in R_LANDMARKS]
R_TRANSFORMS = {"log": "log", "log-log": "loglog", "plain": "plain"}


@pytest.mark.parametrize("row", R_LANDMARKS, ids=R_IDS)
def test_landmark_rate_and_ci_agree_with_r_summary_survfit(row):
    data = twoarm_data(row["dataset"]).filter(arm=row["arm"])
    km = kaplan_meier(data["time"].to_numpy(), data["event"].to_numpy())
    rate = landmark_rate(km, row["time"], R_TRANSFORMS[row["conf_type"]])
    got = (rate.surv, rate.lower, rate.upper, rate.se_surv)
    assert got == pytest.approx((row["surv"], row["lower"], row["upper"], row["std_err"]), abs=1e-6)
    assert rate.n_risk == row["n_risk"]


def test_rate_before_the_first_time_is_one_with_everyone_at_risk():
    rate = landmark_rate(kaplan_meier([5, 8, 9], [1, 0, 1]), 2.0)
    assert (rate.surv, rate.lower, rate.upper, rate.n_risk) == (1.0, 1.0, 1.0, 3)


def test_rate_after_everyone_died_has_no_ci_limits():
    rate = landmark_rate(kaplan_meier([5, 8, 9], [1, 1, 1]), 10.0, "loglog")
    assert (rate.surv, rate.lower, rate.upper, rate.n_risk) == (0.0, None, None, 0)
