"""Verify claims against a study: recompute under every method, compare at printed precision.

Verdicts: reproduced (by the declared method, or the conventional one when
none is declared); reproduced only by other methods (named, nearest to the
reference method first); not reproduced (the closest method, its value and
the gap); cannot be checked (the snapshot lacks what the measure needs).
"""

from __future__ import annotations

import re
from pathlib import Path

from audit.claims import measures
from audit.claims.catalogue import Candidate, _EndpointCache, dimensions, recompute
from audit.claims.consistency import check_claims, grim_message
from audit.claims.model import COMPARISONS, Claim, ClaimsFile
from audit.claims.printed import NOT_REACHED, at_precision, parse_date, split_date_range
from audit.claims.results import ClaimVerdict, MethodResult, VerificationResult
from audit.derive import NotApplicable
from audit.errors import ClaimsFileError
from audit.study import Study


def _declared(claim: Claim, dims: dict[str, tuple[str, ...]], file: str) -> dict[str, str]:
    """The claim's declared method, checked against the catalogue of its measure."""
    declared = dict(claim.method or {})
    for key, name in declared.items():
        if key not in dims:
            known = ", ".join(dims) or "none"
            raise ClaimsFileError(f"unknown method dimension {key!r} for {claim.measure.type} "
                                  f"(known: {known})", file=file, field=f"claims[{claim.id}].method")
        if name not in dims[key]:
            raise ClaimsFileError(f"unknown {key} method {name!r} (known: {', '.join(dims[key])})",
                                  file=file, field=f"claims[{claim.id}].method.{key}")
    return declared


def _compare(printed: str, value: float | str | None) -> tuple[bool, float | None, str]:
    """Does a recomputed part reproduce a printed part; its gap; its display text.

    A printed NR (not reached, not estimable) is reproduced exactly by a limit
    the method leaves undefined, as R survival leaves it NA; a printed "<0.001"
    by any p below 0.001.
    """
    from audit.stats.precision import matches

    if printed == NOT_REACHED:
        return value is None, 0.0 if value is None else None, NOT_REACHED if value is None else (
            value if isinstance(value, str) else at_precision(value, "0.0"))
    if isinstance(value, str) or value is None:
        shown = "NA" if value is None else value
        return value is not None and value == printed, None, shown
    relation = next((r for r in ("<=", ">=", "<", ">") if printed.startswith(r)), None)
    if relation:
        return _compare_bound(printed, relation, value)
    gap = abs(value - float(printed))
    return matches(printed, value), gap, at_precision(value, printed)


def _compare_bound(printed: str, relation: str, value: float) -> tuple[bool, float | None, str]:
    """A printed "<0.001" (or <=, >, >=): the value must lie on that side of the bound."""
    bound = float(printed[len(relation):])
    holds = {"<": value < bound, "<=": value <= bound, ">": value > bound, ">=": value >= bound}[relation]
    return holds, 0.0 if holds else abs(value - bound), _p_shown(value, printed[len(relation):])


def _p_shown(value: float, bound: str) -> str:
    """A p-value shown with two significant digits, at least as many decimals as the printed bound."""
    import math

    if value <= 0 or not math.isfinite(value):
        return at_precision(value, bound)
    decimals = max(len(bound.split(".")[1]) if "." in bound else 0, 1 - math.floor(math.log10(value)))
    return at_precision(value, "0." + "0" * decimals) if decimals <= 8 else f"{value:.1e}"


def _display(claim: Claim, values: list[str]) -> str:
    """Recomputed parts laid out as the claim prints them."""
    if claim.measure.type == "ranking":
        return ", ".join(values)
    if claim.measure.type == "none":
        return "none" if values[0] == "0" else f"{values[0]} subjects"
    shown = values[0] + ("%" if claim.measure.type in ("proportion", "landmark_rate") else "")
    if claim.count:
        shown = f"{values[-1 - bool(claim.p)]} ({shown})"
    if claim.ci:
        shown += f" ({values[1]}-{values[2]})"
    if claim.iqr:
        first = 1 + 2 * bool(claim.ci)
        shown += f" (IQR {values[first]}-{values[first + 1]})"
    if claim.p:
        shown += f", p {values[-1]}"
    return shown


def _method_result(candidate: Candidate, printed: tuple[str, ...], claim: Claim) -> MethodResult:
    compared = [_compare(p, v) for p, v in zip(printed, candidate.values, strict=False)]
    compared += [(False, None, "NA")] * (len(printed) - len(compared))
    gaps = [g for _, g, _ in compared]
    missing = any(g is None for g, (ok, _, _) in zip(gaps, compared, strict=True) if not ok)
    gap = None if missing else max((g for g in gaps if g is not None), default=0.0)
    return MethodResult(
        method=dict(candidate.method), label=candidate.label, values=tuple(s for _, _, s in compared),
        printed=printed, matches=tuple(ok for ok, _, _ in compared),
        gap=None if gap is None else round(float(gap), 6), counts=candidate.counts,
        display=_display(claim, [s for _, _, s in compared]),
    )


def _distance(method: dict[str, str], reference: dict[str, str]) -> int:
    return sum(method.get(k) != v for k, v in reference.items())


def _verdict(claim: Claim, results: list[MethodResult], reference: dict[str, str],
             kind: str, sources: tuple[str, ...]) -> ClaimVerdict:
    order = {id(r): i for i, r in enumerate(results)}
    ranked = sorted(results, key=lambda r: (_distance(r.method, reference), order[id(r)]))
    ref = next((r for r in results if r.method == reference), None)
    reproducing = tuple(r for r in ranked if r.reproduces)
    failing = tuple(r for r in ranked if not r.reproduces)
    if ref is not None and ref.reproduces:
        verdict = "reproduced"
    elif reproducing:
        verdict = "reproduced_by_other_methods"
    else:
        verdict = "not_reproduced"
    closest = min(failing, key=lambda r: (r.gap is None, r.gap or 0.0,
                                          _distance(r.method, reference))) if failing else None
    return ClaimVerdict(
        claim_id=claim.id, printed=_printed_text(claim), measure=claim.measure.type, verdict=verdict,
        reference=ref, reference_kind=kind, reproducing=reproducing, not_reproducing=failing,
        closest=closest if verdict == "not_reproduced" else None, sources=sources,
    )


def _printed_text(claim: Claim) -> str:
    text = claim.text
    if claim.count:
        text = f"{claim.count} ({text})"
    text = f"{text} (95% CI {claim.ci})" if claim.ci else text
    text = f"{text} (IQR {claim.iqr})" if claim.iqr else text
    return f"{text}, p {claim.p}" if claim.p else text


def _date_range(study: Study, claim: Claim) -> ClaimVerdict:
    dates = split_date_range(claim.text)
    parsed = [parse_date(d) for d in dates] if dates else []
    if len(parsed) != 2 or None in parsed:
        raise NotApplicable(f"cannot read two dates in {claim.text!r}")
    first, last, source = measures.enrolment_dates(study)
    shown = []
    matches = []
    for (printed_date, precision), actual in zip(parsed, (first, last), strict=True):
        same = (printed_date == actual) if precision == "day" else (
            (printed_date.year, printed_date.month) == (actual.year, actual.month))
        matches.append(same)
        shown.append(actual.isoformat() if precision == "day" else actual.isoformat()[:7])
    result = MethodResult(
        method={"source": source}, label=source, values=tuple(shown),
        printed=tuple(p.isoformat() if pr == "day" else p.isoformat()[:7] for p, pr in parsed),
        matches=tuple(matches), display=f"{shown[0]} to {shown[1]}",
        gap=float(sum(abs((p - a).days) for (p, _), a in zip(parsed, (first, last), strict=True))),
    )
    return _verdict(claim, [result], result.method, "conventional", (source,))


def _data_cutoff(study: Study, claim: Claim) -> ClaimVerdict:
    """The printed data cut-off against the one the snapshot carries, at the printed precision."""
    parsed = parse_date(claim.text)
    if parsed is None:
        raise NotApplicable(f"cannot read a date in {claim.text!r}")
    printed_date, precision = parsed
    actual, source = measures.cutoff_date(study)
    width = 10 if precision == "day" else 7
    shown, printed = actual.isoformat()[:width], printed_date.isoformat()[:width]
    result = MethodResult(method={"source": source}, label=source, values=(shown,), printed=(printed,),
                          matches=(shown == printed,), display=shown,
                          gap=float(abs((printed_date - actual).days)))
    return _verdict(claim, [result], result.method, "conventional", (source,))


def _not_applicable(claim: Claim, reason: str) -> ClaimVerdict:
    return ClaimVerdict(claim.id, _printed_text(claim), claim.measure.type, "not_applicable",
                        None, "conventional", reason=reason)


def _verify_one(study: Study, claim: Claim, claims: ClaimsFile, cache: _EndpointCache,
                file: str) -> ClaimVerdict:
    if claim.measure.type == "date_range":
        if claim.method:
            raise ClaimsFileError("a date range takes no method", file=file,
                                  field=f"claims[{claim.id}].method")
        return _date_range(study, claim)
    if claim.measure.type == "data_cutoff":
        if claim.method:
            raise ClaimsFileError("a data cut-off takes no method", file=file, field=f"claims[{claim.id}].method")
        return _data_cutoff(study, claim)
    stratified = bool(claims.arms and claims.arms.strata)
    declared = _declared(claim, dimensions(claim.measure.type, claim, stratified), file)
    recomputation = recompute(study, claim, claims, cache)
    reference = recomputation.conventional | declared
    results = [_method_result(c, recomputation.printed, claim) for c in recomputation.candidates]
    kind = "declared" if declared else "conventional"
    return _verdict(claim, results, reference, kind, recomputation.sources)


def _with_warnings(verdict: ClaimVerdict, warnings: list[str]) -> ClaimVerdict:
    from dataclasses import replace

    return replace(verdict, warnings=tuple(warnings)) if warnings else verdict


def _grim_warnings(verdict: ClaimVerdict, claim: Claim) -> list[str]:
    """A printed percentage impossible for the recomputed denominator."""
    from audit.stats.precision import grim_possible

    reference = verdict.reference
    if claim.measure.type != "proportion" or reference is None or reference.counts is None:
        return []
    printed, n = reference.printed[0], reference.counts[1]
    if printed == NOT_REACHED or not re.fullmatch(r"\d+(?:\.\d+)?", printed):
        return []  # GRIM tests a printed percentage, not "NR" or a bound
    if n and not grim_possible(printed, n):
        return [grim_message(printed, n)]
    return []


def _require_reference(claims: ClaimsFile, file: str) -> None:
    """A claim comparing arms needs the control arm named (a drafted file may lack it)."""
    compared = [c.id for c in claims.claims if c.measure.type in COMPARISONS]
    if compared and (claims.arms is None or claims.arms.reference is None):
        raise ClaimsFileError(f"claim {compared[0]!r} compares arms: name the control arm", file=file,
                              field="arms.reference")


def verify_claims(study: Study, claims: ClaimsFile, *, claims_file: str | Path = "<claims>") -> VerificationResult:
    """Recompute every claim under every catalogued method and give each a verdict."""
    _require_reference(claims, str(claims_file))
    cache = _EndpointCache(study, claims)
    printed_checks = check_claims(claims)
    verdicts = []
    for claim in claims.claims:
        try:
            verdict = _verify_one(study, claim, claims, cache, str(claims_file))
        except NotApplicable as exc:
            verdict = _not_applicable(claim, str(exc))
        notes = [c.message for c in printed_checks if c.claim_id == claim.id and c.severity != "info"]
        notes = list(dict.fromkeys(notes + _grim_warnings(verdict, claim)))
        verdicts.append(_with_warnings(verdict, notes))
    sources = tuple(sorted({s for v in verdicts for s in v.sources}))
    return VerificationResult(
        snapshot=str(study.root), claims_file=str(claims_file), verdicts=tuple(verdicts), sources=sources,
    )
