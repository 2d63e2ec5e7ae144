"""The Excel listing, read back cell by cell as a data manager would see it."""

from __future__ import annotations

import openpyxl
import pytest

from audit.report.xlsx import RuleDescription, write_xlsx
from tests.report_support import SITES, audit_result

RULES = {"DATE003": RuleDescription("DATE003", "dates", "AE ends before it starts",
                                    "An event cannot end before it starts.", "dates.md, chronology")}


@pytest.fixture
def workbook(tmp_path):
    path = tmp_path / "findings.xlsx"
    write_xlsx(audit_result(), path, rules=RULES, sites=SITES)
    return openpyxl.load_workbook(path)


@pytest.fixture
def compared_workbook(tmp_path):
    path = tmp_path / "compared.xlsx"
    write_xlsx(audit_result(compared=True), path, rules=RULES, sites=SITES)
    return openpyxl.load_workbook(path)


def _values(sheet):
    return [[c.value for c in row] for row in sheet.iter_rows()]


def test_sheets_are_summary_one_per_severity_not_checked_and_rules(workbook):
    assert workbook.sheetnames == ["Summary", "critical", "major", "minor", "info", "Not checked", "Rules"]


def test_not_checked_sheet_says_what_could_not_run_and_whether_it_fails_the_run(tmp_path):
    from dataclasses import replace

    import openpyxl

    path = tmp_path / "strict.xlsx"
    write_xlsx(replace(audit_result(), missing_required=("TR",)), path, rules=RULES, sites=SITES)
    rows = _values(openpyxl.load_workbook(path)["Not checked"])
    assert rows[0] == ["Rule", "Status", "Fails the run", "Why", "Source"]
    assert rows[1] == ["required:TR", "required data absent", "yes", "required dataset TR is not in the snapshot",
                       "study.required_datasets"]


def test_each_finding_is_one_row_pinned_to_site_subject_and_record(workbook):
    rows = _values(workbook["major"])
    assert rows[0] == ["Site", "USUBJID", "Dataset", "Record key", "Variables", "Values", "Rule", "Title", "Message"]
    assert rows[1] == ["01", "ESCC-01-001", "AE", "AESEQ=3", "AESTDTC; AEENDTC; AETERM",
                       "2020-03-05; 2020-03-01; <script>alert(1)</script>", "DATE003", "AE ends before it starts",
                       "AE ends before it starts"]
    assert rows[2][:4] == ["02", "ESCC-02-007", "AE", "AESEQ=1"]
    assert len(rows) == 3


def test_formula_like_value_is_stored_as_text(workbook):
    cell = workbook["major"]["F3"]
    assert cell.data_type == "s"
    assert cell.value.endswith('=HYPERLINK("http://x")')


def test_header_is_frozen_and_filterable_with_widths(workbook):
    sheet = workbook["critical"]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:I2"
    assert sheet.column_dimensions["I"].width > sheet.column_dimensions["C"].width


def test_severity_without_findings_has_header_only(workbook):
    assert len(_values(workbook["minor"])) == 1


def test_rules_sheet_describes_every_rule_with_status_and_reason(workbook):
    rows = {r[0]: r for r in _values(workbook["Rules"])[1:]}
    assert set(rows) == {"CTCAE003", "DATE003", "RECIST001"}
    assert rows["DATE003"][1:8] == ["dates", "AE ends before it starts", "major", "failed", 2, "AE",
                                    "An event cannot end before it starts."]
    assert rows["RECIST001"][4] == "not applicable"
    assert rows["RECIST001"][9] == "TU is not in the snapshot"
    assert rows["CTCAE003"][1] == "CTCAE"


def test_summary_counts_findings_by_pack_and_severity(workbook):
    rows = _values(workbook["Summary"])
    header = next(i for i, r in enumerate(rows) if r[0] == "Findings by rule pack")
    assert rows[header][:6] == ["Findings by rule pack", "critical", "major", "minor", "info", "total"]
    assert rows[header + 1][:6] == ["CTCAE", 1, 0, 0, 0, 1]
    assert rows[header + 2][:6] == ["DATE", 0, 2, 0, 0, 2]
    assert rows[header + 3][:6] == ["RECIST", 0, 0, 0, 0, 0]


def test_summary_carries_the_audit_trail(workbook):
    facts = {r[0]: r[1] for r in _values(workbook["Summary"]) if r[0]}
    assert facts["tool version"] == "0.1.0"
    assert facts["data cut-off"] == "2021-06-30 (TS DCUTDTC)"


def test_compared_listing_marks_new_and_persisting_and_lists_resolved(compared_workbook):
    major = _values(compared_workbook["major"])
    assert major[0][-1] == "Since previous"
    assert [r[-1] for r in major[1:]] == ["new", "persisting"]
    resolved = _values(compared_workbook["resolved"])
    assert resolved[1] == ["", "ESCC-03-001", "DM", "DM USUBJID=ESCC-03-001", "DATE004", "0123456789abcdef"]
    facts = {r[0]: r[1] for r in _values(compared_workbook["Summary"]) if r[0]}
    assert (facts["findings new"], facts["findings persisting"], facts["findings resolved"]) == ("1", "2", "1")


def test_same_result_gives_identical_bytes(tmp_path):
    first, second = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    write_xlsx(audit_result(), first, rules=RULES, sites=SITES)
    write_xlsx(audit_result(), second, rules=RULES, sites=SITES)
    assert first.read_bytes() == second.read_bytes()
