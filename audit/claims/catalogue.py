"""The method catalogue: every way a claimed figure may have been computed.

For each measure, `recompute` returns one Candidate per combination of
method dimensions (binomial CI method x denominator; median rule x median CI
method x month length; follow-up definition x month length; ...), together
with the conventional choice. Conventions, used when a claim declares no
method: Clopper-Pearson for rates (the exact interval most trial reports
cite), the R/SAS median with a Brookmeyer-Crowley log-log CI, reverse
Kaplan-Meier follow-up, and months of 30.4375 days (365.25 / 12).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from itertools import product
from types import ModuleType

from audit.claims import comparisons, measures
from audit.claims.endpoints import endpoint_data
from audit.claims.model import Claim, ClaimsFile
from audit.derive import NotApplicable
from audit.study import Study

CONVENTIONAL: dict[str, dict[str, str]] = {
    "proportion": {"binomial": "exact"},
    "km_median": {"median": "r_sas", "ci": "bc_loglog_r", "month": "30.4375"},
    "median_followup": {"followup": "reverse_km", "quartiles": "type7", "month": "30.4375"},
    "ranking": {"by": "subjects"},
    **comparisons.CONVENTIONAL,
}


@dataclass(frozen=True)
class Candidate:
    """One method's recomputed parts, in the order of the printed parts."""

    method: dict[str, str]
    label: str
    values: tuple[float | str | None, ...]
    counts: tuple[int, int] | None = None


@dataclass(frozen=True)
class Recomputation:
    """All candidates for a claim, the printed parts they are compared with, and sources."""

    printed: tuple[str, ...]
    candidates: tuple[Candidate, ...]
    conventional: dict[str, str]
    dimensions: dict[str, tuple[str, ...]]
    sources: tuple[str, ...]


def _labels(module: ModuleType) -> dict[str, str]:
    """Merge every *LABELS dict a stats module exposes (method name -> readable label)."""
    merged: dict[str, str] = {}
    for name in dir(module):
        value = getattr(module, name)
        if name.endswith("LABELS") and isinstance(value, dict):
            merged.update({str(k): str(v) for k, v in value.items()})
    return merged


def method_labels() -> dict[str, str]:
    """Readable labels of every method name in the catalogue."""
    from audit.stats import binomial, followup, median

    labels = {}
    for module in (binomial, median, followup):
        labels.update(_labels(module))
    return labels


def dimensions(measure_type: str, claim: Claim, stratified: bool = False) -> dict[str, tuple[str, ...]]:
    """The method dimensions of a measure, each with its catalogue of names (stratified: arms have strata)."""
    from audit.stats import binomial, followup, median, units

    if measure_type in comparisons.COMPUTED:
        return comparisons.comparison_dimensions(measure_type, claim, stratified)

    months = tuple(units.MONTH_LENGTHS)
    has_ci = claim.ci is not None
    alternatives = getattr(claim.measure, "alternatives", [])
    population = getattr(claim.measure, "population", None)
    pops = tuple(dict.fromkeys([population, *alternatives])) if population else ()
    table: dict[str, dict[str, tuple[str, ...]]] = {
        "proportion": {"denominator": pops, **({"binomial": binomial.BINOMIAL_METHODS} if has_ci else {})},
        "count": {"denominator": pops},
        "km_median": {"median": median.MEDIAN_RULES,
                      **({"ci": median.MEDIAN_CI_METHODS} if has_ci else {}), "month": months},
        "median_followup": {"followup": followup.FOLLOWUP_METHODS,
                            **({"quartiles": followup.QUARTILE_METHODS} if claim.iqr else {}), "month": months},
        "ranking": {"by": ("subjects", "events")},
    }
    return table.get(measure_type, {})


def _label(method: dict[str, str], labels: dict[str, str], conventional: dict[str, str]) -> str:
    from audit.stats.followup import quartile_label

    shown = []
    for key, name in method.items():
        if key == "quartiles":
            shown.append(quartile_label(method["followup"], name))
        elif key == "month":
            shown.append(f"{name}-day months")
        elif key == "denominator":
            if name != conventional.get("denominator"):
                shown.append(f"denominator {name}")
        else:
            shown.append(labels.get(name, name))
    return ", ".join(shown) or "as counted"


def _combinations(dims: dict[str, tuple[str, ...]]) -> list[dict[str, str]]:
    keys = list(dims)
    return [dict(zip(keys, values, strict=True)) for values in product(*(dims[k] for k in keys))]


def _printed_parts(claim: Claim) -> tuple[str, ...]:
    """Estimate, CI limits, count and p as compared: numbers as printed, NR for not reached."""
    from audit.claims.printed import printed_bounds, printed_p, printed_value

    value = printed_p(claim.text) if claim.measure.type == "p_value" else printed_value(claim.text)
    if value is None:
        raise NotApplicable(f"no number in the printed figure {claim.text!r}")
    bounds = printed_bounds(claim.ci) if claim.ci else None
    if claim.ci and bounds is None:
        raise NotApplicable(f"cannot read the CI {claim.ci!r} as two numbers")
    iqr = printed_bounds(claim.iqr) if claim.iqr else None
    if claim.iqr and iqr is None:
        raise NotApplicable(f"cannot read the interquartile range {claim.iqr!r} as two numbers")
    p = printed_p(claim.p) if claim.p else None
    if claim.p and p is None:
        raise NotApplicable(f"cannot read the p-value {claim.p!r}")
    return ((value, *(bounds or ()), *(iqr or ())) + ((claim.count,) if claim.count else ())
            + ((p,) if p else ()))


def _proportion(study: Study, claim: Claim, claims: ClaimsFile, method: dict[str, str]):
    from audit.stats.binomial import binomial_ci

    m = claim.measure
    if m.response is not None:
        numerator = measures.responders(study, m.response)
    elif m.adverse_event is not None:
        numerator = measures.ae_subjects(study, m.adverse_event, claims.groupings)
    else:
        raise NotApplicable("the proportion names neither a response nor an adverse_event numerator")
    c = (measures.counted(study, numerator, method["denominator"]) if m.arm is None
         else comparisons.counted_in_arm(study, numerator, method["denominator"], _arms(study, claims), m.arm))
    if c.n == 0:
        raise NotApplicable(f"the denominator {method['denominator']} has no subjects")
    values: list[float | str | None] = [100.0 * c.k / c.n]
    if "binomial" in method:
        lo, hi = binomial_ci(c.k, c.n, method["binomial"])
        values += [100.0 * lo, 100.0 * hi]
    if claim.count:
        values.append(float(c.k))
    return tuple(values), c.sources, (c.k, c.n)


def _count(study: Study, claim: Claim, claims: ClaimsFile, method: dict[str, str]):
    m = claim.measure
    if m.arm is not None:
        numerator = (measures.ae_subjects(study, m.adverse_event, claims.groupings) if m.adverse_event
                     else measures.population(study, method["denominator"]))
        c = comparisons.counted_in_arm(study, numerator, method["denominator"], _arms(study, claims), m.arm)
        return (float(c.k),), c.sources
    if m.adverse_event is not None:
        c = measures.counted(study, measures.ae_subjects(study, m.adverse_event, claims.groupings),
                             method["denominator"])
        return (float(c.k),), c.sources
    subjects, note = measures.population(study, method["denominator"])
    return (float(measures._subject_count(subjects)),), (note,)


def _none(study: Study, claim: Claim, claims: ClaimsFile, method: dict[str, str]):
    chosen, note = measures.ae_subjects(study, claim.measure.adverse_event, claims.groupings)
    return (float(measures._subject_count(chosen)),), (note,)


class _EndpointCache:
    """Endpoint data and Kaplan-Meier tables, computed once per verification."""

    def __init__(self, study: Study, claims: ClaimsFile) -> None:
        self.study, self.claims, self._data, self._km, self._arms = study, claims, {}, {}, None
        self._memo: dict[tuple, object] = {}

    def remember(self, key: tuple, compute: Callable):
        """compute() once per key and verification (Cox fits are shared by every method and claim)."""
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    def arms(self):
        if self._arms is None:
            self._arms = _arms(self.study, self.claims)
        return self._arms

    def data(self, endpoint: str, arm: str | None = None):
        if (endpoint, arm) not in self._data:
            if arm is None:
                self._data[endpoint, arm] = endpoint_data(self.study, endpoint, self.claims.endpoints)
            else:
                self._data[endpoint, arm] = comparisons.in_arm(self.data(endpoint), self.arms(), arm)
        return self._data[endpoint, arm]

    def km(self, endpoint: str, arm: str | None = None):
        from audit.stats.km import kaplan_meier

        if (endpoint, arm) not in self._km:
            data = self.data(endpoint, arm)
            self._km[endpoint, arm] = kaplan_meier(data.time, data.event)
        return self._km[endpoint, arm]


def _arms(study: Study, claims: ClaimsFile):
    from audit.claims.arms import study_arms

    return study_arms(study, claims.arms)


def _months(days: float | None, month: str) -> float | None:
    from audit.stats.units import MONTH_LENGTHS

    return None if days is None else days / MONTH_LENGTHS[month]


def _km_median(cache: _EndpointCache, claim: Claim, method: dict[str, str]):
    from audit.stats.median import km_median, median_ci

    km = cache.km(claim.measure.endpoint, claim.measure.arm)
    values = [_months(km_median(km, rule=method["median"]), method["month"])]
    if "ci" in method:
        lo, hi = median_ci(km, method["ci"], median_rule=method["median"])
        values += [_months(lo, method["month"]), _months(hi, method["month"])]
    return tuple(values), (cache.data(claim.measure.endpoint, claim.measure.arm).source,)


def _followup(cache: _EndpointCache, claim: Claim, method: dict[str, str]):
    from audit.stats.followup import QUARTILE_METHODS, followup_quartiles

    quartiles = method.get("quartiles")
    if method["followup"] == "reverse_km" and quartiles not in (None, QUARTILE_METHODS[0]):
        # Reverse Kaplan-Meier quartiles come from the curve: one candidate, not one per empirical type.
        raise comparisons.RedundantMethod("reverse Kaplan-Meier quartiles have no empirical quantile type")
    data = cache.data(claim.measure.endpoint, claim.measure.arm)
    try:
        q1, days, q3 = followup_quartiles(data.time, data.event, method["followup"], quartiles or "type7",
                                          entry=list(data.entry), cutoff=data.cutoff)
    except (ValueError, TypeError):
        q1 = days = q3 = None  # this definition needs entry dates or a cut-off the snapshot lacks
    parts = (days, q1, q3) if quartiles else (days,)
    return tuple(_months(d, method["month"]) for d in parts), (data.source,)


def _ranking(study: Study, claim: Claim, claims: ClaimsFile, method: dict[str, str]):
    table, source = measures.ranking(study, claim.measure.adverse_event, claims.groupings, method["by"])
    top = claim.measure.top or len(_ranking_parts(claim))
    return tuple(label for label, _ in table[:top]), (f"{source}: ranked by {method['by']}",)


def _ranking_parts(claim: Claim) -> tuple[str, ...]:
    return tuple(t.strip().lower() for t in claim.text.replace(" and ", ",").split(",") if t.strip())


def recompute(study: Study, claim: Claim, claims: ClaimsFile, cache: _EndpointCache) -> Recomputation:
    """Every candidate recomputation of one claim (date ranges are handled by the verifier)."""
    kind = claim.measure.type
    dims = dimensions(kind, claim, bool(claims.arms and claims.arms.strata))
    conventional = {k: v[0] for k, v in dims.items()} | {
        k: v for k, v in CONVENTIONAL.get(kind, {}).items() if k in dims
    }
    compute: Callable = {
        "proportion": lambda m: _proportion(study, claim, claims, m),
        "count": lambda m: _count(study, claim, claims, m),
        "none": lambda m: _none(study, claim, claims, m),
        "km_median": lambda m: _km_median(cache, claim, m),
        "median_followup": lambda m: _followup(cache, claim, m),
        "ranking": lambda m: _ranking(study, claim, claims, m),
        "landmark_rate": lambda m: comparisons.landmark(cache, claim, m),
        "hazard_ratio": lambda m: comparisons.hazard_ratio(cache, claim, m),
        "p_value": lambda m: comparisons.p_value(cache, claim, m),
        **{k: (lambda m: comparisons.rate_comparison(study, cache, claim, claims, m))
           for k in ("rate_difference", "odds_ratio", "relative_risk")},
    }[kind]
    printed = _ranking_parts(claim) if kind == "ranking" else (
        ("0",) if kind == "none" else _printed_parts(claim))
    labels = method_labels()
    candidates, sources = [], []
    for method in _combinations(dims) or [{}]:
        try:
            values, notes, *counts = compute(method)
        except comparisons.RedundantMethod:
            continue
        except NotApplicable:
            if method == conventional:
                raise
            continue  # an alternative denominator the snapshot lacks
        label = (comparisons.comparison_label(kind, method) if kind in comparisons.COMPUTED
                 else _label(method, labels, conventional))
        candidates.append(Candidate(method, label, values, counts[0] if counts else None))
        if method == conventional or not sources:
            sources = list(notes)
    return Recomputation(printed, tuple(candidates), conventional, dims, tuple(sources))
