"""check, diff and verify take their output formats from the one writer registry (audit.report)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from check_support import write_snapshot
from typer.testing import CliRunner

import audit.cli  # noqa: F401  (registers the commands)
from audit.cli.app import app
from audit.report import _WRITERS, CHECK, DIFF, register_writer

runner = CliRunner()


@pytest.fixture()
def registered():
    """A 'count' format registered for check and diff, removed again after the test."""
    def count(result, options) -> str:
        return f"{len(result.findings)} findings, {len(result.not_checked)} not checked\n"

    for command in (CHECK, DIFF):
        register_writer("count", count, command)
    yield
    for command in (CHECK, DIFF):
        _WRITERS.pop((command, "count"))


def test_a_registered_format_is_what_check_and_diff_write(registered, tmp_path: Path) -> None:
    snapshot = write_snapshot(tmp_path / "snap")
    report = tmp_path / "report.json"
    runner.invoke(app, ["check", str(snapshot), "--select", "DATE003", "--format", "json", "--output", str(report)])
    check = runner.invoke(app, ["check", str(snapshot), "--select", "DATE003", "--format", "count"])
    assert (check.exit_code, check.stdout) == (1, "1 findings, 0 not checked\n")
    diff = runner.invoke(app, ["diff", str(report), str(report), "--format", "count"])
    assert (diff.exit_code, diff.stdout) == (0, "1 findings, 0 not checked\n")


def test_an_unknown_format_names_the_known_ones_for_each_command(tmp_path: Path) -> None:
    snapshot = write_snapshot(tmp_path / "snap")
    result = runner.invoke(app, ["verify", str(snapshot), "--claims", "none.yaml", "--format", "xlsx"])
    assert result.exit_code == 2
    assert result.stderr == ("error: field '--format': unknown format 'xlsx' "
                             "(expected one of: console, html, json, junit)\n")


def test_diff_json_is_a_check_report_with_the_changes(tmp_path: Path) -> None:
    snapshot = write_snapshot(tmp_path / "snap")
    report = tmp_path / "report.json"
    runner.invoke(app, ["check", str(snapshot), "--select", "DATE003", "--format", "json", "--output", str(report)])
    document = json.loads(runner.invoke(app, ["diff", str(report), str(report), "--format", "json"]).stdout)
    assert document["changes"]["new"] == [] and len(document["changes"]["persisting"]) == 1
    assert document["summary"]["gate"] == "passed" and document["not_checked"] == []
