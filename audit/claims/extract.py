"""Draft a claims file from an abstract's text, with regular expressions.

Finds rates with CIs ("40.8% (95% CI 27.3-55.7)"), medians with CIs,
"N (x%)" counts, plain percentages, median follow-up, the enrolment window
and the number enrolled. The measure is guessed from the nearest keyword
before the number (ORR, PFS, grade 3-4, ...); what cannot be guessed is
left in the claim's `todo` field for the user to fill in.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

import yaml

from audit.claims.model import ClaimsFile
from audit.claims.printed import DATE, parse_date

# Bounded digit runs: a pathological run of digits costs linear, not quadratic, time.
N = r"\d{1,7}(?:\.\d{1,7})?"
# A median or CI limit printed as not reached / not estimable (kept as NR).
NR = r"(?:\bNR\b|\bNE\b|not\s{1,3}reached|not\s{1,3}estimable)"
V = rf"(?:{N}|{NR})"
_CI_WORDS = r"95\s{0,2}%\s{0,2}(?:CI|confidence\s{1,3}interval)\s{0,3}[:,=]?\s{0,3}"
_CI = (rf"[(\[]\s{{0,3}}(?:{_CI_WORDS})?(?P<lo>{V})\s{{0,3}}%?\s{{0,3}}"
       rf"(?:-|to|,)\s{{0,3}}(?P<hi>{V})\s{{0,3}}%?\s{{0,3}}[)\]]")
_P_TAIL = (r"(?:\s{0,3}[;,]\s{0,3}(?P<sided>(?:one|two)[- ]sided\s{1,3})?p(?:[- ]value)?\s{0,3}"
           r"(?P<prel><=|>=|[=<>≤])\s{0,3}(?P<p>\d?\.\d{1,9}))?")
_HR = (rf"(?:hazard\s{{1,3}}ratio|\bHR\b)(?:\s{{0,3}}\[HR\])?(?:\s{{1,3}}(?:was|of))?\s{{0,3}}[:=,]?\s{{0,3}}"
       rf"(?P<est>{N})\s{{0,3}}[,;(\[]?\s{{0,3}}(?:{_CI_WORDS})?(?P<lo>{N})\s{{0,3}}(?:-|to|,)\s{{0,3}}"
       rf"(?P<hi>{N})\s{{0,3}}[)\]]?{_P_TAIL}")
_ARM_AFTER = re.compile(r"\s{0,3}(?:\(IQR[^()]{0,40}\)\s{0,3})?(?:in\s{1,3}the\s{1,3}(?P<arm>[A-Za-z][\w-]{0,40})"
                        r"\s{1,3}(?:group|arm)\b|with\s{1,3}(?P<arm2>[A-Za-z][\w-]{0,40}))", re.IGNORECASE)
_LANDMARK = re.compile(r"\b(?P<t>\d{1,3})[- ](?P<unit>month|year|week)s?\b|\bat\s{1,3}(?P<t2>\d{1,3})\s{1,3}"
                       r"(?P<unit2>month|year|week)s?\b", re.IGNORECASE)
_PATTERNS: tuple[tuple[str, str], ...] = (
    ("dates", rf"(?:between|from)\s+(?P<d1>{DATE})\s+(?:and|to|until|through|-)\s+(?P<d2>{DATE})"),
    ("enrolled", r"(?P<n>\d{1,7})\s+(?:eligible\s+)?(?:patients|participants|subjects)\b"
                 r"(?:\s+\w+){0,4}?\s+(?:were\s+)?(?P<verb>enrolled|included|recruited|registered|"
                 r"randomly\s{1,3}assigned|randomi[sz]ed|treated)"),
    ("arm_count", r"(?P<n>\d{1,7})\s{1,3}(?:patients\s{1,3})?(?:in|to)\s{1,3}the\s{1,3}(?P<arm>[A-Za-z][\w-]{0,40})"
                  r"\s{1,3}(?:group|arm)\b"),
    ("hazard_ratio", _HR),
    ("estimate_ci", rf"(?P<est>{V})\s{{0,3}}(?P<unit>%|months?|mo\b)?\s{{0,3}}{_CI}(?:\s{{0,3}}(?P<unit2>months?))?"),
    ("count_percent", rf"(?P<count>\d{{1,7}})\s*[(\[]\s*(?P<pct>{N})\s*%\s*[)\]]"),
    ("months", rf"(?<!at )(?<!by )(?P<est>{N})\s*(?:months?|mo\b)"),
    # "95% CI" is a confidence level, not a figure.
    ("percent", rf"(?P<pct>{N})\s*%(?!\s{{0,3}}(?:CI\b|confidence))"),
    ("p_value", r"(?P<sided>(?:one|two)[- ]sided\s{1,3})?\bp(?:[- ]value)?\s{0,3}(?P<prel><=|>=|[=<>≤])\s{0,3}"
                r"(?P<p>\d?\.\d{1,9})"),
    ("none", r"\bno\s+(?:treatment|drug)[- ]related\s+deaths?"),
    ("ranking", r"most\s+common\s+(?:[\w-]+\s+){0,5}?(?:adverse events|AEs|TRAEs|toxicities|events)"
                r"[^.;:]*?(?:were|was|included|:)\s+(?P<list>[^.;()]+)"),
)

# Keyword -> (claim id, measure template). Order matters only for ties.
_KEYWORDS: tuple[tuple[str, str, dict], ...] = (
    (r"abscopal response|\bARR\b", "arr",
     {"type": "proportion", "response": {"parameter": "ABSBOR", "values": ["CR", "PR"]}}),
    (r"abscopal control|\bACR\b", "acr",
     {"type": "proportion", "response": {"parameter": "ABSBOR", "values": ["CR", "PR", "SD"]}}),
    (r"objective response|overall response rate|\bORR\b", "orr",
     {"type": "proportion", "response": {"parameter": "BOR", "values": ["CR", "PR"]}}),
    (r"disease control|\bDCR\b", "dcr",
     {"type": "proportion", "response": {"parameter": "BOR", "values": ["CR", "PR", "SD"]}}),
    (r"follow[- ]?up", "fu", {"type": "median_followup", "endpoint": "OS"}),
    (r"duration of response|\bDOR\b", "dor", {"type": "km_median", "endpoint": "DOR"}),
    (r"time to response|\bTTR\b", "ttr", {"type": "km_median", "endpoint": "TTR"}),
    (r"progression[- ]free|\bPFS\b", "pfs", {"type": "km_median", "endpoint": "PFS"}),
    (r"overall survival|\bOS\b", "os", {"type": "km_median", "endpoint": "OS"}),
    (r"grade\s*(?:≥|>=|3\s*(?:-|–|to|or|and)\s*4|3/4|III\s*-\s*IV)\s*3?", "g34",
     {"type": "proportion", "adverse_event": {"grades": [3, 4]}}),
)
_RELATED = re.compile(r"treatment[- ]related|\bTRAEs?\b|drug[- ]related", re.IGNORECASE)
_AE_WORDS = re.compile(r"\b(?:treatment[- ]related|adverse events?|AEs?|TRAEs?|occurred|in|were|was|"
                       r"of|the|patients?|observed|reported|rate|incidence)\b", re.IGNORECASE)


@dataclass
class _Hit:
    kind: str
    match: re.Match
    sentence_start: int


def _normalise(text: str) -> str:
    table = {"–": "-", "—": "-", "‑": "-", "·": ".", "\u00a0": " ", "≥": ">="}
    for old, new in table.items():
        text = text.replace(old, new)
    return re.sub(r"\s+", " ", text)


def _hits(text: str) -> list[_Hit]:
    # Taken spans never overlap, so kept sorted by start they are sorted by end too: one bisect
    # finds the only span a match could overlap, and an abstract of any length stays linear.
    starts: list[int] = []
    ends: list[int] = []
    breaks = [m.start() for m in re.finditer(r"[.;] ", text)]
    hits = []
    for kind, pattern in _PATTERNS:
        for match in re.finditer(pattern, text, flags=re.IGNORECASE):
            i = bisect.bisect_left(starts, match.end())
            if i and ends[i - 1] > match.start():
                continue
            starts.insert(i, match.start())
            ends.insert(i, match.end())
            j = bisect.bisect_right(breaks, match.start() - 2)
            hits.append(_Hit(kind, match, breaks[j - 1] + 2 if j else 0))
    return sorted(hits, key=lambda h: h.match.start())


def _keyword(context: str) -> tuple[str, dict, int] | None:
    """The keyword nearest the end of the context: (id, measure, its position)."""
    best = None
    for pattern, claim_id, measure in _KEYWORDS:
        for found in re.finditer(pattern, context, flags=re.IGNORECASE):
            if best is None or found.start() > best[2]:
                best = (claim_id, measure, found.start())
    return best


def _ordered_keywords(context: str) -> list[tuple[str, dict]]:
    found = [(m.start(), cid, measure) for p, cid, measure in _KEYWORDS
             for m in re.finditer(p, context, flags=re.IGNORECASE)]
    return [(cid, measure) for _, cid, measure in sorted(found, key=lambda f: f[0])]


def _ae_term(context: str, grade_at: int) -> str | None:
    """Words between a grade phrase and the number: "grade 3-4 leukopenia" -> "leukopenia"."""
    after = re.sub(r"^grade\s*\S+\s*(?:-|to|or|and)?\s*\d?", "", context[grade_at:], flags=re.IGNORECASE)
    words = _AE_WORDS.sub(" ", re.sub(r"[^A-Za-z -]", " ", after)).split()
    return " ".join(words).lower() or None


def _classify(hit: _Hit, text: str, previous_end: int, fallback: list) -> tuple[str | None, dict | None, str | None]:
    context = text[max(previous_end, hit.sentence_start):hit.match.start()]
    found = _keyword(context)
    if found is None and fallback:
        claim_id, measure = fallback.pop(0)
        return claim_id, measure, None
    if found is None:
        return None, None, None
    claim_id, measure, position = found
    measure = {**measure}
    if "adverse_event" in measure:
        condition = dict(measure["adverse_event"])
        whole = text[hit.sentence_start:hit.match.end() + 40]
        if _RELATED.search(whole):
            condition["related"] = True
        term = _ae_term(context, position)
        if term:
            condition["terms"] = [term.upper()]
            claim_id = re.sub(r"[^a-z0-9]+", "_", term).strip("_")[:20]
        measure["adverse_event"] = condition
        return claim_id, measure, ("check the AE term against AEDECOD (or define a grouping)"
                                   if term else None)
    return claim_id, measure, None


def _claim_from(hit: _Hit, claim_id: str | None, measure: dict | None, todo: str | None) -> dict | None:
    g = hit.match.groupdict()
    text_before = hit.match.string[hit.sentence_start:hit.match.start()]
    after = _ARM_AFTER.match(hit.match.string, hit.match.end())
    arm = (after.group("arm") or after.group("arm2")) if after else None
    if hit.kind == "dates":
        first, last = parse_date(g["d1"]), parse_date(g["d2"])
        if not first or not last:
            return None
        shown = [d.isoformat() if p == "day" else d.isoformat()[:7] for d, p in (first, last)]
        return {"id": "enrol", "text": f"{shown[0]} to {shown[1]}",
                "measure": {"type": "date_range", "event": "enrolment"}}
    if hit.kind == "enrolled":
        if g["verb"].lower() == "treated":
            return {"id": "treated", "text": g["n"], "measure": {"type": "count", "population": "SAFFL"}}
        return {"id": "n", "text": g["n"], "measure": {"type": "count", "population": "ITTFL"}}
    if hit.kind == "arm_count":
        return {"id": f"n_{_slug(g['arm'])}", "text": g["n"], "measure": {"type": "count", "arm": g["arm"]},
                "todo": ARM_TODO}
    if hit.kind in ("hazard_ratio", "p_value"):
        return _comparison(hit, claim_id, measure)
    if hit.kind == "none":
        return {"id": "trd", "text": "none", "measure": {
            "type": "none", "adverse_event": {"related": True, "grades": [5]}}}
    if hit.kind == "ranking":
        items = [i.strip() for i in re.split(r",|\band\b", g["list"]) if i.strip()]
        return {"id": "common", "text": ", ".join(items),
                "measure": {"type": "ranking", "adverse_event": {}},
                "todo": "define groupings for grouped terms and check the terms against AEDECOD"}
    is_percent = hit.kind in ("count_percent", "percent") or g.get("unit") == "%"
    unit = "%" if is_percent else " months" if (g.get("unit") or g.get("unit2") or hit.kind == "months") else ""
    estimate = _nr(g.get("est") or g.get("pct"))
    claim: dict = {"id": claim_id or "claim", "text": estimate + ("" if estimate == "NR" else unit)}
    if g.get("lo"):
        claim["ci"] = f"{_nr(g['lo'])}-{_nr(g['hi'])}"
    if g.get("count"):
        claim["count"] = g["count"]
    if is_percent and measure is not None and measure["type"] == "km_median":
        measure = _landmark(text_before, measure) or measure
        if measure["type"] == "landmark_rate":
            claim["id"] = f"{measure['endpoint'].lower()}{measure['time']}"
    if measure is None or (is_percent and measure["type"] not in ("proportion", "landmark_rate")):
        measure = {"type": "proportion"} if is_percent else {"type": "km_median", "endpoint": "OS"}
        todo = "say what this figure measures (measure type, numerator, endpoint)"
    if "adverse_event" in measure:
        measure = {**measure, "population": "SAFFL"}
    if arm and measure["type"] in ("km_median", "median_followup", "landmark_rate", "proportion"):
        measure = {**measure, "arm": arm}
        claim["id"] = f"{claim['id']}_{_slug(arm)}"
        todo = todo or ARM_TODO
    claim["measure"] = measure
    if measure["type"] == "proportion" and "response" not in measure and "adverse_event" not in measure:
        todo = todo or "say what the numerator counts (response or adverse_event)"
    if todo:
        claim["todo"] = todo
    return claim


ARM_TODO = "check the arm name against the arm variable (arms.variable, TRT01P by default)"
COMPARISON_TODO = "give arms.reference (the control arm) and arms.strata if randomisation was stratified"
_ENDPOINTS = ((r"progression[- ]free|\bPFS\b", "PFS"), (r"overall survival|\bOS\b", "OS"),
              (r"duration of response|\bDOR\b", "DOR"), (r"time to response|\bTTR\b", "TTR"))


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")[:20]


def _nr(value: str) -> str:
    """A printed value, with every not-reached spelling written NR."""
    return "NR" if re.fullmatch(NR, value, flags=re.IGNORECASE) else value


def _endpoint(sentence: str) -> str:
    """The endpoint named last in a sentence (OS when none is)."""
    found = [(m.start(), name) for pattern, name in _ENDPOINTS
             for m in re.finditer(pattern, sentence, flags=re.IGNORECASE)]
    return max(found)[1] if found else "OS"


def _landmark(sentence: str, measure: dict) -> dict | None:
    """A percentage of a time-to-event endpoint at a landmark ("12-month OS 52.3%") is a KM estimate."""
    found = list(_LANDMARK.finditer(sentence))
    if not found:
        return None
    last = found[-1]
    unit = (last.group("unit") or last.group("unit2")).lower() + "s"
    return {"type": "landmark_rate", "endpoint": measure["endpoint"], "time": int(last.group("t") or last.group("t2")),
            "unit": unit}


def _comparison(hit: _Hit, claim_id: str | None, measure: dict | None) -> dict:
    """A hazard ratio (with CI and p) or a p-value comparing the arms."""
    g = hit.match.groupdict()
    sentence = hit.match.string[hit.sentence_start:hit.match.end()]
    endpoint = _endpoint(sentence)
    relation = {"=": "", "≤": "<="}.get(g.get("prel") or "", g.get("prel") or "")
    p = relation + g["p"] if g.get("p") else None
    if hit.kind == "hazard_ratio":
        claim = {"id": f"hr_{endpoint.lower()}", "text": g["est"], "ci": f"{g['lo']}-{g['hi']}",
                 "measure": {"type": "hazard_ratio", "endpoint": endpoint}}
        if p:
            claim["p"] = p
    else:
        claim = {"id": f"p_{endpoint.lower()}", "text": p, "measure": {"type": "p_value", "endpoint": endpoint}}
    if g.get("sided"):
        claim["method"] = {"sided": g["sided"][:3].lower()}
    claim["todo"] = COMPARISON_TODO
    return claim


def _unique(claims: list[dict]) -> list[dict]:
    seen: dict[str, int] = {}
    for claim in claims:
        base = claim["id"]
        seen[base] = seen.get(base, 0) + 1
        if seen[base] > 1:
            claim["id"] = f"{base}_{seen[base]}"
    return claims


def extract_claims(abstract: str) -> ClaimsFile:
    """A draft claims file of every figure found in an abstract."""
    text = _normalise(abstract)
    claims, previous_end, sentence, fallback = [], 0, -1, []
    for hit in _hits(text):
        if hit.sentence_start != sentence:
            sentence, previous_end = hit.sentence_start, hit.sentence_start
            fallback = _ordered_keywords(text[hit.sentence_start:hit.match.start()])
        claim_id, measure, todo = _classify(hit, text, previous_end, fallback)
        claim = _claim_from(hit, claim_id, measure, todo)
        previous_end = hit.match.end()
        if claim is not None:
            claims.append(claim)
    from audit.claims.model import parse_claims

    return parse_claims({"claims": _unique(claims)}, "<abstract>") if claims else ClaimsFile.model_construct(claims=[])


def _measure_dump(claim) -> dict:
    dumped = claim.measure.model_dump(mode="json", exclude_none=True)
    return {k: v for k, v in dumped.items() if v != []}


def dump_claims(claims: ClaimsFile, source: str | None = None) -> str:
    """The claims file as YAML, with a header saying it is a draft to review."""
    document = claims.model_dump(mode="json", exclude_none=True, exclude_defaults=True)
    document["claims"] = [
        {**c.model_dump(mode="json", exclude_none=True), "measure": _measure_dump(c)} for c in claims.claims
    ]
    header = ["# Claims drafted by `trial-audit claims extract`" + (f" from {source}" if source else "") + ".",
              "# Review every claim: measures were guessed from nearby words; a `todo` field says",
              "# what is left to fill in. Printed numbers are kept as text."]
    return "\n".join(header) + "\n" + yaml.safe_dump(document, sort_keys=False, allow_unicode=True)
