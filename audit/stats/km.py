"""Kaplan-Meier tables at distinct times: the building block of medians, their CIs and follow-up."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True, eq=False)
class KMTable:
    """Kaplan-Meier estimate at every distinct observed time (event or censoring), as R survfit lists it.

    greenwood is the running sum of d / (n (n - d)), the variance of log S; it is
    infinite from the time S reaches 0, where no band exists.
    """

    time: np.ndarray
    n_risk: np.ndarray
    n_event: np.ndarray
    n_censor: np.ndarray
    surv: np.ndarray
    greenwood: np.ndarray

    @property
    def se_log_surv(self) -> np.ndarray:
        """Greenwood standard error of log S (R survfit's std.err)."""
        return np.sqrt(self.greenwood)

    @property
    def se_surv(self) -> np.ndarray:
        """Greenwood standard error of S itself (S sqrt(G)); NaN where S is 0."""
        with np.errstate(invalid="ignore"):
            return np.where(self.surv > 0, self.surv * np.sqrt(self.greenwood), np.nan)

    @property
    def is_event_time(self) -> np.ndarray:
        """Mask of the rows where at least one event happened (S steps down)."""
        return self.n_event > 0

    def surv_at(self, t: float) -> float:
        """S(t) of the right-continuous step function (1 before the first time)."""
        index = int(np.searchsorted(self.time, t, side="right")) - 1
        return 1.0 if index < 0 else float(self.surv[index])


def validated_observations(time: Sequence[float] | np.ndarray,
                           event: Sequence[int] | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Validated float times and 0/1 event indicators of equal length."""
    times = np.asarray(time, dtype=np.float64)
    events = np.asarray(event)
    if times.ndim != 1 or events.shape != times.shape:
        raise ValueError(f"time and event must be 1-d and of equal length, got {times.shape} and {events.shape}")
    if times.size == 0:
        raise ValueError("no observations: a Kaplan-Meier estimate needs at least one time")
    if not np.all(np.isfinite(times)) or np.any(times < 0):
        raise ValueError("times must be finite and non-negative")
    if not np.all(np.isin(events, (0, 1))):
        raise ValueError("event must be 0 (censored) or 1 (event)")
    return times, events.astype(np.int64)


def _table(times: np.ndarray, events: np.ndarray, *, censored_leave_first: bool) -> KMTable:
    """Product-limit table; ties put events before censorings unless censored_leave_first."""
    distinct, index = np.unique(times, return_inverse=True)
    n_event = np.bincount(index, weights=events, minlength=distinct.size).astype(np.int64)
    n_total = np.bincount(index, minlength=distinct.size).astype(np.int64)
    n_censor = n_total - n_event
    n_risk = np.cumsum(n_total[::-1])[::-1]
    if censored_leave_first:
        n_risk = n_risk - n_censor
    has_event = n_event > 0
    hazard = np.divide(n_event, n_risk, out=np.zeros(distinct.size), where=has_event)
    surv = np.cumprod(1.0 - hazard)
    # Greenwood's term is infinite once everyone at risk has the event (S drops to 0).
    denominator = (n_risk * (n_risk - n_event)).astype(np.float64)
    step = np.divide(n_event, denominator, out=np.zeros(distinct.size), where=has_event & (denominator > 0))
    step[has_event & (denominator == 0)] = np.inf
    greenwood = np.cumsum(step)
    tables = (distinct, n_risk, n_event, n_censor, surv, greenwood)
    for array in tables:
        array.setflags(write=False)
    return KMTable(*tables)


def kaplan_meier(time: Sequence[float] | np.ndarray, event: Sequence[int] | np.ndarray) -> KMTable:
    """Kaplan-Meier table of (time, event) with event = 1, censored = 0; tied events precede censorings."""
    times, events = validated_observations(time, event)
    return _table(times, events, censored_leave_first=False)


def reverse_kaplan_meier(time: Sequence[float] | np.ndarray, event: Sequence[int] | np.ndarray,
                         *, deaths_first: bool = False) -> KMTable:
    """Reverse Kaplan-Meier for follow-up (Schemper & Smith 1996): censorings are the events, deaths censor.

    By default this is R's survfit(Surv(time, 1 - status) ~ 1), which keeps a
    death in the risk set of a censoring at the same time (R's reference medians
    need it: aml maintained gives 103 days, not 45). deaths_first=True removes
    tied deaths first, the variant some texts describe.
    """
    times, events = validated_observations(time, event)
    return _table(times, 1 - events, censored_leave_first=deaths_first)
