"""`trial-audit check` runs rule packs and expectation suites together, in every output format."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import openpyxl
import polars as pl
import pytest
from typer.testing import CliRunner

import audit.cli  # noqa: F401  (registers the commands)
from audit.cli.app import app

runner = CliRunner()


@pytest.fixture
def snapshot(tmp_path: Path) -> Path:
    folder = tmp_path / "snap"
    folder.mkdir()
    pl.DataFrame({
        "STUDYID": ["S", "S"], "DOMAIN": ["DM", "DM"], "USUBJID": ["S-001", "S-002"], "SUBJID": ["001", "002"],
        "SITEID": ["101", "102"], "RFICDTC": ["2019-01-01", "2019-02-01"], "RFSTDTC": ["2019-01-05", "2019-02-03"],
        "RFENDTC": ["2019-06-01", "2019-05-01"], "SEX": ["M", "F"], "AGE": [61, 58],
    }).write_parquet(folder / "dm.parquet")
    pl.DataFrame({
        "STUDYID": ["S", "S"], "DOMAIN": ["AE", "AE"], "USUBJID": ["S-001", "S-002"], "AESEQ": [1, 1],
        "AETERM": ["<script>alert(1)</script>", "Fatigue"], "AEDECOD": ["Nausea", "Fatigue"],
        "AESTDTC": ["2019-03-10", "2019-03-01"], "AEENDTC": ["2019-03-01", "2019-03-05"],
        "AETOXGR": ["2", "1"], "AESER": ["N", "N"],
    }).write_parquet(folder / "ae.parquet")
    return folder


def run(*args: str):
    return runner.invoke(app, list(args))


def test_check_reports_rule_and_expectation_results_in_one_json(snapshot: Path) -> None:
    result = run("check", str(snapshot), "--format", "json")
    assert result.exit_code == 1, result.output
    document = json.loads(result.output)
    ids = {r["rule_id"] for r in document["results"]}
    assert "DATE003" in ids and any(i.startswith("EXP-") for i in ids)
    date003 = next(r for r in document["results"] if r["rule_id"] == "DATE003")
    assert [f["usubjid"] for f in date003["findings"]] == ["S-001"]


def test_select_limits_the_run_to_the_named_prefixes(snapshot: Path) -> None:
    document = json.loads(run("check", str(snapshot), "--format", "json", "--select", "DATE003").output)
    assert [r["rule_id"] for r in document["results"]] == ["DATE003"]


def test_select_can_name_expectations_only(snapshot: Path) -> None:
    document = json.loads(run("check", str(snapshot), "--format", "json", "--select", "EXP-AE").output)
    assert document["results"] and all(r["rule_id"].startswith("EXP-AE") for r in document["results"])


def test_unknown_select_is_a_usage_error(snapshot: Path) -> None:
    result = run("check", str(snapshot), "--select", "NOPE999")
    assert result.exit_code == 2 and "NOPE999" in result.output


def test_unknown_engine_is_a_usage_error(snapshot: Path) -> None:
    result = run("check", str(snapshot), "--engine", "spark")
    assert result.exit_code == 2 and "--engine" in result.output


def test_html_report_escapes_data_and_names_the_finding(snapshot: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    assert run("check", str(snapshot), "--format", "html", "--output", str(out)).exit_code == 1
    page = out.read_text(encoding="utf-8")
    assert "DATE003" in page and "S-001" in page
    assert "<script>alert(1)</script>" not in page


def test_xlsx_listing_routes_findings_to_sites(snapshot: Path, tmp_path: Path) -> None:
    out = tmp_path / "listing.xlsx"
    assert run("check", str(snapshot), "--select", "DATE003", "--format", "xlsx", "--output", str(out)).exit_code == 1
    sheet = openpyxl.load_workbook(io.BytesIO(out.read_bytes()))["major"]
    header = [c.value for c in sheet[1]]
    row = dict(zip(header, [c.value for c in sheet[2]], strict=True))
    assert (row["Site"], row["USUBJID"], row["Rule"]) == ("101", "S-001", "DATE003")


def test_xlsx_to_stdout_is_refused(snapshot: Path) -> None:
    assert run("check", str(snapshot), "--format", "xlsx").exit_code == 2


def test_compare_marks_findings_persisting_and_resolved(snapshot: Path, tmp_path: Path) -> None:
    old = tmp_path / "old.json"
    run("check", str(snapshot), "--format", "json", "--output", str(old))
    ae = pl.read_parquet(snapshot / "ae.parquet").with_columns(pl.lit("2019-03-20").alias("AEENDTC"))
    fixed = tmp_path / "fixed"
    fixed.mkdir()
    ae.write_parquet(fixed / "ae.parquet")
    (fixed / "dm.parquet").write_bytes((snapshot / "dm.parquet").read_bytes())
    document = json.loads(run("check", str(fixed), "--format", "json", "--compare", str(old)).output)
    assert any(r["rule_id"] == "DATE003" for r in document["resolved"])
    assert all(f["new"] is False for r in document["results"] for f in r["findings"])


def test_a_native_check_never_imports_great_expectations(snapshot: Path) -> None:
    code = (
        "import sys\n"
        "from audit.cli.app import main\n"
        f"sys.argv = ['trial-audit', 'check', {str(snapshot)!r}, '--format', 'json']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print('GX' if any(m.startswith('great_expectations') for m in sys.modules) else 'NO-GX', file=sys.stderr)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.stderr.strip().splitlines()[-1] == "NO-GX"


def test_check_with_claims_puts_verdicts_and_km_plots_in_the_html(tmp_path: Path) -> None:
    from claims_support import write_snapshot

    snapshot = write_snapshot(tmp_path / "claims-snap")
    claims = tmp_path / "claims.yaml"
    claims.write_text(
        "claims:\n"
        "  - {id: orr, text: '40.0%', ci: '13.7-72.6', measure: {type: proportion, response: {values: [CR, PR]}}}\n"
        "  - {id: os, text: '10.0 months', measure: {type: km_median, endpoint: OS}}\n",
        encoding="utf-8",
    )
    out = tmp_path / "report.html"
    result = run("check", str(snapshot), "--claims", str(claims), "--format", "html", "--output", str(out))
    assert result.exit_code in (0, 1), result.output
    page = out.read_text(encoding="utf-8")
    assert "orr" in page and "published median 10.0" in page
