"""Expectation suites on the reference study: GX and the native engine agree, clean passes, damaged fails."""

from __future__ import annotations

import pytest

from audit.api import CheckRequest, run_check
from audit.expectations import PASSED, load_suites, run_suites
from audit.packs import expectations_dir
from audit.study import load_study


def _counts(outcomes):
    return [(o.rule_id, o.status, o.element_count, o.unexpected_count) for o in outcomes]


@pytest.fixture(scope="module")
def suites():
    return load_suites(expectations_dir())


@pytest.mark.parametrize("copy", ["clean", "damaged"])
def test_native_and_gx_agree_on_every_built_in_expectation(reference, suites, copy: str) -> None:
    study = load_study(getattr(reference, copy))
    assert _counts(run_suites(study, suites, engine="native")) == _counts(run_suites(study, suites, engine="gx"))


def test_clean_reference_study_meets_every_expectation(reference, suites) -> None:
    outcomes = run_suites(load_study(reference.clean), suites)
    assert {o.rule_id: o.status for o in outcomes if o.status != PASSED} == {}


def test_invalid_iso_date_defect_breaks_the_lb_date_pattern_expectation(reference) -> None:
    result = run_check(CheckRequest(snapshot=reference.damaged, select=["EXP-"])).result
    failed = {(r.rule_id, f.usubjid) for r in result.results for f in r.findings}
    invalid = next(d for d in reference.defects if d["kind"] == "invalid_iso_date")
    assert any(usubjid == invalid["usubjid"] for _, usubjid in failed)


def test_check_with_the_gx_engine_reports_what_the_native_engine_reports(reference) -> None:
    native = run_check(CheckRequest(snapshot=reference.damaged, select=["EXP-"])).result
    gx = run_check(CheckRequest(snapshot=reference.damaged, select=["EXP-"], engine="gx")).result
    assert [(r.rule_id, r.status, r.count) for r in native.results] == [
        (r.rule_id, r.status, r.count) for r in gx.results]
