"""What the report draws next to the paper, computed here so the report only draws: KM curves and waterfall bars.

A Kaplan-Meier curve is recomputed with the same estimate and median rule
the verifier uses (audit.stats), and each claimed median is paired with its
printed value and CI; the waterfall reads the RECIST best-change derivation.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class SurvivalCurve:
    """A recomputed Kaplan-Meier step function: times in days, survival after each time."""

    endpoint: str
    times: tuple[float, ...]
    survival: tuple[float, ...]
    censored: tuple[float, ...] = ()
    median_days: float | None = None


@dataclass(frozen=True)
class PublishedMedian:
    """A median and its CI as the paper prints them, in months."""

    text: str
    median: float | None
    ci: tuple[float, float] | None = None


@dataclass(frozen=True)
class WaterfallBar:
    """One subject's best percentage change in target-lesion sum and best overall response."""

    usubjid: str
    best_change: float
    bor: str


@dataclass(frozen=True)
class ClaimedMedianCurve:
    """The curve of one claimed KM median, where its data came from, and the printed median."""

    claim_id: str
    source: str
    subjects: int
    curve: SurvivalCurve
    published: PublishedMedian


@dataclass(frozen=True)
class StudyCurves:
    """Every curve of a study a reviewer compares with the paper: claimed medians, then the waterfall."""

    medians: tuple[ClaimedMedianCurve, ...]
    waterfall: tuple[WaterfallBar, ...]


def km_curve(endpoint: str, time_days: Sequence[float], event: Sequence[int]) -> SurvivalCurve:
    """The curve to draw, from the same Kaplan-Meier estimate and median rule the verifier uses."""
    from audit.stats.km import kaplan_meier
    from audit.stats.median import km_median

    time = np.asarray(time_days, dtype=float)
    happened = np.asarray(event, dtype=int) == 1
    table = kaplan_meier(time, happened.astype(int))
    steps = table.n_event > 0
    return SurvivalCurve(endpoint, tuple(table.time[steps].tolist()), tuple(table.surv[steps].tolist()),
                         tuple(np.sort(time[~happened]).tolist()), km_median(table, "r_sas"))


def published_median(text: str, ci: str | None) -> PublishedMedian:
    """The printed median and CI of a claim, as numbers to draw."""
    from audit.claims.printed import number_text, range_texts

    median = number_text(text)
    bounds = range_texts(ci) if ci else None
    shown = f"{median} ({bounds[0]}-{bounds[1]})" if median and bounds else text
    return PublishedMedian(shown, float(median) if median else None,
                           (float(bounds[0]), float(bounds[1])) if bounds else None)


def median_curves(study, claims) -> tuple[ClaimedMedianCurve, ...]:
    """One curve per claimed median (PFS, OS); a per-arm median on that arm's curve."""
    from audit.claims.endpoints import endpoint_data
    from audit.derive import NotApplicable

    curves = []
    for claim in claims.claims:
        if claim.measure.type != "km_median":
            continue
        try:
            data = endpoint_data(study, claim.measure.endpoint, claims.endpoints)
            if claim.measure.arm is not None:
                from audit.claims.arms import study_arms
                from audit.claims.comparisons import in_arm

                data = in_arm(data, study_arms(study, claims.arms), claim.measure.arm)
        except NotApplicable:
            continue
        curves.append(ClaimedMedianCurve(claim.id, data.source, len(data.time),
                                         km_curve(data.endpoint, data.time, data.event),
                                         published_median(claim.text, claim.ci)))
    return tuple(curves)


def waterfall_bars(study) -> tuple[WaterfallBar, ...]:
    """Best change in target sum per subject, when the RECIST derivation can run (none otherwise)."""
    from audit.derive import DeriveContext, NotApplicable

    try:
        best = DeriveContext(study).derived("recist.best_change").collect()
    except (NotApplicable, KeyError):
        return ()
    return tuple(WaterfallBar(row["USUBJID"], float(row["BEST_PCHG"]), row["BOR"] or "NE")
                 for row in best.drop_nulls("BEST_PCHG").sort("USUBJID").iter_rows(named=True))


def study_curves(study, claims) -> StudyCurves:
    """The curves behind every figure of a verification page."""
    return StudyCurves(median_curves(study, claims), waterfall_bars(study))
