"""Shared helpers for the report tests: an HTML outline parser and small result values."""

from __future__ import annotations

from html.parser import HTMLParser

import numpy as np

from audit.claims.curves import PublishedMedian, km_curve
from audit.claims.results import ClaimVerdict, MethodResult, VerificationResult
from audit.report.plots import Figure, km_svg


class Outline(HTMLParser):
    """Collects tags, their attributes, text, and the text inside each <script>."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.scripts: list[str] = []
        self._in_script = False
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        (self.scripts if self._in_script else self.text).append(data)

    def ids(self) -> set[str]:
        return {a["id"] for _, a in self.tags if a.get("id")}

    def count(self, tag: str) -> int:
        return sum(t == tag for t, _ in self.tags)

    def remote_references(self) -> list[str]:
        """Every src/href/xlink:href that would load something over the network."""
        keys = ("src", "href", "xlink:href", "data")
        return [a[k] for _, a in self.tags for k in keys
                if a.get(k) and a[k].lower().lstrip().startswith(("http:", "https:", "//"))]

    def rows(self, table_id: str) -> int:
        """Body rows of one table, counted by the <tr> tags after its <tbody>."""
        inside, body, rows = False, False, 0
        for tag, attrs in self.tags:
            if tag == "table":
                inside, body = attrs.get("id") == table_id, False
            elif inside and tag == "tbody":
                body = True
            elif inside and body and tag == "tr":
                rows += 1
        return rows


def survival_curve():
    rng = np.random.default_rng(7)
    return km_curve("PFS", rng.exponential(200, 60).round(), (rng.random(60) < 0.8).astype(int))


def verification_result(hostile: str = "<script>alert(1)</script>") -> VerificationResult:
    method = MethodResult({"median": "r_sas"}, "R/SAS median", ("6.9", "4.6", "9.3"), ("6.9", "4.6", "9.3"),
                          (True, True, True), 0.0)
    verdicts = (
        ClaimVerdict("pfs", "6.9 (95% CI 4.6-9.3)", "km_median", "reproduced", method, "declared", (method,)),
        ClaimVerdict("orr", hostile, "proportion", "not_applicable", None, "conventional", reason=hostile),
    )
    return VerificationResult("snapshot", "claims.yaml", verdicts)


def km_figure() -> Figure:
    svg = km_svg(survival_curve(), PublishedMedian("6.9 (4.6-9.3)", 6.9, (4.6, 9.3)))
    return Figure("km-pfs", "PFS", svg)


def finding(rule_id: str, severity: str, usubjid: str, seq: int, variables: tuple[str, ...],
            values: tuple[str | None, ...], message: str, new: bool | None = None):
    from audit.findings import Finding, fingerprint_of, fingerprint_text

    dataset = {"DATE": "AE", "CTCAE": "AE", "RECIST": "TR"}[rule_id.rstrip("0123456789")]
    key_name = f"{dataset}SEQ"
    text = fingerprint_text(rule_id, dataset, usubjid, key_name, str(seq), variables, values)
    return Finding(rule_id, severity, dataset, usubjid, key_name, str(seq), variables, values, message,
                   fingerprint_of(text), new)


def audit_result(hostile: str = "<script>alert(1)</script>", compared: bool = False):
    """Three rules: DATE003 fails twice (one hostile AETERM), CTCAE003 once, RECIST001 not applicable."""
    from audit.findings import AuditResult, AuditTrail, InputFile, ResolvedFinding, RuleResult

    new = (lambda flag: flag) if compared else (lambda flag: None)
    date003 = (
        finding("DATE003", "major", "ESCC-01-001", 3, ("AESTDTC", "AEENDTC", "AETERM"),
                ("2020-03-05", "2020-03-01", hostile), "AE ends before it starts", new(True)),
        finding("DATE003", "major", "ESCC-02-007", 1, ("AESTDTC", "AEENDTC", "AETERM"),
                ("2020-05-02", "2020-04-30", "=HYPERLINK(\"http://x\")"), "AE ends before it starts", new(False)),
    )
    ctcae003 = (finding("CTCAE003", "critical", "ESCC-01-002", 4, ("AETOXGR", "AEOUT"), ("5", "RECOVERED"),
                        "grade 5 without AEOUT FATAL", new(False)),)
    results = (
        RuleResult("CTCAE003", "Grade 5 without AEOUT FATAL", "critical", "failed", ("AE",), 1, ctcae003,
                   severity_counts=(("critical", 1),)),
        RuleResult("DATE003", "AE ends before it starts", "major", "failed", ("AE",), 2, date003,
                   severity_counts=(("major", 2),)),
        RuleResult("RECIST001", "More than 5 target lesions at baseline", "major", "not applicable", ("TU",),
                   reason="TU is not in the snapshot"),
    )
    trail = AuditTrail("0.1.0", "/data/snap", (("dates.yaml", "ab" * 32),),
                       (InputFile("AE", "/data/snap/ae.csv", "cd" * 32, 40),), "2021-06-30", "TS DCUTDTC",
                       run_at="2021-07-01T10:00:00+00:00", duration_s=0.5)
    resolved = (ResolvedFinding("0123456789abcdef", "DATE004", "DM", "ESCC-03-001", "DM USUBJID=ESCC-03-001"),)
    return AuditResult(results, trail, baseline_used=False, resolved=resolved if compared else ())


SITES = {"ESCC-01-001": "01", "ESCC-01-002": "01", "ESCC-02-007": "02"}
