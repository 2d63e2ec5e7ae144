"""The reference study through the RECIST pack: clean gives no finding, every injected RECIST defect is flagged."""

from __future__ import annotations

import polars as pl
import pytest
from rule_fixture_support import study_from_records

from audit.derive import DeriveContext
from audit.engine import load_rules, run_audit
from audit.findings import at_or_above
from audit.synth import generate_escc, inject_defects


@pytest.fixture(scope="module")
def clean() -> dict[str, pl.DataFrame]:
    return generate_escc()


@pytest.fixture(scope="module")
def damaged(clean: dict[str, pl.DataFrame]) -> tuple[dict[str, pl.DataFrame], list[dict]]:
    return inject_defects(clean)


def _study(datasets: dict[str, pl.DataFrame]):
    return study_from_records({name: frame.to_dicts() for name, frame in datasets.items()})


def _recist_findings(datasets: dict[str, pl.DataFrame]):
    return run_audit(_study(datasets), rules=load_rules(), select=["RECIST"]).findings


def test_clean_reference_study_has_no_recist_finding_at_minor_or_above(clean):
    assert [f for f in _recist_findings(clean) if at_or_above(f.severity, "minor")] == []


def test_derived_bor_reproduces_20_responders_and_37_with_disease_control(clean):
    bor = DeriveContext(_study(clean)).derived("recist.bor").collect()["BOR"]
    assert (bor.is_in(["CR", "PR"]).sum(), bor.is_in(["CR", "PR", "SD"]).sum()) == (20, 37)


def test_derived_abscopal_response_reproduces_17_responders_and_34_controlled(clean):
    abscopal = DeriveContext(_study(clean)).derived("recist.abscopal").collect()
    assert (abscopal["ABS_RESPONSE"].sum(), abscopal["ABS_CONTROL"].sum()) == (17, 34)


def test_every_injected_recist_defect_is_flagged_by_the_rule_the_manifest_names(damaged):
    datasets, manifest = damaged
    flagged = {(f.rule_id, f.usubjid) for f in _recist_findings(datasets)}
    expected = {(rule, d["usubjid"]) for d in manifest for rule in d["expected_rules"] if rule.startswith("RECIST")}
    assert expected, "the manifest names no RECIST defect"
    assert sorted(expected - flagged) == []


def test_recist_findings_on_the_damaged_copy_touch_only_damaged_subjects(damaged):
    datasets, manifest = damaged
    touched = {d["usubjid"] for d in manifest}
    assert sorted({f.usubjid for f in _recist_findings(datasets)} - touched) == []
