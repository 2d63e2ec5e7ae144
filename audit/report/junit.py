"""JUnit XML writers (check, diff, verify), as GitLab and Jenkins read them.

check: one test case per rule. A rule with findings at or above --fail-on is
a failure (count and first records in the body); findings below it are
listed in system-out of a passing case; a rule that could not run is an
error; a not-applicable rule is skipped with the reason (a failure in strict
mode). One more case, "not checked", lists everything the run could not
check and fails when any of it fails the run, so a CI server shows the gate
as the exit code decides it.
"""

from __future__ import annotations

import re
from xml.etree import ElementTree as ET

from audit.findings import ERROR, FAILED, NOT_APPLICABLE, AuditResult, RuleResult
from audit.report import ReportOptions

# Characters XML 1.0 cannot hold at all, even escaped (section 2.2): C0 controls but tab, LF and CR,
# lone surrogates and U+FFFE/U+FFFF. Data values may carry them; a CI server must still parse the file.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _code_point(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def _xml_text(text: str) -> str:
    """The text with each character XML cannot hold written as its code point (\\x01)."""
    return _NOT_XML.sub(_code_point, text)


def _listing(rule: RuleResult, options: ReportOptions) -> str:
    shown = rule.findings[: options.records_per_rule]
    lines = [f"{rule.count} finding(s); first {len(shown)}:"]
    lines += [f"  {f.severity:<8} {f.usubjid or '-'} {f.record}: {f.message}" for f in shown]
    return _xml_text("\n".join(lines))


def _case(suite: ET.Element, rule: RuleResult, options: ReportOptions, gate_on_new: bool, strict: bool) -> None:
    pack = "".join(ch for ch in rule.rule_id if ch.isalpha()).lower()
    name = _xml_text(f"{rule.rule_id} {rule.title}")
    case = ET.SubElement(suite, "testcase", classname=f"trial-audit.{pack}", name=name, time="0")
    if rule.status == NOT_APPLICABLE and strict:
        ET.SubElement(case, "failure", message=_xml_text(f"not applicable (strict): {rule.reason}"),
                      type="not checked")
    elif rule.status == NOT_APPLICABLE:
        ET.SubElement(case, "skipped", message=_xml_text(f"not applicable: {rule.reason}"))
    elif rule.status == ERROR:
        ET.SubElement(case, "error", message=_xml_text(rule.reason or "execution error"), type="execution error")
    elif rule.status == FAILED:
        gating = rule.gating_count(options.fail_on, new_only=gate_on_new)
        if gating:
            failure = ET.SubElement(case, "failure", message=f"{gating} finding(s) at or above {options.fail_on}",
                                    type=rule.severity)
            failure.text = _listing(rule, options)
        else:
            ET.SubElement(case, "system-out").text = _listing(rule, options)


def _not_checked_case(suite: ET.Element, result: AuditResult) -> bool:
    """The one case listing what was not checked; True when it fails (some of it fails the run)."""
    entries = result.not_checked
    case = ET.SubElement(suite, "testcase", classname="trial-audit.gate", name="not checked", time="0")
    listing = _xml_text("\n".join(f"{'FAILS ' if n.fails_gate else ''}{n.rule_id} {n.status}: {n.reason}"
                                  for n in entries)) or "every selected rule ran"
    failing = sum(n.fails_gate for n in entries)
    if failing:
        failure = ET.SubElement(case, "failure", message=f"{failing} of {len(entries)} not checked fail the run",
                                type="not checked")
        failure.text = listing
    else:
        ET.SubElement(case, "system-out").text = listing
    return bool(failing)


def _suite(name: str) -> ET.Element:
    """A testsuite whose counts are filled in once its cases are written (attribute order kept)."""
    return ET.Element("testsuite", name=name, tests="0", failures="0", errors="0", skipped="0", time="0")


def _document(suite: ET.Element) -> str:
    root = ET.Element("testsuites", name="trial-audit", tests=suite.get("tests", "0"),
                      failures=suite.get("failures", "0"), errors=suite.get("errors", "0"),
                      skipped=suite.get("skipped", "0"))
    root.append(suite)
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


def render(result: AuditResult, options: ReportOptions) -> str:
    """`check --format junit`."""
    counts = result.status_counts()
    strict_failures = counts[NOT_APPLICABLE] if result.strict else 0
    failures = strict_failures + sum(1 for r in result.results if r.status == FAILED
                                     and r.gating_count(options.fail_on, new_only=result.baseline_used))
    suite = _suite("trial-audit check")
    for rule in result.results:
        _case(suite, rule, options, result.baseline_used, result.strict)
    failures += _not_checked_case(suite, result)
    suite.attrib.update(tests=str(len(result.results) + 1), failures=str(failures), errors=str(counts[ERROR]),
                        skipped=str(counts[NOT_APPLICABLE] - strict_failures))
    return _document(suite)


def _finding_case(suite: ET.Element, classname: str, name: str) -> ET.Element:
    return ET.SubElement(suite, "testcase", classname=_xml_text(classname), name=_xml_text(name))


def render_diff(result: AuditResult, options: ReportOptions) -> str:
    """`diff --format junit`: one case per finding (new ones fail), per resolved finding, and not checked."""
    new = [f for f in result.findings if f.new]
    suite = _suite("trial-audit diff")
    for f in result.findings:
        case = _finding_case(suite, f"{f.rule_id}.{f.dataset}", f"{f.usubjid or ''} {f.record} [{f.fingerprint}]")
        if f.new:
            ET.SubElement(case, "failure", message=_xml_text(f"new: {f.message}"), type=f.severity)
    for r in result.resolved:
        case = _finding_case(suite, f"{r.rule_id}.{r.dataset}", f"{r.usubjid or ''} {r.record} [{r.fingerprint}]")
        ET.SubElement(case, "system-out").text = "resolved"
    failures = len(new) + _not_checked_case(suite, result)
    suite.attrib.update(tests=str(len(result.findings) + len(result.resolved) + 1), failures=str(failures),
                        errors="0", skipped="0")
    return _document(suite)


def render_verification(result, options: ReportOptions) -> str:
    """`verify --format junit`: one case per claim; not reproduced is a failure, cannot be checked is skipped."""
    from audit.claims.render import method_lines

    skipped = sum(v.verdict == "not_applicable" for v in result.verdicts)
    suite = ET.Element("testsuite", name="trial-audit verify", tests=str(len(result.verdicts)),
                       failures=str(len(result.failed)), errors="0", skipped=str(skipped))
    for v in result.verdicts:
        case = _finding_case(suite, f"claims.{v.measure}", v.claim_id)
        if v.verdict == "not_reproduced":
            failure = ET.SubElement(case, "failure", message=_xml_text(v.summary()))
            failure.text = _xml_text("\n".join(method_lines(v)))
        elif v.verdict == "not_applicable":
            ET.SubElement(case, "skipped", message=_xml_text(v.reason or ""))
        else:
            ET.SubElement(case, "system-out").text = _xml_text("\n".join([v.summary(), *v.warnings]))
    if options.notes:
        ET.SubElement(suite, "system-out").text = _xml_text("\n".join(f"note: {n}" for n in options.notes))
    ET.indent(suite)
    return ET.tostring(suite, encoding="unicode", xml_declaration=True) + "\n"
