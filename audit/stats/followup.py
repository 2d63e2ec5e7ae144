"""Median follow-up under the definitions papers use, the reverse Kaplan-Meier first."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

import numpy as np

from audit.stats.km import reverse_kaplan_meier, validated_observations
from audit.stats.median import crossing_time, km_median

FOLLOWUP_METHODS = ("reverse_km", "observation_time", "censored_only", "potential")
FOLLOWUP_LABELS = {
    "reverse_km": "reverse Kaplan-Meier (Schemper & Smith)",
    "observation_time": "median observation time of all subjects",
    "censored_only": "median observation time of censored subjects",
    "potential": "median potential follow-up (cut-off - entry)",
}

# Empirical quartiles of observation times, by Hyndman & Fan (1996) type as R's
# quantile() numbers them; numpy.quantile implements each (the names below).
QUARTILE_METHODS = ("type7", "type2", "type6")
QUARTILE_LABELS = {
    "type7": "quartiles by R quantile type 7 (linear; R and numpy default)",
    "type2": "quartiles by R quantile type 2 (averaged inverse CDF; SAS default)",
    "type6": "quartiles by R quantile type 6 (Weibull positions; SPSS, Minitab)",
}
KM_QUARTILES_LABEL = "quartiles of the reverse curve (R quantile.survfit)"
_NUMPY_QUANTILE = {"type7": "linear", "type2": "averaged_inverted_cdf", "type6": "weibull"}


def quartile_label(followup: str, quartiles: str) -> str:
    """How the quartiles of a follow-up definition are read: from the reverse curve, or empirical."""
    return KM_QUARTILES_LABEL if followup == "reverse_km" else QUARTILE_LABELS[quartiles]


def followup_quartiles(time: Sequence[float] | np.ndarray, event: Sequence[int] | np.ndarray, method: str,
                       quartiles: str = "type7", *, entry: Sequence[date | None] | None = None,
                       cutoff: date | None = None) -> tuple[float | None, float | None, float | None]:
    """First quartile, median and third quartile of follow-up; None where not estimable.

    Reverse Kaplan-Meier quartiles are quantiles of the reverse curve, so the
    quartiles setting applies only to the empirical definitions.
    """
    if quartiles not in QUARTILE_METHODS:
        raise ValueError(f"unknown quartile definition {quartiles!r} (known: {', '.join(QUARTILE_METHODS)})")
    if method == "reverse_km":
        times, events = validated_observations(time, event)
        return _km_quartiles(reverse_kaplan_meier(times, events))
    sample = _sample(time, event, method, entry, cutoff)
    if sample is None:
        return None, None, None
    q1, median, q3 = np.quantile(sample, (0.25, 0.5, 0.75), method=_NUMPY_QUANTILE[quartiles])
    return float(q1), float(median), float(q3)


def _km_quartiles(km) -> tuple[float | None, float | None, float | None]:
    """Times the curve first reaches 0.75, 0.5 and 0.25, midpoint on a flat step (R quantile.survfit).

    Shifting the curve by p - 0.5 puts level 1 - p at 0.5, where the median rule
    (and its tolerance) already decides; R reads every quantile with that rule.
    """
    return tuple(crossing_time(km.surv + p - 0.5, km.time) for p in (0.25, 0.5, 0.75))


def _sample(time: Sequence[float] | np.ndarray, event: Sequence[int] | np.ndarray, method: str,
            entry: Sequence[date | None] | None, cutoff: date | None) -> np.ndarray | None:
    """The follow-up times an empirical definition takes quantiles of; None when there are none."""
    if method not in _SAMPLES:
        raise ValueError(f"unknown follow-up method {method!r} (known: {', '.join(FOLLOWUP_METHODS)})")
    times, events = validated_observations(time, event)
    sample = _SAMPLES[method](times, events, entry, cutoff)
    return sample if sample.size else None


def median_followup(time: Sequence[float] | np.ndarray, event: Sequence[int] | np.ndarray, method: str, *,
                    entry: Sequence[date | None] | None = None, cutoff: date | None = None) -> float | None:
    """Median follow-up in the unit of time (days for entry/cutoff); None when not estimable.

    "potential" needs every subject's entry date and the data cut-off and raises
    ValueError without them.
    """
    if method == "reverse_km":
        # KM median of follow-up with censoring as the event: a death stops follow-up, it does not end it.
        times, events = validated_observations(time, event)
        return km_median(reverse_kaplan_meier(times, events))
    sample = _sample(time, event, method, entry, cutoff)
    return None if sample is None else float(np.median(sample))


def _observation_time(times: np.ndarray, events: np.ndarray, entry: object, cutoff: object) -> np.ndarray:
    """Every subject's time; its median is biased low, tracking median OS once most have died."""
    return times


def _censored_only(times: np.ndarray, events: np.ndarray, entry: object, cutoff: object) -> np.ndarray:
    """The times of the subjects still event-free at their last contact."""
    return times[events == 0]


def _potential(times: np.ndarray, events: np.ndarray, entry: Sequence[date | None] | None,
               cutoff: date | None) -> np.ndarray:
    """(cut-off - entry) in days: the follow-up each subject would have had without death."""
    if cutoff is None or entry is None:
        raise ValueError("potential follow-up needs the entry dates and the data cut-off")
    missing = sum(day is None for day in entry)
    if missing or not entry:
        raise ValueError(f"potential follow-up needs an entry date for every subject ({missing} missing)")
    entries = np.array(entry, dtype="datetime64[D]")
    return (np.datetime64(cutoff, "D") - entries).astype(np.int64).astype(np.float64)


_SAMPLES: dict[str, Callable[..., np.ndarray]] = {
    "observation_time": _observation_time,
    "censored_only": _censored_only,
    "potential": _potential,
}
