"""A gate never passes silently: what `check` could not check is listed in one place and fails the run as documented."""

from __future__ import annotations

import json
import re
import shlex
import shutil
from pathlib import Path

import polars as pl
import pytest
from check_support import write_snapshot
from typer.testing import CliRunner

import audit.cli  # noqa: F401  (registers the commands)
from audit.cli.app import app
from audit.packs import examples_dir

README = Path(__file__).parent.parent / "README.md"
STUDY_SETTINGS = examples_dir() / "escc-rt-camrelizumab" / "audit.yaml"
runner = CliRunner()

EXTRA_RULES = """pack: extra
rules:
  - id: XTRA001
    title: {title}
    severity: minor
    datasets: [AE]
    rationale: r
    reference: {{document: d, section: s}}
    check: {{kind: row_expression, fails_when: "{expression}"}}
"""


def ci_example() -> list[str]:
    """The CI command line of the README, as a list of arguments after `trial-audit`."""
    text = README.read_text(encoding="utf-8")
    block = re.search(r"<!-- ci-example -->\s*```bash\n(.+?)\n```", text, re.DOTALL)
    assert block is not None, "README has no CI example"
    words = shlex.split(block.group(1))
    assert words[0] == "trial-audit"
    return words[1:]


@pytest.fixture(scope="module")
def complete(tmp_path_factory) -> Path:
    """The reference study, eight subjects, every domain present."""
    folder = tmp_path_factory.mktemp("complete") / "snapshot"
    assert runner.invoke(app, ["example", "escc", str(folder), "--subjects", "8"]).exit_code == 0
    return folder


@pytest.fixture(scope="module")
def lacking(complete: Path, tmp_path_factory) -> Path:
    """The same delivery without TR and RS, and AE without AETOXGR."""
    folder = tmp_path_factory.mktemp("lacking") / "snapshot"
    shutil.copytree(complete, folder)
    (folder / "tr.csv").unlink()
    (folder / "rs.csv").unlink()
    ae = pl.read_csv(folder / "ae.csv", infer_schema=False)
    ae.drop("AETOXGR").write_csv(folder / "ae.csv")
    return folder


def _run_ci_example(snapshot: Path, tmp_path: Path, monkeypatch) -> tuple[int, str, str]:
    """Run the README's CI command in a job folder holding snapshot/ and study.yaml; exit code, stderr, JUnit."""
    shutil.copytree(snapshot, tmp_path / "snapshot")
    shutil.copy(STUDY_SETTINGS, tmp_path / "study.yaml")
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ci_example())
    return result.exit_code, result.stderr, (tmp_path / "trial-audit.xml").read_text(encoding="utf-8")


def test_ci_example_fails_a_snapshot_without_tr_rs_and_aetoxgr(lacking: Path, tmp_path: Path, monkeypatch) -> None:
    code, stderr, junit = _run_ci_example(lacking, tmp_path, monkeypatch)
    assert code == 1
    assert re.fullmatch(r"gate: failed \(2 findings at or above major, \d+ not applicable under --strict\)\n", stderr)
    assert "dataset has records: required, but dataset TR is not in the snapshot" in junit  # EXP-TR-001 fails
    assert '<testcase classname="trial-audit.gate" name="not checked"' in junit
    assert "FAILS RECIST001 not applicable: dataset TR is not in the snapshot" in junit
    assert "FAILS CTCAE001 not applicable: AE has no variable AETOXGR" in junit


def test_ci_example_passes_the_complete_snapshot(complete: Path, tmp_path: Path, monkeypatch) -> None:
    code, stderr, junit = _run_ci_example(complete, tmp_path, monkeypatch)
    assert (code, stderr) == (0, "gate: passed\n")
    assert "every selected rule ran" in junit


def test_without_strict_what_was_not_checked_is_listed_in_one_place(lacking: Path) -> None:
    result = runner.invoke(app, ["check", str(lacking), "--format", "json", "--fail-on", "info"])
    assert result.exit_code == 0
    document = json.loads(result.stdout)
    reasons = {n["rule_id"]: n["reason"] for n in document["not_checked"]}
    assert reasons["RECIST001"] == "dataset TR is not in the snapshot"
    assert reasons["EXP-RS-001"] == "dataset RS is not in the snapshot"
    assert reasons["CTCAE001"] == "AE has no variable AETOXGR"
    assert not any(n["fails_gate"] for n in document["not_checked"])
    assert document["summary"]["gate"] == "passed"


def test_console_states_the_not_checked_rules_and_that_they_do_not_fail_the_run(lacking: Path) -> None:
    result = runner.invoke(app, ["check", str(lacking), "--select", "RECIST001,CTCAE001"])
    assert result.exit_code == 0
    assert "not checked: 2 (0 fail the run)" in result.stdout
    assert "  not applicable: dataset TR is not in the snapshot (RECIST001)" in result.stdout
    assert result.stdout.rstrip().endswith("gate: passed")


def test_a_required_dataset_absent_fails_and_its_dataset_has_records_expectation_fails(lacking: Path) -> None:
    result = runner.invoke(app, ["check", str(lacking), "--require", "TR", "--format", "json"])
    assert result.exit_code == 1
    document = json.loads(result.stdout)
    has_records = next(r for r in document["results"] if r["rule_id"] == "EXP-TR-001")
    assert (has_records["status"], has_records["count"]) == ("failed", 1)
    assert has_records["findings"][0]["message"] == (
        "dataset has records: required, but dataset TR is not in the snapshot")
    assert document["not_checked"][0] == {
        "rule_id": "required:TR", "status": "required data absent", "fails_gate": True,
        "reason": "required dataset TR is not in the snapshot", "source": "study.required_datasets"}


def test_study_required_datasets_in_the_settings_fail_the_run_as_require_does(lacking: Path, tmp_path: Path) -> None:
    config = tmp_path / "study.yaml"
    config.write_text("study:\n  required_datasets: [rs]\n", encoding="utf-8")
    result = runner.invoke(app, ["check", str(lacking), "--config", str(config), "--select", "DATE001",
                                 "--output", str(tmp_path / "r.json"), "--format", "json"])
    assert (result.exit_code, result.stderr) == (1, "gate: failed (1 required dataset absent)\n")


def test_a_required_dataset_present_passes(complete: Path) -> None:
    result = runner.invoke(app, ["check", str(complete), "--require", "TR,RS", "--select", "EXP-TR-001,EXP-RS-001"])
    assert result.exit_code == 0
    assert "gate: passed" in result.stdout


def _rules(tmp_path: Path, expression: str, title: str = "Subject number above one") -> Path:
    path = tmp_path / "extra.yaml"
    path.write_text(EXTRA_RULES.format(title=title, expression=expression), encoding="utf-8")
    return path


@pytest.mark.parametrize("output_format", ["console", "json", "junit", "html", "xlsx"])
def test_a_rule_raising_an_execution_error_fails_check_in_every_format(tmp_path: Path, output_format: str) -> None:
    snapshot = write_snapshot(tmp_path / "snap")
    rules = _rules(tmp_path, "CAST(USUBJID AS INTEGER) > 1")  # USUBJID S1 is no number: fails at run time
    report = tmp_path / f"report.{output_format}"
    result = runner.invoke(app, ["check", str(snapshot), "--rules", str(rules), "--select", "XTRA001",
                                 "--fail-on", "critical", "--format", output_format, "--output", str(report)])
    assert result.exit_code == 1
    assert result.stderr == "gate: failed (1 execution error)\n"
    if output_format == "xlsx":
        import openpyxl

        row = [c.value for c in openpyxl.load_workbook(report)["Not checked"][2]]
        assert row[:3] == ["XTRA001", "execution error", "yes"] and "InvalidOperationError" in row[3]
    else:
        assert "InvalidOperationError" in report.read_text(encoding="utf-8")


def test_the_same_rule_that_runs_passes(tmp_path: Path) -> None:
    snapshot = write_snapshot(tmp_path / "snap")
    rules = _rules(tmp_path, "USUBJID = 'nobody'")
    result = runner.invoke(app, ["check", str(snapshot), "--rules", str(rules), "--select", "XTRA001"])
    assert result.exit_code == 0
    assert "gate: passed" in result.stdout


def test_rules_run_beside_the_built_in_packs_and_the_trail_names_both(tmp_path: Path) -> None:
    snapshot = write_snapshot(tmp_path / "snap")
    rules = _rules(tmp_path, "USUBJID = 'nobody'")
    result = runner.invoke(app, ["check", str(snapshot), "--rules", str(rules), "--format", "json"])
    document = json.loads(result.stdout)
    ran = {r["rule_id"] for r in document["results"]}
    assert {"XTRA001", "DATE001", "RECIST001", "CTCAE001", "EXP-DM-001"} <= ran
    files = document["trail"]["rule_files"]
    assert {"rules/dates.yaml", "rules/recist.yaml", "expectations/dm.json", str(rules)} <= set(files)
    assert all(re.fullmatch(r"[0-9a-f]{64}", digest) for digest in files.values())


def test_no_builtin_rules_runs_only_the_given_rule_files(tmp_path: Path) -> None:
    snapshot = write_snapshot(tmp_path / "snap")
    rules = _rules(tmp_path, "USUBJID = 'nobody'")
    result = runner.invoke(app, ["check", str(snapshot), "--rules", str(rules), "--no-builtin-rules",
                                 "--format", "json"])
    document = json.loads(result.stdout)
    assert [r["rule_id"] for r in document["results"] if r["source"] == "rule"] == ["XTRA001"]
    assert not any(name.startswith("rules/") for name in document["trail"]["rule_files"])


def test_no_builtin_rules_without_a_rule_file_is_a_usage_error(tmp_path: Path) -> None:
    snapshot = write_snapshot(tmp_path / "snap")
    result = runner.invoke(app, ["check", str(snapshot), "--no-builtin-rules"])
    assert result.exit_code == 2
    assert result.stderr == "error: field '--no-builtin-rules': nothing to run: give --rules FILE with it\n"


def test_diff_fails_when_the_newer_run_had_an_execution_error(tmp_path: Path) -> None:
    snapshot = write_snapshot(tmp_path / "snap")
    broken, working = _rules(tmp_path, "CAST(USUBJID AS INTEGER) > 1"), tmp_path / "working.yaml"
    working.write_text(EXTRA_RULES.format(title="t", expression="USUBJID = 'nobody'"), encoding="utf-8")
    reports = []
    for name, rules in (("old", working), ("new", broken)):
        reports.append(tmp_path / f"{name}.json")
        runner.invoke(app, ["check", str(snapshot), "--rules", str(rules), "--no-builtin-rules", "--select",
                            "XTRA001", "--format", "json", "--output", str(reports[-1])])
    result = runner.invoke(app, ["diff", *map(str, reports)])
    assert result.exit_code == 1
    assert "FAILS execution error: InvalidOperationError" in result.stdout


def test_a_real_sdtm_only_delivery_states_its_absent_adsl_and_fails_only_under_strict(tmp_path: Path) -> None:
    from real_data_support import REAL_DATA

    snapshot = str(REAL_DATA / "cdiscpilot01-sdtm")
    plain = runner.invoke(app, ["check", snapshot, "--select", "EXP-ADSL-001", "--format", "json"])
    assert plain.exit_code == 0
    assert json.loads(plain.stdout)["not_checked"] == [{
        "rule_id": "EXP-ADSL-001", "status": "not applicable", "reason": "dataset ADSL is not in the snapshot",
        "source": "expectations/adsl.json", "fails_gate": False}]
    strict = runner.invoke(app, ["check", snapshot, "--select", "EXP-ADSL-001", "--strict", "--format", "json",
                                 "--output", str(tmp_path / "strict.json")])
    assert (strict.exit_code, strict.stderr) == (1, "gate: failed (1 finding at or above major)\n")
