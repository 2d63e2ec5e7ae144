"""Confidence intervals of a proportion k/n under every method a paper may have used without saying so."""

from __future__ import annotations

import math
from collections.abc import Callable

from audit.stats.bands import z_value

BINOMIAL_METHODS = ("wilson_cc", "exact", "wilson", "prop_test", "wald", "wald_cc", "agresti_coull", "jeffreys",
                    "mid_p")
METHOD_LABELS = {
    "wilson_cc": "Wilson with continuity correction (Newcombe 4)",
    "exact": "Clopper-Pearson exact",
    "wilson": "Wilson score",
    "prop_test": "R prop.test",
    "wald": "Wald (normal approximation)",
    "wald_cc": "Wald with continuity correction",
    "agresti_coull": "Agresti-Coull",
    "jeffreys": "Jeffreys",
    "mid_p": "Clopper-Pearson mid-p",
}


def binomial_ci(k: int, n: int, method: str, level: float = 0.95) -> tuple[float, float]:
    """Two-sided CI of the proportion k/n, as proportions in [0, 1]."""
    if method not in _METHODS:
        raise ValueError(f"unknown binomial CI method {method!r} (known: {', '.join(BINOMIAL_METHODS)})")
    if not (isinstance(k, int) and isinstance(n, int)) or n < 1 or not 0 <= k <= n:
        raise ValueError(f"need integers 0 <= k <= n and n >= 1, got k={k!r}, n={n!r}")
    lower, upper = _METHODS[method](k, n, level)
    return min(max(float(lower), 0.0), 1.0), min(max(float(upper), 0.0), 1.0)


def _scipy(kind: str) -> Callable[[int, int, float], tuple[float, float]]:
    """scipy's binomtest intervals: Clopper-Pearson, Wilson, Wilson with continuity correction."""

    def interval(k: int, n: int, level: float) -> tuple[float, float]:
        from scipy.stats import binomtest

        ci = binomtest(k, n).proportion_ci(confidence_level=level, method=kind)
        return ci.low, ci.high

    return interval


def _statsmodels(kind: str) -> Callable[[int, int, float], tuple[float, float]]:
    """statsmodels' proportion_confint: Wald ("normal"), Agresti-Coull, Jeffreys."""

    def interval(k: int, n: int, level: float) -> tuple[float, float]:
        from statsmodels.stats.proportion import proportion_confint

        return proportion_confint(k, n, alpha=1 - level, method=kind)

    return interval


def _jeffreys(k: int, n: int, level: float) -> tuple[float, float]:
    """Jeffreys' equal-tailed Beta(k + 1/2, n - k + 1/2) interval.

    statsmodels does not apply Brown, Cai & DasGupta's (2001) convention that the
    limit is 0 at k = 0 and 1 at k = n, so it is applied here.
    """
    lower, upper = _statsmodels("jeffreys")(k, n, level)
    return (0.0 if k == 0 else lower), (1.0 if k == n else upper)


# No library in our stack computes the three methods below: scipy's binomtest
# knows exact/wilson/wilsoncc, statsmodels' proportion_confint knows normal,
# agresti_coull, beta, wilson, jeffreys and binom_test, and neither has a
# continuity-corrected Wald, a mid-p, or R prop.test's corrected Wilson.


def _wald_cc(k: int, n: int, level: float) -> tuple[float, float]:
    """Wald interval widened by the continuity correction 1/(2n) on each side."""
    p = k / n
    half = z_value(level) * math.sqrt(p * (1 - p) / n) + 1 / (2 * n)
    return p - half, p + half


def _mid_p(k: int, n: int, level: float) -> tuple[float, float]:
    """Mid-p Clopper-Pearson: tail probabilities count half the probability of k itself."""
    from scipy.optimize import brentq
    from scipy.stats import binom

    tail = (1 - level) / 2
    lower = 0.0 if k == 0 else brentq(lambda p: binom.sf(k, n, p) + binom.pmf(k, n, p) / 2 - tail, 0.0, k / n)
    upper = 1.0 if k == n else brentq(lambda p: binom.cdf(k - 1, n, p) + binom.pmf(k, n, p) / 2 - tail, k / n, 1.0)
    return lower, upper


def _prop_test(k: int, n: int, level: float) -> tuple[float, float]:
    """R prop.test(k, n)$conf.int: Wilson with the correction min(0.5, |k - n/2|).

    At k = n/2 the correction is 0 and R prints the uncorrected Wilson interval;
    elsewhere this equals Newcombe's method 4. Transcribed from R's stats::prop.test.
    """
    z = z_value(level)
    estimate, yates = k / n, min(0.5, abs(k - n / 2))
    z22n = z**2 / (2 * n)

    def limit(centre: float, sign: int) -> float:
        spread = z * math.sqrt(centre * (1 - centre) / n + z22n / (2 * n))
        return (centre + z22n + sign * spread) / (1 + 2 * z22n)

    high_centre, low_centre = estimate + yates / n, estimate - yates / n
    upper = 1.0 if high_centre >= 1 else limit(high_centre, +1)
    lower = 0.0 if low_centre <= 0 else limit(low_centre, -1)
    return lower, upper


_METHODS: dict[str, Callable[[int, int, float], tuple[float, float]]] = {
    "wilson_cc": _scipy("wilsoncc"),
    "exact": _scipy("exact"),
    "wilson": _scipy("wilson"),
    "prop_test": _prop_test,
    "wald": _statsmodels("normal"),
    "wald_cc": _wald_cc,
    "agresti_coull": _statsmodels("agresti_coull"),
    "jeffreys": _jeffreys,
    "mid_p": _mid_p,
}
