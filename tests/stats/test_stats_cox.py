from __future__ import annotations

import numpy as np
import pytest

from audit.stats.cox import TIES, cox_hazard_ratio
from tests.stats.reference_support import rows, twoarm_data

R_COX = [row for row in rows("twoarm/r_cox_logrank.csv") if row["test"] == "cox"]
R_IDS = [f"{r['dataset']}-{r['ties']}-{'stratified' if r['stratified'] else 'unstratified'}" for r in R_COX]
FIELDS = ("hr", "lower", "upper", "p_wald", "p_score", "p_lr")


def _fit(row: dict, ties: str | None = None):
    data = twoarm_data(row["dataset"])
    strata = data["strat"].to_numpy() if row["stratified"] else None
    return cox_hazard_ratio(data["time"].to_numpy(), data["event"].to_numpy(),
                            (data["arm"] == row["experimental"]).to_numpy(), strata, ties or row["ties"])


@pytest.mark.parametrize("row", R_COX, ids=R_IDS)
def test_hazard_ratio_ci_and_p_values_agree_with_r_coxph(row):
    fit = _fit(row)
    assert fit.converged
    got = {field: getattr(fit, field) for field in FIELDS}
    assert got == pytest.approx({field: row[field] for field in FIELDS}, abs=1e-6, rel=1e-6)


def test_every_ties_method_of_r_is_covered_by_the_reference():
    assert sorted({row["ties"] for row in R_COX}) == sorted(TIES)


def test_ties_methods_agree_when_no_times_are_tied():
    rng = np.random.default_rng(7)
    time, event, arm = rng.permutation(200) + 1.0, rng.integers(0, 2, 200), rng.integers(0, 2, 200) == 1
    fits = [cox_hazard_ratio(time, event, arm, ties=ties) for ties in TIES]
    assert [f.hr for f in fits] == pytest.approx([fits[0].hr] * 3, rel=1e-10)


def test_ties_methods_differ_on_heavily_tied_times():
    row = next(r for r in R_COX if r["dataset"] == "lung_sex")
    assert abs(_fit(row, "exact").hr - _fit(row, "breslow").hr) > 1e-4


def test_unknown_ties_method_is_refused():
    with pytest.raises(ValueError, match="unknown ties"):
        cox_hazard_ratio([1, 2], [1, 1], [True, False], ties="kalbfleisch")
