"""Differences and ratios of two response rates, and the Mantel-Haenszel odds ratio across strata.

statsmodels' confint_proportions_2indep gives the Wald and Newcombe hybrid-score
intervals of a difference exactly as Newcombe (1998, methods 1 and 10) prints
them; its "score" method does not reproduce Miettinen & Nurminen's interval
(56/70 - 48/80: it gives 0.0526-0.3440, Newcombe's Table II 0.0528-0.3382), so
that one is hand-written below. Odds ratio (Woolf), relative risk (Katz log) and
the Mantel-Haenszel odds ratio with its Robins-Breslow-Greenland CI and the CMH
test come from statsmodels' Table2x2 and StratifiedTable.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from audit.stats.bands import z_value

DIFFERENCE_METHODS = ("wald", "newcombe", "miettinen_nurminen")
DIFFERENCE_LABELS = {
    "wald": "Wald (normal approximation)",
    "newcombe": "Newcombe hybrid score (Wilson limits)",
    "miettinen_nurminen": "Miettinen-Nurminen score",
}


@dataclass(frozen=True)
class Estimate:
    """A point estimate with its confidence limits, and a two-sided p-value where one is defined."""

    value: float
    lower: float
    upper: float
    p_value: float | None = None


def rate_difference(x1: int, n1: int, x2: int, n2: int, method: str = "wald", level: float = 0.95) -> Estimate:
    """Difference p1 - p2 (arm 1 minus arm 2) with its CI under one method."""
    from statsmodels.stats.proportion import confint_proportions_2indep

    if method not in DIFFERENCE_METHODS:
        raise ValueError(f"unknown rate-difference method {method!r} (known: {', '.join(DIFFERENCE_METHODS)})")
    _check_counts(x1, n1, x2, n2)
    value = x1 / n1 - x2 / n2
    if method == "miettinen_nurminen":
        lower, upper = _miettinen_nurminen(x1, n1, x2, n2, level)
    else:
        lower, upper = confint_proportions_2indep(x1, n1, x2, n2, method="newcomb" if method == "newcombe" else "wald",
                                                  compare="diff", alpha=1 - level)
    return Estimate(value, float(lower), float(upper))


def odds_ratio(x1: int, n1: int, x2: int, n2: int, level: float = 0.95) -> Estimate:
    """Odds ratio of arm 1 against arm 2 with Woolf's logit CI (undefined when a cell is 0)."""
    table = _table(x1, n1, x2, n2)
    lower, upper = table.oddsratio_confint(alpha=1 - level)
    return Estimate(float(table.oddsratio), float(lower), float(upper), float(table.oddsratio_pvalue()))


def relative_risk(x1: int, n1: int, x2: int, n2: int, level: float = 0.95) -> Estimate:
    """Risk ratio p1 / p2 with Katz's log CI."""
    table = _table(x1, n1, x2, n2)
    lower, upper = table.riskratio_confint(alpha=1 - level)
    return Estimate(float(table.riskratio), float(lower), float(upper), float(table.riskratio_pvalue()))


def mantel_haenszel_odds_ratio(strata: Sequence[tuple[int, int, int, int]], level: float = 0.95) -> Estimate:
    """Mantel-Haenszel odds ratio over strata of (x1, n1, x2, n2), RBG CI, CMH p without continuity correction."""
    from statsmodels.stats.contingency_tables import StratifiedTable

    tables = [np.array([[x1, n1 - x1], [x2, n2 - x2]], dtype=np.float64) for x1, n1, x2, n2 in strata]
    pooled = StratifiedTable(tables)
    lower, upper = pooled.oddsratio_pooled_confint(alpha=1 - level)
    return Estimate(float(pooled.oddsratio_pooled), float(lower), float(upper),
                    float(pooled.test_null_odds(correction=False).pvalue))


def _table(x1: int, n1: int, x2: int, n2: int):
    from statsmodels.stats.contingency_tables import Table2x2

    _check_counts(x1, n1, x2, n2)
    return Table2x2(np.array([[x1, n1 - x1], [x2, n2 - x2]], dtype=np.float64))


def _check_counts(x1: int, n1: int, x2: int, n2: int) -> None:
    if not (0 <= x1 <= n1 and 0 <= x2 <= n2 and n1 > 0 and n2 > 0):
        raise ValueError(f"counts must satisfy 0 <= x <= n, n > 0; got {x1}/{n1} and {x2}/{n2}")


def _restricted_rates(x1: int, n1: int, x2: int, n2: int, delta: float) -> tuple[float, float]:
    """Maximum-likelihood p1, p2 under p1 - p2 = delta: the cubic's root (Miettinen & Nurminen 1985, appendix)."""
    p1, p2, theta = x1 / n1, x2 / n2, n2 / n1
    a = 1 + theta
    b = -(1 + theta + p1 + theta * p2 + delta * (theta + 2))
    c = delta ** 2 + delta * (2 * p1 + theta + 1) + p1 + theta * p2
    d = -p1 * delta * (1 + delta)
    v = b ** 3 / (3 * a) ** 3 - b * c / (6 * a ** 2) + d / (2 * a)
    u = np.copysign(np.sqrt(max(b ** 2 / (3 * a) ** 2 - c / (3 * a), 0.0)), v)
    ratio = 0.0 if u == 0 else float(np.clip(v / u ** 3, -1.0, 1.0))
    w = (np.pi + np.arccos(ratio)) / 3
    r1 = float(np.clip(2 * u * np.cos(w) - b / (3 * a), 0.0, 1.0))
    return r1, float(np.clip(r1 - delta, 0.0, 1.0))


def _mn_statistic(x1: int, n1: int, x2: int, n2: int, delta: float) -> float:
    """Miettinen-Nurminen score statistic for H0: p1 - p2 = delta, with the N / (N - 1) variance factor."""
    r1, r2 = _restricted_rates(x1, n1, x2, n2, delta)
    n = n1 + n2
    variance = (r1 * (1 - r1) / n1 + r2 * (1 - r2) / n2) * n / (n - 1)
    gap = x1 / n1 - x2 / n2 - delta
    if gap == 0:
        return 0.0
    return gap / np.sqrt(variance) if variance > 0 else np.copysign(np.inf, gap)


def _miettinen_nurminen(x1: int, n1: int, x2: int, n2: int, level: float) -> tuple[float, float]:
    """Limits where the MN statistic equals -/+ z, found by Brent's method on each side of the estimate."""
    from scipy.optimize import brentq

    z, estimate, edge = z_value(level), x1 / n1 - x2 / n2, 1 - 1e-12
    lower = -1.0 if estimate <= -edge or _mn_statistic(x1, n1, x2, n2, -edge) <= z else brentq(
        lambda d: _mn_statistic(x1, n1, x2, n2, d) - z, -edge, estimate, xtol=1e-14)
    upper = 1.0 if estimate >= edge or _mn_statistic(x1, n1, x2, n2, edge) >= -z else brentq(
        lambda d: _mn_statistic(x1, n1, x2, n2, d) + z, estimate, edge, xtol=1e-14)
    return float(lower), float(upper)


RATE_P_TESTS = ("chisq", "yates", "fisher", "cmh")
RATE_P_LABELS = {
    "chisq": "Pearson chi-square p",
    "yates": "chi-square p with Yates' correction",
    "fisher": "Fisher's exact p",
    "cmh": "Cochran-Mantel-Haenszel p over strata",
}


def association_p(x1: int, n1: int, x2: int, n2: int, test: str, sided: str = "two") -> float:
    """p of no difference between two rates: chi-square (scipy chi2_contingency), Yates or Fisher's exact.

    One-sided p is in the direction of the observed difference: half the
    chi-square p (its z-test form is symmetric), Fisher's own one-tailed p.
    """
    from scipy.stats import chi2_contingency, fisher_exact

    _check_counts(x1, n1, x2, n2)
    table = np.array([[x1, n1 - x1], [x2, n2 - x2]])
    if test == "fisher":
        alternative = "two-sided" if sided == "two" else ("greater" if x1 / n1 >= x2 / n2 else "less")
        return float(fisher_exact(table, alternative=alternative).pvalue)
    if test not in ("chisq", "yates"):
        raise ValueError(f"unknown test {test!r} for two rates (known: chisq, yates, fisher)")
    if (table.sum(axis=0) == 0).any():
        return 1.0
    p = float(chi2_contingency(table, correction=test == "yates").pvalue)
    return p if sided == "two" else p / 2
