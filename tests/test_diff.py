"""Comparing two audits by fingerprint: what is new, what persists, what was resolved."""

from __future__ import annotations

import json
from dataclasses import asdict, replace

import pytest

from audit.diff import changes_of, compare_results, read_report
from audit.errors import AuditInputError
from audit.findings import NOT_APPLICABLE
from tests.report_support import audit_result, finding


def _without(result, rule_id):
    """The same run with one rule's findings gone (the rule still ran and passed)."""
    results = tuple(replace(r, status="passed", count=0, findings=(), severity_counts=())
                    if r.rule_id == rule_id else r for r in result.results)
    return replace(result, results=results)


def test_identical_runs_have_nothing_new_or_resolved():
    compared = compare_results(audit_result(), audit_result())
    changes = changes_of(compared)
    assert changes.new == () and changes.resolved == ()
    assert len(changes.persisting) == 3


def test_finding_absent_before_is_new():
    old = _without(audit_result(), "CTCAE003")
    changes = changes_of(compare_results(old, audit_result()))
    assert changes.new == (audit_result().result("CTCAE003").findings[0].fingerprint,)


def test_finding_gone_from_a_rule_that_ran_is_resolved():
    compared = compare_results(audit_result(), _without(audit_result(), "DATE003"))
    resolved = compared.resolved
    assert sorted(r.usubjid for r in resolved) == ["ESCC-01-001", "ESCC-02-007"]
    assert {r.rule_id for r in resolved} == {"DATE003"}


def test_finding_of_a_rule_that_could_not_run_is_not_resolved():
    new = audit_result()
    new = replace(new, results=tuple(replace(r, status=NOT_APPLICABLE, findings=(), count=0)
                                     if r.rule_id == "DATE003" else r for r in new.results))
    assert compare_results(audit_result(), new).resolved == ()


def test_changed_value_on_the_same_record_is_new_and_old_is_resolved():
    old = audit_result()
    changed = finding("CTCAE003", "critical", "ESCC-01-002", 4, ("AETOXGR", "AEOUT"), ("5", "NOT RECOVERED"),
                      "grade 5 without AEOUT FATAL")
    new = replace(old, results=tuple(replace(r, findings=(changed,)) if r.rule_id == "CTCAE003" else r
                                     for r in old.results))
    compared = compare_results(old, new)
    assert changes_of(compared).new == (changed.fingerprint,)
    assert [r.rule_id for r in compared.resolved] == ["CTCAE003"]


def test_comparison_informs_without_changing_the_gate_unless_asked():
    old = _without(audit_result(), "CTCAE003")
    assert compare_results(old, audit_result()).gating_count("minor") == 3
    assert compare_results(old, audit_result(), gate_on_new=True).gating_count("minor") == 1


def test_json_report_reads_back_to_the_same_findings(tmp_path):
    path = tmp_path / "report.json"
    path.write_text(json.dumps(asdict(audit_result())))
    again = read_report(path)
    assert again.findings == audit_result().findings
    assert again.trail == audit_result().trail


def test_file_that_is_not_a_report_names_the_file(tmp_path):
    path = tmp_path / "other.json"
    path.write_text('{"claims": []}')
    with pytest.raises(AuditInputError, match="not a trial-audit JSON report") as error:
        read_report(path)
    assert "other.json" in error.value.render()


def _reports(tmp_path, old, new):
    old_path, new_path = tmp_path / "old.json", tmp_path / "new.json"
    old_path.write_text(json.dumps(asdict(old)))
    new_path.write_text(json.dumps(asdict(new)))
    return str(old_path), str(new_path)


def _cli(*args):
    from typer.testing import CliRunner

    import audit.cli  # noqa: F401  (registers the commands)
    from audit.cli.app import app

    return CliRunner().invoke(app, ["diff", *args])


def test_diff_command_lists_the_new_finding_and_exits_1(tmp_path):
    old, new = _reports(tmp_path, _without(audit_result(), "CTCAE003"), audit_result())
    run = _cli(old, new)
    assert run.exit_code == 1
    assert run.stdout.splitlines()[0] == "1 new, 2 persisting, 0 resolved"
    assert "CTCAE003" in run.stdout and "ESCC-01-002" in run.stdout


def test_diff_of_identical_reports_is_clean(tmp_path):
    old, new = _reports(tmp_path, audit_result(), audit_result())
    run = _cli(old, new, "--format", "json")
    assert run.exit_code == 0
    changes = json.loads(run.stdout)["changes"]
    assert changes["new"] == [] and changes["resolved"] == []


def test_diff_junit_fails_one_case_per_new_finding(tmp_path):
    old, new = _reports(tmp_path, _without(audit_result(), "DATE003"), audit_result())
    run = _cli(old, new, "--format", "junit")
    assert 'failures="2"' in run.stdout


def test_diff_xlsx_refuses_stdout(tmp_path):
    old, new = _reports(tmp_path, audit_result(), audit_result())
    run = _cli(old, new, "--format", "xlsx")
    assert run.exit_code == 2
    assert "--output" in run.stderr


def test_diff_html_and_xlsx_mark_changes(tmp_path):
    import openpyxl

    old, new = _reports(tmp_path, _without(audit_result(), "CTCAE003"), audit_result())
    assert _cli(old, new, "--format", "html", "--output", str(tmp_path / "d.html")).exit_code == 1
    assert ">new</td>" in (tmp_path / "d.html").read_text()
    assert _cli(old, new, "--format", "xlsx", "--output", str(tmp_path / "d.xlsx")).exit_code == 1
    critical = openpyxl.load_workbook(tmp_path / "d.xlsx")["critical"]
    assert critical["J1"].value == "Since previous" and critical["J2"].value == "new"


def test_diff_of_a_missing_report_is_a_usage_error(tmp_path):
    run = _cli(str(tmp_path / "none.json"), str(tmp_path / "none.json"))
    assert run.exit_code == 2
    assert "none.json" in run.stderr
