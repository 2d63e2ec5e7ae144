"""Checks of printed figures with no data: GRIM, count/percentage, CI shape and methods.

What a reviewer holding only the abstract can still test: whether each
percentage is possible for n (GRIM), whether a count and its percentage
agree, whether a CI contains its estimate, which binomial methods could
have produced a printed CI (for every k the percentage allows), whether a
median's CI is symmetric (SPSS-style median +/- 1.96 SE) or asymmetric
(Brookmeyer-Crowley), and whether median follow-up equals median OS.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from fractions import Fraction
from typing import Literal

from audit.claims.model import Claim, ClaimsFile
from audit.claims.printed import NOT_REACHED, at_precision, number_text, printed_bounds, printed_value, range_texts

Severity = Literal["inconsistent", "warning", "info"]


@dataclass(frozen=True)
class Check:
    """One finding about the printed figures of one claim."""

    claim_id: str
    check: str
    severity: Severity
    message: str


@dataclass(frozen=True)
class ConsistencyReport:
    """Every check on a claims file (or abstract), and the n they used."""

    source: str
    n: int | None
    checks: tuple[Check, ...]

    @property
    def inconsistent(self) -> tuple[Check, ...]:
        return tuple(c for c in self.checks if c.severity == "inconsistent")

    def to_dict(self) -> dict:
        return {"source": self.source, "n": self.n, "checks": [asdict(c) for c in self.checks],
                "inconsistent": len(self.inconsistent)}


def grim_message(percent: str, n: int) -> str:
    """The GRIM finding, worded the same wherever it is raised."""
    from audit.stats.precision import matches

    value = Fraction(percent)
    # The largest k with 100 k / n <= value, in closed form: n may be as large as a registry's.
    below = min(n, max(0, math.floor(value * n / 100)))
    options = [f"{at_precision(100 * k / n, percent)}% ({k}/{n})"
               for k in (below, below + 1) if k <= n and not matches(percent, 100 * k / n)]
    return (f"{percent}% is impossible with n = {n}: no whole number of subjects gives it (GRIM); "
            f"nearest possible {' or '.join(options)}")


def study_size(claims: ClaimsFile, arm: str | None = None) -> int | None:
    """n from the claims file: the first subject count (of the arm, if given) that is not an AE count."""
    for claim in claims.claims:
        if (claim.measure.type == "count" and claim.measure.adverse_event is None
                and claim.measure.arm == arm):
            text = number_text(claim.text)
            if text and text.isdigit():
                return int(text)
    return None


def _percent_checks(claim: Claim, n: int) -> list[Check]:
    from audit.stats.precision import grim_possible, matches

    percent = number_text(claim.text)
    if percent is None:
        return []
    checks = []
    if not grim_possible(percent, n):
        checks.append(Check(claim.id, "grim", "inconsistent", grim_message(percent, n)))
    if claim.count and claim.count.isdigit():
        k = int(claim.count)
        if not matches(percent, 100 * k / n):
            checks.append(Check(claim.id, "count_percent", "inconsistent",
                                f"{k}/{n} is {at_precision(100 * k / n, percent)}%, not {percent}%"))
    return checks


def _ci_contains(claim: Claim) -> list[Check]:
    """The CI must contain its estimate; a limit printed NR (not reached) is unbounded above."""
    estimate, bounds = printed_value(claim.text), printed_bounds(claim.ci or "")
    if estimate is None or bounds is None or estimate == NOT_REACHED or bounds[0] == NOT_REACHED:
        return []
    lo = Fraction(bounds[0])
    hi = None if bounds[1] == NOT_REACHED else Fraction(bounds[1])
    if lo <= Fraction(estimate) and (hi is None or Fraction(estimate) <= hi):
        return []
    return [Check(claim.id, "ci_contains", "inconsistent",
                  f"the CI {bounds[0]}-{bounds[1]} does not contain the estimate {estimate}")]


MAX_COUNTS_TRIED = 20


def possible_counts(percent: str, n: int) -> range:
    """Every k in 0..n whose 100 k / n rounds to the printed percentage, found without a loop over n."""
    from audit.stats.precision import half_unit, matches

    centre, half = Fraction(percent), half_unit(percent)
    lowest = max(0, math.floor((centre - half) * n / 100) - 1)
    highest = min(n, math.ceil((centre + half) * n / 100) + 1)
    # The closed form can be one off at the edges where matches() reads the float 100 k / n.
    while lowest <= highest and not matches(percent, 100 * lowest / n):
        lowest += 1
    while highest >= lowest and not matches(percent, 100 * highest / n):
        highest -= 1
    return range(lowest, highest + 1)


def _binomial_methods(claim: Claim, n: int) -> list[Check]:
    """Which binomial CI methods reproduce the printed CI, for each k the percentage allows."""
    from audit.stats.binomial import BINOMIAL_METHODS, METHOD_LABELS, binomial_ci
    from audit.stats.precision import matches

    percent, bounds = number_text(claim.text), range_texts(claim.ci or "")
    if percent is None or bounds is None:
        return []
    ks = [int(claim.count)] if claim.count and claim.count.isdigit() else possible_counts(percent, n)
    if any(k > n for k in ks):
        return [Check(claim.id, "count_percent", "inconsistent", f"the count {claim.count} exceeds n = {n}")]
    if len(ks) > MAX_COUNTS_TRIED:
        return [Check(claim.id, "binomial_methods", "info",
                      f"{percent}% allows {len(ks):,} counts of {n:,}: too many to name the CI method")]
    checks = []
    for k in ks:
        found, others = [], []
        for method in BINOMIAL_METHODS:
            lo, hi = binomial_ci(k, n, method)
            label = METHOD_LABELS.get(method, method)
            if matches(bounds[0], 100 * lo) and matches(bounds[1], 100 * hi):
                found.append(label)
            else:
                others.append(f"{label} gives {at_precision(100 * lo, bounds[0])}-"
                              f"{at_precision(100 * hi, bounds[1])}")
        text = ", ".join(found) if found else "no catalogued binomial method"
        checks.append(Check(claim.id, "binomial_methods", "info" if found else "warning",
                            f"with {k}/{n}, {text} reproduces {bounds[0]}-{bounds[1]}; "
                            + "; ".join(others)))
    return checks


def _median_ci_shape(claim: Claim) -> list[Check]:
    estimate, bounds = printed_value(claim.text), printed_bounds(claim.ci or "")
    if estimate is None or bounds is None or NOT_REACHED in (estimate, *bounds):
        return []
    e, lo, hi = Fraction(estimate), Fraction(bounds[0]), Fraction(bounds[1])
    decimals = max(len(t.split(".")[1]) if "." in t else 0 for t in (estimate, *bounds))
    # Three roundings of half a unit each move (e - lo) - (hi - e) by at most 2 units.
    unit = Fraction(1, 10**decimals)
    if abs((e - lo) - (hi - e)) <= 2 * unit:
        message = (f"the CI {bounds[0]}-{bounds[1]} is symmetric around {estimate}: the signature of "
                   "an SPSS-style median +/- 1.96 SE interval, not Brookmeyer-Crowley")
    else:
        message = (f"the CI {bounds[0]}-{bounds[1]} is asymmetric around {estimate}: consistent with a "
                   "Brookmeyer-Crowley interval")
    return [Check(claim.id, "median_ci_shape", "info", message)]


def _followup_equals_os(claims: ClaimsFile) -> list[Check]:
    """Median follow-up printed equal to median OS of the same arm (or of all subjects)."""
    followups = [c for c in claims.claims if c.measure.type == "median_followup"]
    os_medians = [c for c in claims.claims if c.measure.type == "km_median" and c.measure.endpoint == "OS"]
    return [
        Check(fu.id, "followup_equals_median_os", "warning",
              f"median follow-up {number_text(fu.text)} equals median OS ({os.id}"
              + (f", arm {fu.measure.arm}" if fu.measure.arm else "") + "): the median "
              "observation time of all subjects rather than reverse Kaplan-Meier follow-up")
        for fu in followups for os in os_medians
        if fu.measure.arm == os.measure.arm and number_text(fu.text) == number_text(os.text)
    ]


def check_claims(claims: ClaimsFile, n: int | None = None) -> list[Check]:
    """Every printed-figure check on a claims file; n defaults to the file's subject count."""
    n = n or study_size(claims)
    checks: list[Check] = []
    for claim in claims.claims:
        kind = claim.measure.type
        # A per-arm percentage is k of that arm's n, never of the whole study's.
        claim_n = study_size(claims, claim.measure.arm) if getattr(claim.measure, "arm", None) else n
        if kind == "proportion" and claim_n:
            checks += _percent_checks(claim, claim_n) + _binomial_methods(claim, claim_n)
        # GRIM and count checks above only for proportions of counted subjects: a Kaplan-Meier
        # or model estimate (landmark rate, hazard ratio) is not k/n and takes any value.
        if claim.ci and kind in ("proportion", "km_median", "landmark_rate", "hazard_ratio", "odds_ratio",
                                 "relative_risk", "rate_difference"):
            checks += _ci_contains(claim)
        if claim.ci and kind == "km_median":
            checks += _median_ci_shape(claim)
    return checks + _followup_equals_os(claims)


def consistency_report(claims: ClaimsFile, source: str, n: int | None = None) -> ConsistencyReport:
    """Checks of a claims file with no data, in claim order."""
    n = n or study_size(claims)
    order = {c.id: i for i, c in enumerate(claims.claims)}
    checks = sorted(check_claims(claims, n), key=lambda c: (order.get(c.claim_id, 0), c.check))
    return ConsistencyReport(source, n, tuple(checks))
