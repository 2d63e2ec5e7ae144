"""Golden outputs of the console, JSON and JUnit writers on one small audit (UPDATE_GOLDEN=1 rewrites them)."""

from __future__ import annotations

import os
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from check_support import AE, DM, TS
from rule_fixture_support import study_from_records

from audit.engine import run_audit
from audit.report import ReportOptions, formats, render

GOLDEN = Path(__file__).parent / "golden"


def _result():
    study = study_from_records({"DM": DM, "AE": AE, "TS": TS}, cutoff=date(2020, 6, 30))
    result = run_audit(study, select=["DATE"], today=date(2025, 1, 1))
    return replace(result, trail=replace(result.trail, run_at="2025-01-01T00:00:00+00:00", duration_s=0.0,
                                         rule_files=(("dates.yaml", "<sha256>"),)))


@pytest.mark.parametrize(("name", "suffix"), [("console", "txt"), ("json", "json"), ("junit", "xml")])
def test_writer_output_matches_golden(name: str, suffix: str) -> None:
    text = render(_result(), name, ReportOptions(width=110))
    golden = GOLDEN / f"dates-small.{name}.{suffix}"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")


def test_every_core_format_is_registered() -> None:
    assert {"console", "json", "junit"} <= set(formats())


def test_junit_stays_valid_xml_when_data_hold_control_characters() -> None:
    from xml.etree import ElementTree as ET

    ae = [{**AE[0], "AESTDTC": "2020-02-10\x01\x1b", "USUBJID": "S1"}, *AE[1:]]
    study = study_from_records({"DM": DM, "AE": ae, "TS": TS}, cutoff=date(2020, 6, 30))
    text = render(run_audit(study, select=["DATE001"], today=date(2025, 1, 1)), "junit", ReportOptions())
    failure = ET.fromstring(text.split("\n", 1)[1]).find(".//failure")
    assert failure is not None and "2020-02-10\\x01\\x1b" in (failure.text or "")
