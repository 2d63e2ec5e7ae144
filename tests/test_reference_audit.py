"""The audit on the reference study: clean gives nothing, every injected defect is found by its rule."""

from __future__ import annotations

import pytest

from audit.api import CheckRequest, run_check
from audit.findings import at_or_above

PACKS = ("DATE", "CTCAE", "RECIST")


@pytest.fixture(scope="module")
def clean_result(reference):
    return run_check(CheckRequest(snapshot=reference.clean)).result


@pytest.fixture(scope="module")
def damaged_result(reference):
    return run_check(CheckRequest(snapshot=reference.damaged)).result


def flagged(result, defect: dict) -> set[str]:
    """Rules of the defect's manifest entry that report its subject (one subject per defect)."""
    rules = set(defect["expected_rules"])
    return {f.rule_id for f in result.findings if f.rule_id in rules and f.usubjid == defect["usubjid"]}


def pinned(result, defect: dict) -> bool:
    """A finding of the defect's rules points at the damaged record, or at the record of another dataset
    that the damage contradicts (lab values lowered under an AE: the AE is what gets queried)."""
    key = defect.get("record_key")
    return any(f.usubjid == defect["usubjid"] and f.rule_id in defect["expected_rules"]
               and (key is None or f.dataset != defect["dataset"] or str(f.key_value) == str(key))
               for f in result.findings)


@pytest.mark.parametrize("pack", PACKS)
def test_clean_reference_study_has_no_finding_at_minor_or_above(clean_result, pack: str) -> None:
    found = [(f.rule_id, f.usubjid, f.record) for f in clean_result.findings
             if f.rule_id.startswith(pack) and at_or_above(f.severity, "minor")]
    assert found == []


def test_clean_reference_study_passes_every_expectation(clean_result) -> None:
    failed = [r.rule_id for r in clean_result.results if r.rule_id.startswith("EXP-") and r.count]
    assert failed == []


@pytest.mark.parametrize("pack", PACKS)
def test_every_injected_defect_is_flagged_by_the_rule_its_manifest_names(reference, damaged_result,
                                                                         pack: str) -> None:
    defects = reference.defects_for(pack)
    assert defects, f"the manifest has no {pack} defect"
    missed = {d["id"]: sorted({r for r in d["expected_rules"] if r.startswith(pack)} - flagged(damaged_result, d))
              for d in defects}
    assert {k: v for k, v in missed.items() if v} == {}


@pytest.mark.parametrize("pack", PACKS)
def test_damaged_copy_has_nothing_else_at_major_or_above(reference, damaged_result, pack: str) -> None:
    expected = {(d["usubjid"], r) for d in reference.defects for r in d["expected_rules"]}
    unexpected = sorted({(f.rule_id, f.usubjid, f.record) for f in damaged_result.findings
                         if f.rule_id.startswith(pack) and at_or_above(f.severity, "major")
                         and (f.usubjid, f.rule_id) not in expected})
    assert unexpected == []


def test_every_injected_defect_is_pinned_to_its_record(reference, damaged_result) -> None:
    assert [d["id"] for d in reference.defects if not pinned(damaged_result, d)] == []
