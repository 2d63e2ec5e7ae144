"""Property: a lab value further from normal never gets a lower CTCAE grade."""

from __future__ import annotations

from ctcae_support import NORMAL_RANGE, grade_values
from hypothesis import given, settings
from hypothesis import strategies as st

from audit.derive.ctcae import lab_terms

DIRECTION = dict(zip(lab_terms()["LBTESTCD"], lab_terms()["direction"], strict=True))


@settings(max_examples=60, deadline=None)
@given(
    testcd=st.sampled_from(sorted(DIRECTION)),
    fractions=st.lists(st.floats(0.0, 1.0), min_size=2, max_size=30),
    abnormal_baseline=st.booleans(),
)
def test_grade_never_decreases_as_value_moves_away_from_normal(
    testcd: str, fractions: list[float], abnormal_baseline: bool
):
    lln, uln = NORMAL_RANGE[testcd]
    if DIRECTION[testcd] == "low":
        values = sorted(lln * (1.0 - f) for f in fractions)[::-1]  # falling from LLN to 0
        baseline = None
    else:
        values = sorted(uln * 30.0 * f for f in fractions)  # rising from 0 to 30 x ULN
        baseline = 2.0 * uln if abnormal_baseline else None
    grades = grade_values(testcd, values, baseline=baseline)
    assert all(g is not None for g in grades)
    assert grades == sorted(grades)
