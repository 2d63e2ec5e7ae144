"""Pointwise confidence bands of a Kaplan-Meier curve, as R survfit and SAS LIFETEST build them."""

from __future__ import annotations

from statistics import NormalDist

import numpy as np

from audit.stats.km import KMTable

TRANSFORMS = ("log", "loglog", "plain", "logit", "asin")


def z_value(level: float) -> float:
    """Two-sided normal quantile of a confidence level (1.959964 at 95 %)."""
    if not 0 < level < 1:
        raise ValueError(f"confidence level must lie strictly between 0 and 1, got {level}")
    return NormalDist().inv_cdf(0.5 + level / 2)


def r_band(km: KMTable, transform: str, level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Lower and upper band at every table time, transcribing survival's survfit_confint (survival 3.5).

    NaN marks where R returns NA: S = 0 for every transform (Greenwood's variance is
    infinite there) and, for log-log, also S = 1.
    """
    z, p, se = z_value(level), km.surv, km.se_log_surv
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        lower, upper = _R_BANDS[transform](p, se, z)
    undefined = (p == 0) | ((p == 1) if transform == "loglog" else False)
    return np.where(undefined, np.nan, lower), np.where(undefined, np.nan, upper)


def _r_plain(p: np.ndarray, se: np.ndarray, z: float) -> tuple[np.ndarray, np.ndarray]:
    half = z * se * p
    return np.maximum(p - half, 0.0), np.minimum(p + half, 1.0)


def _r_log(p: np.ndarray, se: np.ndarray, z: float) -> tuple[np.ndarray, np.ndarray]:
    return np.exp(np.log(p) - z * se), np.minimum(np.exp(np.log(p) + z * se), 1.0)


def _r_loglog(p: np.ndarray, se: np.ndarray, z: float) -> tuple[np.ndarray, np.ndarray]:
    half = z * se / np.log(p)
    centre = np.log(-np.log(p))
    return np.exp(-np.exp(centre - half)), np.exp(-np.exp(centre + half))


def _r_logit(p: np.ndarray, se: np.ndarray, z: float) -> tuple[np.ndarray, np.ndarray]:
    half = z * se * (1 + p / (1 - p))
    centre = np.log(p / (1 - p))
    return 1 - 1 / (1 + np.exp(centre - half)), 1 - 1 / (1 + np.exp(centre + half))


def _r_asin(p: np.ndarray, se: np.ndarray, z: float) -> tuple[np.ndarray, np.ndarray]:
    half = 0.5 * z * se * np.sqrt(p / (1 - p))
    centre = np.arcsin(np.sqrt(p))
    return np.sin(np.maximum(0.0, centre - half)) ** 2, np.sin(np.minimum(np.pi / 2, centre + half)) ** 2


_R_BANDS = {"plain": _r_plain, "log": _r_log, "loglog": _r_loglog, "logit": _r_logit, "asin": _r_asin}

# SAS LIFETEST CONFTYPE= transforms g and their derivatives g' (the "linear" type is plain).
_SAS_G = {
    "plain": (lambda s: s, lambda s: np.ones_like(s)),
    "log": (np.log, lambda s: 1 / s),
    "loglog": (lambda s: np.log(-np.log(s)), lambda s: -1 / (s * np.log(s))),
    "logit": (lambda s: np.log(s / (1 - s)), lambda s: 1 / (s * (1 - s))),
    "asin": (lambda s: np.arcsin(np.sqrt(s)), lambda s: 1 / (2 * np.sqrt(s) * np.sqrt(1 - s))),
}


def sas_inside(km: KMTable, transform: str, p: float = 0.5, level: float = 0.95) -> np.ndarray:
    """Per table row: does |g(S) - g(p)| <= z g'(S) SE(S) hold (SAS's test-inversion set for S = p)."""
    g, g_prime = _SAS_G[transform]
    s = km.surv
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        statistic = (g(s) - g(np.float64(p))) / (g_prime(s) * km.se_surv)
        return np.abs(statistic) <= z_value(level)
