"""Reports people read, on the reference study: every injected defect shows, and diff finds exactly them."""

from __future__ import annotations

import io
import json
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

import audit.cli  # noqa: F401  (registers the commands)
from audit.cli.app import app

runner = CliRunner()


@pytest.fixture(scope="module")
def reports(reference, tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("reports")
    paths = {
        "clean.json": ["check", str(reference.clean), "--format", "json"],
        "clean-again.json": ["check", str(reference.clean), "--format", "json"],
        "damaged.json": ["check", str(reference.damaged), "--format", "json"],
        "damaged.html": ["check", str(reference.damaged), "--format", "html"],
        "damaged.xlsx": ["check", str(reference.damaged), "--format", "xlsx"],
    }
    for name, args in paths.items():
        result = runner.invoke(app, [*args, "--output", str(out / name)])
        assert result.exit_code in (0, 1), result.output
    return {name: out / name for name in paths}


def test_html_shows_every_injected_defect(reference, reports) -> None:
    page = reports["damaged.html"].read_text(encoding="utf-8")
    missing = [d["id"] for d in reference.defects
               if d["usubjid"] not in page or not any(rule in page for rule in d["expected_rules"])]
    assert missing == []
    assert "src=\"http" not in page and "href=\"http" not in page


def test_xlsx_lists_every_injected_defect_by_subject_and_rule(reference, reports) -> None:
    book = openpyxl.load_workbook(io.BytesIO(reports["damaged.xlsx"].read_bytes()))
    rows = set()
    for severity in ("critical", "major", "minor", "info"):
        sheet = book[severity]
        header = [c.value for c in sheet[1]]
        for values in sheet.iter_rows(min_row=2, values_only=True):
            row = dict(zip(header, values, strict=True))
            rows.add((row["USUBJID"], row["Rule"]))
    missing = [d["id"] for d in reference.defects if not any((d["usubjid"], r) in rows for r in d["expected_rules"])]
    assert missing == []


def test_diff_of_clean_and_damaged_lists_exactly_the_injected_defects_as_new(reference, reports) -> None:
    result = runner.invoke(app, ["diff", str(reports["clean.json"]), str(reports["damaged.json"]), "--format", "json"])
    document = json.loads(result.output)
    new = [f for r in document["results"] for f in r["findings"] if f["new"]]
    defect_subjects = {d["usubjid"] for d in reference.defects}
    assert {f["usubjid"] for f in new} <= defect_subjects
    found = {(f["usubjid"], f["rule_id"]) for f in new}
    missing = [d["id"] for d in reference.defects if not any((d["usubjid"], r) in found for r in d["expected_rules"])]
    assert missing == []
    assert document["changes"]["resolved"] == []


def test_diff_of_two_identical_runs_has_nothing_new_or_resolved(reports) -> None:
    result = runner.invoke(app, ["diff", str(reports["clean.json"]), str(reports["clean-again.json"]),
                                 "--format", "json"])
    changes = json.loads(result.output)["changes"]
    assert (changes["new"], changes["resolved"]) == ([], [])
