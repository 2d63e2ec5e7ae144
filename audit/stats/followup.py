"""Median follow-up under the definitions papers use, the reverse Kaplan-Meier first."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

import numpy as np

from audit.stats.km import reverse_kaplan_meier, validated_observations
from audit.stats.median import km_median

FOLLOWUP_METHODS = ("reverse_km", "observation_time", "censored_only", "potential")
FOLLOWUP_LABELS = {
    "reverse_km": "reverse Kaplan-Meier (Schemper & Smith)",
    "observation_time": "median observation time of all subjects",
    "censored_only": "median observation time of censored subjects",
    "potential": "median potential follow-up (cut-off - entry)",
}


def median_followup(time: Sequence[float] | np.ndarray, event: Sequence[int] | np.ndarray, method: str, *,
                    entry: Sequence[date | None] | None = None, cutoff: date | None = None) -> float | None:
    """Median follow-up in the unit of time (days for entry/cutoff); None when not estimable.

    "potential" needs every subject's entry date and the data cut-off and raises
    ValueError without them.
    """
    if method not in _METHODS:
        raise ValueError(f"unknown follow-up method {method!r} (known: {', '.join(FOLLOWUP_METHODS)})")
    times, events = validated_observations(time, event)
    return _METHODS[method](times, events, entry, cutoff)


def _reverse_km(times: np.ndarray, events: np.ndarray, entry: object, cutoff: object) -> float | None:
    """KM median of follow-up with censoring as the event: a death stops follow-up, it does not end it."""
    return km_median(reverse_kaplan_meier(times, events))


def _observation_time(times: np.ndarray, events: np.ndarray, entry: object, cutoff: object) -> float | None:
    """Plain median of every subject's time; biased low, tracking median OS once most have died."""
    return float(np.median(times))


def _censored_only(times: np.ndarray, events: np.ndarray, entry: object, cutoff: object) -> float | None:
    """Median time of the subjects still event-free at their last contact."""
    censored = times[events == 0]
    return float(np.median(censored)) if censored.size else None


def _potential(times: np.ndarray, events: np.ndarray, entry: Sequence[date | None] | None,
               cutoff: date | None) -> float | None:
    """Median of (cut-off - entry) in days: the follow-up each subject would have had without death."""
    if cutoff is None or entry is None:
        raise ValueError("potential follow-up needs the entry dates and the data cut-off")
    missing = sum(day is None for day in entry)
    if missing or not entry:
        raise ValueError(f"potential follow-up needs an entry date for every subject ({missing} missing)")
    entries = np.array(entry, dtype="datetime64[D]")
    return float(np.median((np.datetime64(cutoff, "D") - entries).astype(np.int64)))


_METHODS: dict[str, Callable[..., float | None]] = {
    "reverse_km": _reverse_km,
    "observation_time": _observation_time,
    "censored_only": _censored_only,
    "potential": _potential,
}
