"""Golden outputs of every writer of the registry: check, diff and verify in each format (UPDATE_GOLDEN=1 rewrites).

The xlsx workbooks are compared as their cells, sheet by sheet, written out as text.
"""

from __future__ import annotations

import io
import os
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from check_support import AE, DM, TS
from report_support import verification_result
from rule_fixture_support import study_from_records

from audit.diff import compare_results
from audit.engine import run_audit
from audit.report import CHECK, DIFF, VERIFY, ReportOptions, formats, render

GOLDEN = Path(__file__).parent / "golden"
SUFFIX = {"console": "txt", "json": "json", "junit": "xml", "html": "html", "xlsx": "txt"}  # xlsx: its cells as text


def _result():
    study = study_from_records({"DM": DM, "AE": AE, "TS": TS}, cutoff=date(2020, 6, 30))
    result = run_audit(study, select=["DATE"], today=date(2025, 1, 1))
    return replace(result, trail=replace(result.trail, run_at="2025-01-01T00:00:00+00:00", duration_s=0.0,
                                         rule_files=(("rules/dates.yaml", "<sha256>"),), tool_version="0.0.0",
                                         snapshot="/data/snapshot"))


def _strict_result():
    """The same audit in strict mode with a required dataset absent: what was not checked fails the run."""
    return replace(_result(), strict=True, missing_required=("TR",))


def _compared():
    """The audit compared with an earlier run that lacked one of its findings."""
    new = _result()
    dropped = new.findings[0].fingerprint
    old = replace(new, results=tuple(replace(r, findings=tuple(f for f in r.findings if f.fingerprint != dropped))
                                     for r in new.results))
    return compare_results(old, new, gate_on_new=True)


def _verification():
    return verification_result("<b>bold</b>")


def _as_text(report: str | bytes) -> str:
    """A workbook's cells as text, sheet by sheet; any other report as it is."""
    if isinstance(report, str):
        return report
    import openpyxl

    workbook = openpyxl.load_workbook(io.BytesIO(report))
    lines = []
    for sheet in workbook.worksheets:
        lines.append(f"== {sheet.title}")
        lines += ["\t".join("" if v is None else str(v) for v in row) for row in sheet.iter_rows(values_only=True)]
    return "\n".join(lines) + "\n"


def _matches_golden(report: str | bytes, name: str) -> None:
    text = _as_text(report)
    golden = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")


@pytest.mark.parametrize("name", formats(CHECK))
def test_check_writer_matches_golden(name: str) -> None:
    _matches_golden(render(_result(), name, ReportOptions(width=110)), f"dates-small.{name}.{SUFFIX[name]}")


@pytest.mark.parametrize("name", formats(CHECK))
def test_check_writer_shows_what_was_not_checked_failing_the_run(name: str) -> None:
    report = render(_strict_result(), name, ReportOptions(width=110))
    _matches_golden(report, f"dates-strict.{name}.{SUFFIX[name]}")
    assert "required dataset TR is not in the snapshot" in _as_text(report)


@pytest.mark.parametrize("name", formats(DIFF))
def test_diff_writer_matches_golden(name: str) -> None:
    _matches_golden(render(_compared(), name, ReportOptions(fail_on="minor"), DIFF), f"diff.{name}.{SUFFIX[name]}")


@pytest.mark.parametrize("name", formats(VERIFY))
def test_verify_writer_matches_golden_and_keeps_the_loading_notes(name: str) -> None:
    options = ReportOptions(width=110, notes=("read ts.xpt as cp1252 (not valid UTF-8)",))
    report = render(_verification(), name, options, VERIFY)
    _matches_golden(report, f"verify.{name}.{SUFFIX[name]}")
    assert "read ts.xpt as cp1252" in _as_text(report)


def test_every_command_has_the_five_formats_verify_but_xlsx() -> None:
    assert formats(CHECK) == formats(DIFF) == ["console", "html", "json", "junit", "xlsx"]
    assert formats(VERIFY) == ["console", "html", "json", "junit"]


def test_junit_stays_valid_xml_when_data_hold_control_characters() -> None:
    from xml.etree import ElementTree as ET

    ae = [{**AE[0], "AESTDTC": "2020-02-10\x01\x1b", "USUBJID": "S1"}, *AE[1:]]
    study = study_from_records({"DM": DM, "AE": ae, "TS": TS}, cutoff=date(2020, 6, 30))
    text = render(run_audit(study, select=["DATE001"], today=date(2025, 1, 1)), "junit", ReportOptions())
    failure = ET.fromstring(text.split("\n", 1)[1]).find(".//failure")
    assert failure is not None and "2020-02-10\\x01\\x1b" in (failure.text or "")
