"""`trial-audit demo`: one command shows the audit and the verifier at work on the reference study."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

import audit.cli  # noqa: F401  (registers the commands)
from audit.cli.app import app


def test_demo_writes_snapshots_and_every_report_and_flags_the_defects(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    result = CliRunner().invoke(app, ["demo", str(out)])
    assert result.exit_code == 0, result.output
    reports = {p.name for p in (out / "reports").iterdir()}
    assert {"clean.json", "clean.html", "damaged.json", "damaged.html", "damaged.xlsx", "damaged.junit.xml",
            "defects-flagged.json"} <= reports
    flagged = json.loads((out / "reports" / "defects-flagged.json").read_text())
    assert len(flagged) >= 20
    assert [d["defect_id"] for d in flagged if not d["flagged"]] == []
    assert "Clean snapshot: 0 findings at minor or above" in result.output
    assert "Wilson with continuity" in result.output


def test_demo_verifies_the_two_arm_study_and_names_the_cox_model(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    result = CliRunner().invoke(app, ["demo", str(out)], terminal_width=200)
    assert result.exit_code == 0, result.output
    assert (out / "reports" / "escort-verify.html").is_file()
    section = result.output.split("Randomised two-arm study", 1)[1].split("Reports:", 1)[0]
    assert "not reproduced" not in section
    assert "Efron" in section


def test_demo_refuses_a_folder_that_is_not_its_own(tmp_path: Path) -> None:
    (tmp_path / "mine.txt").write_text("keep me")
    result = CliRunner().invoke(app, ["demo", str(tmp_path)])
    assert result.exit_code == 2
    assert (tmp_path / "mine.txt").read_text() == "keep me"
