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
