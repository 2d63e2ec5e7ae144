"""Every rule's fixture cases (tests/fixtures/rules/<ID>.yaml), one generated test per case.

Run one rule's cases with `pytest -k DATE003`. The format is described in
tests/fixtures/rules/README.md.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from rule_fixture_support import study_from_records

from audit.engine import load_rules, run_audit
from audit.findings import FAILED, PASSED

FIXTURES = Path(__file__).parent / "fixtures" / "rules"
RULES = load_rules()
FIXED_TODAY = date(2025, 1, 1)  # '@today' in fixtures, so a case never ages


def _fixture_files() -> list[Path]:
    return sorted(FIXTURES.glob("*.yaml"))


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _cases() -> list[Any]:
    params = []
    for path in _fixture_files():
        fixture = yaml.safe_load(path.read_text(encoding="utf-8"))
        for case in fixture.get("cases", []):
            params.append(pytest.param(fixture, case, id=f"{fixture['rule']}-{_slug(case['name'])}"))
    return params


def _matches(finding: Any, expected: dict[str, Any]) -> bool:
    facts = {"USUBJID": finding.usubjid, "dataset": finding.dataset, "severity": finding.severity,
             finding.key_name: finding.key_value}
    return all(k in facts and str(facts[k]) == str(v) for k, v in expected.items())


@pytest.mark.parametrize(("fixture", "case"), _cases())
def test_rule_case(fixture: dict[str, Any], case: dict[str, Any]) -> None:
    cutoff = case["cutoff"] if "cutoff" in case else fixture.get("cutoff")
    study = study_from_records(case["datasets"], cutoff=cutoff)
    settings = case.get("settings", fixture.get("settings"))
    result = run_audit(study, rules=RULES, select=[fixture["rule"]], settings=settings, today=FIXED_TODAY)
    outcome = result.result(fixture["rule"])
    flags = case.get("flags", [])
    assert outcome.status == case.get("status", FAILED if flags else PASSED), outcome.reason
    unmatched = [f for f in flags if not any(_matches(found, f) for found in outcome.findings)]
    unexpected = [found.record + f" ({found.usubjid}, {found.severity})" for found in outcome.findings
                  if not any(_matches(found, f) for f in flags)]
    assert not unmatched, f"not flagged: {unmatched}"
    assert not unexpected, f"flagged but not expected: {unexpected}"
    if "reason" in case:
        assert case["reason"] in (outcome.reason or "")


def test_every_rule_has_a_passing_and_a_failing_case() -> None:
    covered: dict[str, set[str]] = {}
    for path in _fixture_files():
        fixture = yaml.safe_load(path.read_text(encoding="utf-8"))
        for case in fixture.get("cases", []):
            covered.setdefault(fixture["rule"], set()).add("fail" if case.get("flags") else "pass")
    lacking = [r for r in RULES.ids() if covered.get(r, set()) != {"fail", "pass"}]
    assert not lacking, f"rules without both a passing and a failing fixture case: {lacking}"


def test_every_fixture_names_a_known_rule_and_its_own_file() -> None:
    for path in _fixture_files():
        fixture = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert fixture.get("rule") in RULES.ids(), f"{path.name} names unknown rule {fixture.get('rule')!r}"
        assert path.stem == fixture["rule"], f"{path.name} holds the cases of {fixture['rule']}"
