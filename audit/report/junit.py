"""JUnit XML: one test case per rule, as GitLab and Jenkins read it.

A rule with findings at or above --fail-on is a failure (count and first
records in the body); findings below it are listed in system-out of a passing
case; a rule that could not run is an error; a not-applicable rule is skipped
with the reason.
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


def _case(suite: ET.Element, rule: RuleResult, options: ReportOptions, gate_on_new: bool) -> None:
    pack = "".join(ch for ch in rule.rule_id if ch.isalpha()).lower()
    name = _xml_text(f"{rule.rule_id} {rule.title}")
    case = ET.SubElement(suite, "testcase", classname=f"trial-audit.{pack}", name=name, time="0")
    if rule.status == NOT_APPLICABLE:
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


def render(result: AuditResult, options: ReportOptions) -> str:
    counts = result.status_counts()
    failures = sum(1 for r in result.results if r.status == FAILED
                   and r.gating_count(options.fail_on, new_only=result.baseline_used))
    suite = ET.Element("testsuite", name="trial-audit check", tests=str(len(result.results)),
                       failures=str(failures), errors=str(counts[ERROR]), skipped=str(counts[NOT_APPLICABLE]),
                       time="0")
    for rule in result.results:
        _case(suite, rule, options, result.baseline_used)
    root = ET.Element("testsuites", name="trial-audit", tests=suite.get("tests", "0"), failures=str(failures),
                      errors=suite.get("errors", "0"), skipped=suite.get("skipped", "0"))
    root.append(suite)
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"
