from __future__ import annotations

import pytest

from audit.stats.logrank import logrank_test
from tests.stats.reference_support import rows, twoarm_data

R_LOGRANK = [row for row in rows("twoarm/r_cox_logrank.csv") if row["test"] == "logrank"]
R_IDS = [f"{r['dataset']}-{'stratified' if r['stratified'] else 'unstratified'}" for r in R_LOGRANK]


@pytest.mark.parametrize("row", R_LOGRANK, ids=R_IDS)
def test_logrank_chisq_and_p_agree_with_r_survdiff(row):
    data = twoarm_data(row["dataset"])
    strata = data["strat"].to_numpy() if row["stratified"] else None
    test = logrank_test(data["time"].to_numpy(), data["event"].to_numpy(), data["arm"].to_numpy(), strata)
    assert (test.chisq, test.p_value) == pytest.approx((row["chisq"], row["p_score"]), abs=1e-6, rel=1e-6)


def test_logrank_needs_two_arms():
    with pytest.raises(ValueError, match="two arms"):
        logrank_test([1, 2, 3], [1, 0, 1], ["A", "A", "A"])
