"""Log-rank test of two or more arms, stratified or not (statsmodels survdiff, checked against R survdiff)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from audit.stats.km import validated_observations


@dataclass(frozen=True)
class LogRankTest:
    """Chi-square statistic, its degrees of freedom and the two-sided p-value."""

    chisq: float
    df: int
    p_value: float


def logrank_test(time: Sequence[float] | np.ndarray, event: Sequence[int] | np.ndarray,
                 arm: Sequence[str] | np.ndarray, strata: Sequence | np.ndarray | None = None) -> LogRankTest:
    """Log-rank (Mantel-Haenszel) test; with strata, O - E and variances are summed over strata as R does.

    statsmodels.duration.survfunc.survdiff implements both exactly (the tests
    check it against R survival 3.5-3 survdiff to 1e-6), so nothing is hand-written.
    """
    from scipy.stats import chi2
    from statsmodels.duration.survfunc import survdiff

    times, events = validated_observations(time, event)
    arms = np.asarray(arm)
    groups = np.unique(arms)
    if groups.size < 2:
        raise ValueError("a log-rank test needs at least two arms")
    layers = None if strata is None else np.asarray(strata).astype(str)
    chisq, _ = survdiff(times, events, arms, strata=layers)
    df = int(groups.size - 1)
    return LogRankTest(float(chisq), df, float(chi2.sf(chisq, df)))
