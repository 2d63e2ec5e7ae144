"""Kaplan-Meier median and its confidence interval under the conventions papers use."""

from __future__ import annotations

import numpy as np

from audit.stats.bands import r_band, sas_inside, z_value
from audit.stats.km import KMTable

MEDIAN_RULES = ("r_sas", "first_le", "strict_lt")
MEDIAN_RULE_LABELS = {
    "r_sas": "first time with S <= 0.5, midpoint when S is exactly 0.5 (R print.survfit, SAS)",
    "first_le": "first time with S <= 0.5, no midpoint (SPSS, Stata, lifelines)",
    "strict_lt": "first time with S < 0.5 (statsmodels quantile)",
}

MEDIAN_CI_METHODS = (
    "spss_symmetric",
    "bc_log_r", "bc_loglog_r", "bc_plain_r", "bc_logit_r", "bc_asin_r",
    "bc_log_sas", "bc_loglog_sas", "bc_plain_sas", "bc_logit_sas", "bc_asin_sas",
)
_TRANSFORM_NAMES = {"log": "log", "loglog": "log-log", "plain": "plain (linear)", "logit": "logit",
                    "asin": "arcsine-square-root"}
MEDIAN_CI_LABELS = {
    "spss_symmetric": "median -/+ 1.96 SE, SE from the slope of S (SPSS, Collett)",
    **{f"bc_{t}_r": f"Brookmeyer-Crowley, {name} band, R survfit inversion" for t, name in _TRANSFORM_NAMES.items()},
    **{f"bc_{t}_sas": f"Brookmeyer-Crowley, {name} transform, SAS LIFETEST inversion"
       for t, name in _TRANSFORM_NAMES.items()},
}

# R compares with 0.5 to within sqrt(machine epsilon), as all.equal() does:
# survfit(Surv(1:100) ~ 1) gives S = 0.5 + 1.1e-16 at t = 50.
TOLERANCE = float(np.sqrt(np.finfo(np.float64).eps))


def crossing_time(values: np.ndarray, times: np.ndarray, rule: str = "r_sas") -> float | None:
    """Time a decreasing curve (S or one of its bands) first reaches 0.5 under a median rule; None if never."""
    if rule not in MEDIAN_RULES:
        raise ValueError(f"unknown median rule {rule!r} (known: {', '.join(MEDIAN_RULES)})")
    threshold = 0.5 - TOLERANCE if rule == "strict_lt" else 0.5 + TOLERANCE
    keep = ~np.isnan(values) & (values < threshold)
    if not keep.any():
        return None
    kept_values, kept_times = values[keep], times[keep]
    first = float(kept_times[0])
    if rule == "r_sas" and abs(kept_values[0] - 0.5) < TOLERANCE:
        # S sits exactly on 0.5: R and SAS report the midpoint to the next drop.
        lower = np.flatnonzero(kept_values < kept_values[0])
        if lower.size:
            return (first + float(kept_times[lower[0]])) / 2
    return first


def km_median(km: KMTable, rule: str = "r_sas") -> float | None:
    """Median survival time of a Kaplan-Meier table under a median rule; None when not reached."""
    return crossing_time(km.surv, km.time, rule)


def median_ci(km: KMTable, method: str, level: float = 0.95,
              median_rule: str = "r_sas") -> tuple[float | None, float | None]:
    """Confidence interval of the KM median; None for a limit that is not reached.

    median_rule sets how R-style limits cross 0.5 and which median the SPSS
    interval is centred on; the SAS rule reports observed event times only.
    """
    if method not in MEDIAN_CI_METHODS:
        raise ValueError(f"unknown median CI method {method!r} (known: {', '.join(MEDIAN_CI_METHODS)})")
    if method == "spss_symmetric":
        return _spss_symmetric(km, level, median_rule)
    _, transform, convention = method.split("_")
    if convention == "r":
        lower_band, upper_band = r_band(km, transform, level)
        return crossing_time(lower_band, km.time, median_rule), crossing_time(upper_band, km.time, median_rule)
    return _sas_limits(km, transform, level)


def _sas_limits(km: KMTable, transform: str, level: float) -> tuple[float | None, float | None]:
    """SAS LIFETEST: the event times where the test of S = 0.5 is not rejected, from the first
    to the event time after the last (not reached when the last is the last event time).

    statsmodels' SurvfuncRight.quantile_ci applies the same rule, but only to raw
    records: it rebuilds the curve itself and, given frequency weights, swaps
    Greenwood's variance for Tsiatis', so it cannot run from a table. The tests
    check this function against it on every reference dataset.
    """
    events = km.is_event_time
    times = km.time[events]
    inside = np.flatnonzero(sas_inside(km, transform, 0.5, level)[events])
    if inside.size == 0:
        return None, None
    upper = None if inside[-1] == times.size - 1 else float(times[inside[-1] + 1])
    return float(times[inside[0]]), upper


def _spss_symmetric(km: KMTable, level: float, median_rule: str) -> tuple[float | None, float | None]:
    """Median -/+ z SE with SE = SE(S(median)) / f, f the slope of S between 0.55 and 0.45.

    Collett (2015, 2.4.2), Klein & Moeschberger with eps = 0.05: u is the latest
    event time with S >= 0.55 (time 0 when none), l the earliest with S <= 0.45.
    """
    median = km_median(km, median_rule)
    events = km.is_event_time
    times, surv = km.time[events], km.surv[events]
    below = np.flatnonzero(surv <= 0.45)
    if median is None or below.size == 0:
        return None, None
    above = np.flatnonzero(surv >= 0.55)
    t_u, s_u = (float(times[above[-1]]), float(surv[above[-1]])) if above.size else (0.0, 1.0)
    t_l, s_l = float(times[below[0]]), float(surv[below[0]])
    slope = (s_u - s_l) / (t_l - t_u)
    index = int(np.searchsorted(km.time, median, side="right")) - 1
    se_median = float(km.se_surv[index]) / slope
    if not np.isfinite(se_median):
        return None, None
    half = z_value(level) * se_median
    return median - half, median + half
