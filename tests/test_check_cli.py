"""`trial-audit check`, `baseline` and `rules` as a CI job and a data manager use them."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from check_support import write_snapshot
from typer.testing import CliRunner

import audit.cli  # noqa: F401  (registers the commands)
from audit.cli.app import app

runner = CliRunner()


@pytest.fixture()
def snapshot(tmp_path: Path) -> Path:
    return write_snapshot(tmp_path / "snap")


def _check(*args: str):
    return runner.invoke(app, ["check", *args])


def test_findings_at_or_above_fail_on_exit_1(snapshot: Path) -> None:
    result = _check(str(snapshot), "--select", "DATE003")
    assert result.exit_code == 1
    assert "AE ends (2020-02-01) before it starts (2020-02-10)" in result.output


def test_findings_below_fail_on_exit_0(snapshot: Path) -> None:
    assert _check(str(snapshot), "--select", "DATE003", "--fail-on", "critical").exit_code == 0


def test_ignore_removes_a_rule(snapshot: Path) -> None:
    result = _check(str(snapshot), "--select", "DATE003,DATE004", "--ignore", "DATE003", "--format", "json")
    assert [r["rule_id"] for r in json.loads(result.output)["results"]] == ["DATE004"]


def test_unknown_select_is_a_usage_error(snapshot: Path) -> None:
    result = _check(str(snapshot), "--select", "DATE999")
    assert result.exit_code == 2
    assert "DATE999" in result.output and "Traceback" not in result.output


def test_invalid_rule_file_exits_2_naming_file_rule_and_field(snapshot: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "pack: x\nrules:\n  - id: X001\n    title: t\n    severity: major\n    datasets: [AE]\n"
        "    rationale: r\n    reference: {document: d, section: s}\n    colour: red\n"
        "    check: {kind: row_expression, fails_when: 'AESEQ > 1'}\n"
    )
    result = _check(str(snapshot), "--rules", str(bad))
    assert result.exit_code == 2
    assert "bad.yaml" in result.output and "rule X001" in result.output and "'colour'" in result.output


def test_unknown_kind_is_named(snapshot: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "pack: x\nrules:\n  - id: X001\n    title: t\n    severity: major\n    datasets: [AE]\n"
        "    rationale: r\n    reference: {document: d, section: s}\n    check: {kind: magic}\n"
    )
    result = _check(str(snapshot), "--rules", str(bad))
    assert result.exit_code == 2 and "unknown check kind 'magic'" in result.output


def test_missing_snapshot_is_one_line_exit_2(tmp_path: Path) -> None:
    result = _check(str(tmp_path / "nowhere"))
    assert result.exit_code == 2
    assert len(result.output.strip().splitlines()) == 1


def test_refuses_to_write_into_the_snapshot(snapshot: Path) -> None:
    result = _check(str(snapshot), "--format", "json", "--output", str(snapshot / "report.json"))
    assert result.exit_code == 2
    assert not (snapshot / "report.json").exists()


def _stable(text: str) -> str:
    return re.sub(r'"(run_at|duration_s)": [^,\n]+', r'"\1": X', text)


def test_json_is_byte_identical_across_runs_but_for_timing(snapshot: Path, tmp_path: Path) -> None:
    first, second = tmp_path / "a.json", tmp_path / "b.json"
    _check(str(snapshot), "--format", "json", "--output", str(first))
    _check(str(snapshot), "--format", "json", "--output", str(second))
    assert first.read_text() != "" and _stable(first.read_text()) == _stable(second.read_text())


def test_json_carries_the_audit_trail(snapshot: Path) -> None:
    document = json.loads(_check(str(snapshot), "--format", "json").output)
    trail = document["trail"]
    assert trail["cutoff"] == "2020-06-30" and "rules/dates.yaml" in trail["rule_files"]
    assert {i["dataset"] for i in trail["inputs"]} == {"AE", "DM", "TS"}
    assert all(len(i["sha256"]) == 64 for i in trail["inputs"])


def test_cutoff_option_overrides_the_snapshot(snapshot: Path) -> None:
    document = json.loads(_check(str(snapshot), "--format", "json", "--cutoff", "2020-02-05").output)
    assert document["trail"]["cutoff"] == "2020-02-05"
    date014 = next(r for r in document["results"] if r["rule_id"] == "DATE014")
    assert date014["status"] == "failed"


def test_config_enrolment_window_makes_date010_applicable(snapshot: Path, tmp_path: Path) -> None:
    config = tmp_path / "study.yaml"
    config.write_text("study:\n  enrolment_window: [2019-01-01, 2019-12-31]\n")
    ds = [{"USUBJID": "S1", "DSSEQ": 1, "DSDECOD": "ENROLLED", "DSSTDTC": "2020-01-03"}]
    write_snapshot(snapshot, DS=ds)
    document = json.loads(_check(str(snapshot), "--format", "json", "--select", "DATE010", "--config",
                                 str(config)).output)
    assert document["results"][0]["count"] == 1


def test_config_with_unknown_study_key_exits_2(snapshot: Path, tmp_path: Path) -> None:
    config = tmp_path / "study.yaml"
    config.write_text("study:\n  enrolment_windw: [2019-01-01, 2019-12-31]\n")
    result = _check(str(snapshot), "--config", str(config))
    assert result.exit_code == 2 and "study.enrolment_windw" in result.output


def test_junit_has_one_testcase_per_rule_and_skips_not_applicable(snapshot: Path) -> None:
    from xml.etree import ElementTree as ET

    root = ET.fromstring(_check(str(snapshot), "--format", "junit", "--select", "DATE").output)
    cases = root.findall(".//testcase")
    assert len(cases) == 16 + 1  # and the one case listing what was not checked
    assert cases[-1].get("name") == "not checked" and cases[-1].find("failure") is None
    skipped = [c for c in cases if c.find("skipped") is not None]
    assert any("DATE006" in c.get("name") for c in skipped)
    failed = next(c for c in cases if c.get("name").startswith("DATE003"))
    assert "AESEQ=1" in failed.find("failure").text


def test_baseline_makes_only_new_findings_gate(snapshot: Path, tmp_path: Path) -> None:
    accepted = tmp_path / "accepted.json"
    assert runner.invoke(app, ["baseline", str(snapshot), "-o", str(accepted)]).exit_code == 0
    assert _check(str(snapshot), "--baseline", str(accepted)).exit_code == 0
    ae = [{"USUBJID": "S3", "AESEQ": 1, "AESTDTC": "2020-03-10", "AEENDTC": "2020-03-01", "AESTDY": 66}]
    write_snapshot(snapshot, AE=ae)
    result = _check(str(snapshot), "--baseline", str(accepted), "--format", "json")
    document = json.loads(result.output)
    assert result.exit_code == 1
    assert {r["usubjid"] for r in document["resolved"]} >= {"S1"}


def test_rules_list_names_every_dates_rule() -> None:
    output = runner.invoke(app, ["rules", "list"]).output
    assert all(f"DATE{n:03d}" in output for n in range(1, 17))


def test_rules_explain_has_every_section() -> None:
    output = runner.invoke(app, ["rules", "explain", "DATE003"]).output
    for section in ("Why it matters", "Reference", "Failing example", "Passing example", "Options"):
        assert section in output


def test_rules_explain_unknown_id_exits_2() -> None:
    assert runner.invoke(app, ["rules", "explain", "DATE999"]).exit_code == 2


def test_rules_schema_is_json_schema_of_rule_files() -> None:
    schema = json.loads(runner.invoke(app, ["rules", "schema"]).output)
    assert "rules" in schema["properties"]


def test_fatal_ae_rule_without_any_fatality_variable_is_not_applicable_not_an_error(snapshot: Path) -> None:
    result = _check(str(snapshot), "--select", "CTCAE006", "--format", "json")
    document = json.loads(result.output)
    assert result.exit_code == 0
    assert [(r["status"], r["reason"]) for r in document["results"]] == [
        ("not applicable", "AE has none of AETOXGR, AEOUT, AESDTH")]
