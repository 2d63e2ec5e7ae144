"""Recompute figures that compare the arms (hazard ratio, p-values, rate differences) and per-arm figures.

Each compute function takes the verification cache, the claim and one method
(a dict of dimension -> name) and returns (values in printed order, sources,
[counts]), as audit.claims.catalogue expects.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from audit.claims import measures
from audit.claims.arms import Arms, arm_subjects, compared_pair
from audit.claims.model import Claim, ClaimsFile
from audit.derive import NotApplicable
from audit.study import Study

MODELS = ("stratified", "unstratified")
HR_P_TESTS = ("logrank", "wald", "score", "lr")
SIDES = ("two", "one")
UNIT_DAYS = {"days": 1.0, "weeks": 7.0, "years": 365.25}


class RedundantMethod(NotApplicable):
    """A combination that repeats another (the log-rank test has no ties method): not listed twice."""


def comparison_dimensions(kind: str, claim: Claim, stratified: bool) -> dict[str, tuple[str, ...]]:
    """Method dimensions of the measures this module computes."""
    from audit.stats.cox import TIES
    from audit.stats.landmark import LANDMARK_TRANSFORMS
    from audit.stats.twobytwo import DIFFERENCE_METHODS, RATE_P_TESTS
    from audit.stats.units import MONTH_LENGTHS

    models = MODELS if stratified else MODELS[1:]
    p_dims = {"p": HR_P_TESTS, "sided": SIDES} if claim.p else {}
    rate_tests = RATE_P_TESTS if stratified else RATE_P_TESTS[:-1]
    rate_p = {"test": rate_tests, "sided": SIDES} if claim.p else {}
    ci = claim.ci is not None
    population = getattr(claim.measure, "population", None)
    table = {
        "hazard_ratio": {"model": models, "ties": TIES, **p_dims},
        "p_value": {"model": models, "test": HR_P_TESTS, "ties": TIES, "sided": SIDES},
        "landmark_rate": {**({"ci": LANDMARK_TRANSFORMS} if ci else {}),
                          **({"month": tuple(MONTH_LENGTHS)} if getattr(claim.measure, "unit", "") == "months"
                             else {})},
        "rate_difference": {"denominator": (population,), **({"difference": DIFFERENCE_METHODS} if ci else {}),
                            **rate_p},
        "odds_ratio": {"denominator": (population,), "model": ("cmh", "unstratified") if stratified
                       else ("unstratified",), **rate_p},
        "relative_risk": {"denominator": (population,), **rate_p},
    }
    return table.get(kind, {})


CONVENTIONAL = {
    # R coxph's default ties; a stratified model when randomisation was stratified (ICH E9 5.7).
    "hazard_ratio": {"ties": "efron", "p": "logrank", "sided": "two"},
    "p_value": {"test": "logrank", "ties": "efron", "sided": "two"},
    "landmark_rate": {"ci": "log", "month": "30.4375"},
    "rate_difference": {"difference": "wald"},
}


def comparison_label(kind: str, method: dict[str, str]) -> str:
    """A reader's name for one method: "stratified Cox, Efron ties, Wald CI, stratified log-rank p"."""
    from audit.stats.cox import P_VALUE_LABELS
    from audit.stats.landmark import LANDMARK_TRANSFORM_LABELS
    from audit.stats.twobytwo import DIFFERENCE_LABELS, RATE_P_LABELS

    ties = method.get("ties", "").capitalize()
    model = method.get("model", "")
    parts: list[str] = []
    if kind == "hazard_ratio":
        parts = [f"{model} Cox", f"{ties} ties" if ties != "Exact" else "exact partial likelihood", "Wald CI"]
        if "p" in method:
            test = method["p"]
            parts.append(f"{model} log-rank p" if test == "logrank" else f"Cox {P_VALUE_LABELS[test]} p")
    elif kind == "p_value":
        test = method["test"]
        parts = [f"{model} log-rank test"] if test == "logrank" else [
            f"{model} Cox {P_VALUE_LABELS[test]}", f"{ties} ties"]
    elif kind == "landmark_rate":
        parts = [f"Greenwood CI, {LANDMARK_TRANSFORM_LABELS[method['ci']]}"] if "ci" in method else []
        parts += [f"{method['month']}-day months"] if "month" in method else []
    elif kind == "rate_difference":
        parts = [DIFFERENCE_LABELS[method["difference"]]] if "difference" in method else ["difference of rates"]
    elif kind == "odds_ratio":
        parts = ["Mantel-Haenszel over strata, Robins-Breslow-Greenland CI" if model == "cmh"
                 else "unstratified, Woolf logit CI"]
    elif kind == "relative_risk":
        parts = ["Katz log CI"]
    if kind in ("rate_difference", "odds_ratio", "relative_risk") and "test" in method:
        parts.append(RATE_P_LABELS[method["test"]])
    if "sided" in method:
        parts.append(f"{method['sided']}-sided")
    return ", ".join(parts)


def _sided(p_two: float, method: dict[str, str]) -> float:
    """Two-sided p, or the one-sided p in the direction of the observed effect (half of it).

    Superiority trials that print a one-sided p do so for an effect in the
    hypothesised direction, where the symmetric normal and chi-square(1) tests
    give exactly half the two-sided p.
    """
    return p_two if method.get("sided", "two") == "two" else p_two / 2


def survival_frame(cache, endpoint: str) -> tuple[pl.DataFrame, Arms, str, str]:
    """Time, event, arm and stratum of every subject of the two compared arms."""
    return cache.remember(("survival", endpoint), lambda: _survival_frame(cache, endpoint))


def _survival_frame(cache, endpoint: str) -> tuple[pl.DataFrame, Arms, str, str]:
    arms = cache.arms()
    reference, experimental = compared_pair(arms)
    data = cache.data(endpoint)
    times = pl.DataFrame({"USUBJID": list(data.subjects), "TIME": data.time, "EVENT": data.event})
    frame = (times.join(arms.frame, on="USUBJID", how="inner")
             .filter(pl.col("ARM").is_in([reference, experimental])).sort("USUBJID"))
    if frame.height == 0:
        raise NotApplicable(f"no subject of {endpoint} is in arm {reference!r} or {experimental!r}")
    return frame, arms, reference, experimental


def _strata(frame: pl.DataFrame, method: dict[str, str]) -> np.ndarray | None:
    return frame["STRATUM"].fill_null("").to_numpy() if method.get("model") == "stratified" else None


def _survival_p(cache, frame: pl.DataFrame, method: dict[str, str], test: str, fit) -> float:
    from audit.stats.logrank import logrank_test

    if test == "logrank":
        p = cache.remember(("logrank", id(frame), method["model"]), lambda: logrank_test(
            frame["TIME"].to_numpy(), frame["EVENT"].to_numpy(), frame["ARM"].to_numpy(),
            _strata(frame, method)).p_value)
    else:
        p = {"wald": fit.p_wald, "score": fit.p_score, "lr": fit.p_lr}[test]
    return _sided(p, method)


def _cox(cache, frame: pl.DataFrame, method: dict[str, str], experimental: str):
    from audit.stats.cox import cox_hazard_ratio

    return cache.remember(("cox", id(frame), method["model"], method["ties"]), lambda: cox_hazard_ratio(
        frame["TIME"].to_numpy(), frame["EVENT"].to_numpy(), (frame["ARM"] == experimental).to_numpy(),
        _strata(frame, method), method["ties"]))


def _survival_sources(arms: Arms, data_source: str, reference: str, experimental: str) -> tuple[str, ...]:
    return (data_source, f"{arms.source}; {experimental} against reference {reference}")


def hazard_ratio(cache, claim: Claim, method: dict[str, str]):
    """HR (and CI, p) of the experimental arm against the reference arm."""
    frame, arms, reference, experimental = survival_frame(cache, claim.measure.endpoint)
    fit = _cox(cache, frame, method, experimental)
    values: list[float | None] = [fit.hr]
    if claim.ci:
        values += [fit.lower, fit.upper]
    if claim.p:
        values.append(_survival_p(cache, frame, method, method["p"], fit))
    data = cache.data(claim.measure.endpoint)
    return tuple(values), _survival_sources(arms, data.source, reference, experimental)


def p_value(cache, claim: Claim, method: dict[str, str]):
    """p of the log-rank test or of a Cox model test comparing the arms."""
    from audit.stats.cox import TIES

    if method["test"] == "logrank" and method["ties"] != TIES[0]:
        raise RedundantMethod("the log-rank test has no ties method")
    frame, arms, reference, experimental = survival_frame(cache, claim.measure.endpoint)
    fit = _cox(cache, frame, method, experimental)
    data = cache.data(claim.measure.endpoint)
    return ((_survival_p(cache, frame, method, method["test"], fit),),
            _survival_sources(arms, data.source, reference, experimental))


def landmark(cache, claim: Claim, method: dict[str, str]):
    """KM survival at the landmark (percent), with its CI."""
    from audit.stats.landmark import landmark_rate
    from audit.stats.units import MONTH_LENGTHS

    m = claim.measure
    scale = MONTH_LENGTHS[method["month"]] if m.unit == "months" else UNIT_DAYS[m.unit]
    rate = landmark_rate(cache.km(m.endpoint, m.arm), m.time * scale, method.get("ci", "log"))
    values = [100 * rate.surv]
    if claim.ci:
        values += [None if v is None else 100 * v for v in (rate.lower, rate.upper)]
    arm = f" in arm {m.arm}" if m.arm else ""
    return tuple(values), (cache.data(m.endpoint).source + arm,)


def _numerator(study: Study, claim: Claim, claims: ClaimsFile) -> tuple[pl.LazyFrame, str]:
    m = claim.measure
    if m.response is not None:
        return measures.responders(study, m.response)
    if m.adverse_event is not None:
        return measures.ae_subjects(study, m.adverse_event, claims.groupings)
    raise NotApplicable("the measure names neither a response nor an adverse_event numerator")


def counted_in_arm(study: Study, numerator: tuple[pl.LazyFrame, str], population: str,
                   arms: Arms, arm: str) -> measures.Counted:
    """k of n subjects of one arm within a population."""
    subjects, note = measures.population(study, population)
    in_arm = subjects.join(arm_subjects(arms, arm), on="USUBJID", how="semi")
    chosen, numerator_note = numerator
    k = measures._subject_count(chosen.join(in_arm, on="USUBJID", how="semi"))
    return measures.Counted(k, measures._subject_count(in_arm),
                            (numerator_note, f"denominator: {note}, arm {arm} ({arms.source})"))


def _cells(study: Study, claim: Claim, claims: ClaimsFile, arms: Arms, population: str) -> pl.DataFrame:
    """Responders and subjects per arm and stratum: STRATUM, ARM, X, N."""
    subjects, _ = measures.population(study, population)
    chosen, _ = _numerator(study, claim, claims)
    hit = chosen.select("USUBJID").unique().with_columns(pl.lit(1).alias("HIT"))
    return (subjects.unique().join(arms.frame.lazy(), on="USUBJID", how="inner")
            .join(hit, on="USUBJID", how="left")
            .group_by("STRATUM", "ARM").agg(pl.col("HIT").fill_null(0).sum().alias("X"), pl.len().alias("N"))
            .sort("STRATUM", "ARM", nulls_last=True).collect())


def rate_comparison(study: Study, cache, claim: Claim, claims: ClaimsFile, method: dict[str, str]):
    """Difference (points), odds ratio or relative risk of the experimental against the reference rate."""
    from audit.stats import twobytwo

    arms = cache.arms()
    reference, experimental = compared_pair(arms)
    cells = _cells(study, claim, claims, arms, method["denominator"])
    totals = cells.group_by("ARM").agg(pl.col("X").sum(), pl.col("N").sum())
    count = {row["ARM"]: (int(row["X"]), int(row["N"])) for row in totals.iter_rows(named=True)}
    if reference not in count or experimental not in count:
        raise NotApplicable(f"no subject of the population in arm {reference!r} or {experimental!r}")
    (x1, n1), (x2, n2) = count[experimental], count[reference]
    kind = claim.measure.type
    if kind == "rate_difference":
        est = twobytwo.rate_difference(x1, n1, x2, n2, method.get("difference", "wald"))
        values = [100 * est.value] + ([100 * est.lower, 100 * est.upper] if claim.ci else [])
    else:
        est = _ratio(kind, method, cells, experimental, reference, (x1, n1, x2, n2))
        values = [est.value] + ([est.lower, est.upper] if claim.ci else [])
    if claim.p:
        values.append(_rate_p(method, cells, experimental, reference, (x1, n1, x2, n2)))
    note = f"{experimental} {x1}/{n1} against reference {reference} {x2}/{n2} ({arms.source})"
    return tuple(values), (_numerator(study, claim, claims)[1], note)


def _ratio(kind: str, method: dict[str, str], cells: pl.DataFrame, experimental: str, reference: str,
           counts: tuple[int, int, int, int]):
    from audit.stats import twobytwo

    if kind == "relative_risk":
        return twobytwo.relative_risk(*counts)
    if method.get("model") != "cmh":
        return twobytwo.odds_ratio(*counts)
    return twobytwo.mantel_haenszel_odds_ratio(_strata_counts(cells, experimental, reference))


def _strata_counts(cells: pl.DataFrame, experimental: str, reference: str) -> list[tuple[int, int, int, int]]:
    """(x1, n1, x2, n2) of experimental and reference per stratum."""
    wide = cells.filter(pl.col("ARM").is_in([experimental, reference])).pivot(
        on="ARM", index="STRATUM", values=["X", "N"]).fill_null(0)
    columns = [f"{v}_{arm}" for arm in (experimental, reference) for v in ("X", "N")]
    return [tuple(int(v) for v in row) for row in wide.select(columns).iter_rows()]


def _rate_p(method: dict[str, str], cells: pl.DataFrame, experimental: str, reference: str,
            counts: tuple[int, int, int, int]) -> float:
    """p of the rate comparison under the method's test; CMH over the randomisation strata."""
    from audit.stats import twobytwo

    if method["test"] == "cmh":
        p = twobytwo.mantel_haenszel_odds_ratio(_strata_counts(cells, experimental, reference)).p_value
        return _sided(p, method)
    return twobytwo.association_p(*counts, method["test"], method["sided"])


COMPUTED = ("hazard_ratio", "p_value", "landmark_rate", "rate_difference", "odds_ratio", "relative_risk")


def in_arm(data, arms: Arms, arm: str):
    """Endpoint data restricted to the subjects of one arm."""
    from dataclasses import replace

    members = arm_subjects(arms, arm).collect()["USUBJID"].to_numpy()
    keep = np.isin(np.asarray(data.subjects, dtype=object), members)
    if not keep.any():
        raise NotApplicable(f"no subject of arm {arm!r} has a {data.endpoint} record")
    entry = tuple(np.asarray(data.entry, dtype=object)[keep]) if data.entry else data.entry
    subjects = tuple(np.asarray(data.subjects, dtype=object)[keep])
    return replace(data, time=data.time[keep], event=data.event[keep], entry=entry, subjects=subjects,
                   source=f"{data.source}, arm {arm}")
