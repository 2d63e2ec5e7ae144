"""Settings files are validated section by section when read, before any rule runs: exit 2, one line."""

from __future__ import annotations

from pathlib import Path

import pytest
from check_support import write_snapshot
from typer.testing import CliRunner

import audit.cli  # noqa: F401  (registers the commands)
from audit.cli.app import app
from audit.engine.config import load_config, settings_from_mapping
from audit.errors import AuditInputError

runner = CliRunner()
RECIST_KNOWN = "known: confirm, confirmation_days, sd_min_days, max_ne_between, evaluator, readers"


@pytest.fixture()
def snapshot(tmp_path: Path) -> Path:
    return write_snapshot(tmp_path / "snap")


@pytest.mark.parametrize(("text", "line"), [
    ("recist: {confirmation_day: 28}", f"field 'recist.confirmation_day': unknown setting ({RECIST_KNOWN})"),
    ("recist: {confirmation_days: abc}", "field 'recist.confirmation_days': expected a whole number; found 'abc'"),
    ("recist: {confirmation_days: -3}",
     "field 'recist.confirmation_days': input should be greater than or equal to 1; found -3"),
    ("recist: {confirmation_days: 2.5}", "field 'recist.confirmation_days': expected a whole number; found 2.5"),
    ("recist: {sd_min_days: -1}", "field 'recist.sd_min_days': input should be greater than or equal to 0; found -1"),
    ("recist: {confirm: perhaps}", "field 'recist.confirm': expected true or false (yes/no); found 'perhaps'"),
    ("recist: {confirmation_days: yes}", "field 'recist.confirmation_days': expected a whole number; found True"),
    ("recist: {readers: some}", "field 'recist.readers': input should be 'all' or 'accepted'; found 'some'"),
    ("ctcae: {unreported_min_grade: 5}",
     "field 'ctcae.unreported_min_grade': input should be less than or equal to 4; found 5"),
    ("ctcae: {emergent_window: 30}", "field 'ctcae.emergent_window': unknown setting (known: related, "
     "emergent_window_days, unreported_min_grade)"),
    ("recsit: {confirm: true}", "field 'recsit': unknown section (known: ctcae, recist, study)"),
    ("recist: [confirm]", "field 'recist': expected a mapping of settings, found list"),
    ("study: {cutof: 2020-01-01}", "field 'study.cutof': unknown setting (known: "),
])
def test_check_with_a_bad_setting_exits_2_naming_file_and_field(snapshot: Path, tmp_path: Path, text: str,
                                                                line: str) -> None:
    config = tmp_path / "audit.yaml"
    config.write_text(text + "\n", encoding="utf-8")
    result = runner.invoke(app, ["check", str(snapshot), "--config", str(config)])
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {config}: {line}"), result.output


def test_baseline_validates_its_config_too(snapshot: Path, tmp_path: Path) -> None:
    config = tmp_path / "audit.yaml"
    config.write_text("recist: {confirmation_day: 28}\n", encoding="utf-8")
    result = runner.invoke(app, ["baseline", str(snapshot), "-o", str(tmp_path / "b.json"), "--config", str(config)])
    assert result.exit_code == 2 and "field 'recist.confirmation_day': unknown setting" in result.output
    assert not (tmp_path / "b.json").exists()


@pytest.mark.parametrize(("text", "confirm"), [("yes", False), ("no", True), ("true", False), ("false", True)])
def test_yaml_booleans_are_accepted(tmp_path: Path, text: str, confirm: bool) -> None:
    config = tmp_path / "audit.yaml"
    config.write_text(f"recist:\n  confirm: {text}\n  confirmation_days: 30\n", encoding="utf-8")
    settings = load_config(config)
    assert settings.sections["recist"] == {"confirm": not confirm, "confirmation_days": 30}


def test_sections_reach_derivations_as_validated_values() -> None:
    # "no" as text must reach every derivation as false, never as a truthy string.
    settings = settings_from_mapping({"recist": {"confirm": "no", "evaluator": " independent "},
                                      "ctcae": {"related": "related"}})
    assert settings.sections == {"ctcae": {"related": ["RELATED"]},
                                 "recist": {"confirm": False, "evaluator": "INDEPENDENT"}}


def test_run_audit_settings_mapping_is_validated_before_any_rule_runs() -> None:
    from rule_fixture_support import study_from_records

    from audit.engine import run_audit

    with pytest.raises(AuditInputError, match="recist.confirmation_day"):
        run_audit(study_from_records({"AE": [{"USUBJID": "A", "AESEQ": 1}]}),
                  settings={"recist": {"confirmation_day": 28}})
