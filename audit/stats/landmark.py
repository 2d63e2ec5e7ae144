"""Landmark survival: the Kaplan-Meier estimate at a fixed time t with its pointwise CI ("12-month OS")."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from audit.stats.bands import r_band
from audit.stats.km import KMTable

# Transforms papers use for a landmark CI; R survfit's conf.type names in brackets.
LANDMARK_TRANSFORMS = ("log", "loglog", "plain")
LANDMARK_TRANSFORM_LABELS = {
    "log": "log transform (R survfit default)",
    "loglog": "log-log transform (SAS LIFETEST default)",
    "plain": "plain (linear) Greenwood",
}


@dataclass(frozen=True)
class LandmarkRate:
    """S(t), its Greenwood CI and standard error, and the number at risk at t (R summary.survfit)."""

    time: float
    surv: float
    lower: float | None
    upper: float | None
    se_surv: float
    n_risk: int


def landmark_rate(km: KMTable, t: float, transform: str = "log", level: float = 0.95) -> LandmarkRate:
    """KM survival at t as R's summary(survfit(..., conf.type), times = t, extend = TRUE) prints it.

    R's band functions are reused (audit.stats.bands); before the first time S is 1
    with a degenerate band [1, 1]. A limit R leaves NA (S = 0) is None.
    """
    if transform not in LANDMARK_TRANSFORMS:
        raise ValueError(f"unknown landmark transform {transform!r} (known: {', '.join(LANDMARK_TRANSFORMS)})")
    index = int(np.searchsorted(km.time, t, side="right")) - 1
    later = int(np.searchsorted(km.time, t, side="left"))
    n_risk = int(km.n_risk[later]) if later < km.time.size else 0
    if index < 0:
        return LandmarkRate(float(t), 1.0, 1.0, 1.0, 0.0, n_risk)
    lower, upper = r_band(km, transform, level)
    return LandmarkRate(float(t), float(km.surv[index]), _limit(lower[index]), _limit(upper[index]),
                        float(km.se_surv[index]), n_risk)


def _limit(value: float) -> float | None:
    """A band limit, None where R returns NA."""
    return None if np.isnan(value) else float(value)
