"""How a snapshot was read (encodings, ignored files, split domains) is stated in every report of check and verify."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

import audit.cli  # noqa: F401  (registers the commands)
from audit.cli.app import app
from audit.formats import write_dataset
from audit.study import load_study

CLAIMS = Path(__file__).parent.parent / "examples" / "escc-rt-camrelizumab" / "claims.yaml"
DM = pl.DataFrame({"STUDYID": ["S"], "USUBJID": ["S-001"], "RFSTDTC": ["2020-01-05"], "SITEID": ["Zürich"]})
ENCODING_NOTE = "read dm.csv as cp1252 (not valid UTF-8)"
IGNORED_NOTE = "ignored defects.json: not a Dataset-JSON 1.1 document (no 'columns')"


@pytest.fixture()
def snapshot(tmp_path: Path) -> Path:
    folder = tmp_path / "snapshot"
    folder.mkdir()
    buffer = DM.write_csv()
    (folder / "dm.csv").write_bytes(buffer.encode("cp1252"))
    (folder / "defects.json").write_text(json.dumps([{"defect": "D1"}]), encoding="utf-8")
    return folder


def _check(snapshot: Path, *options: str):
    result = CliRunner().invoke(app, ["check", str(snapshot), "--select", "DATE", *options])
    assert result.exit_code in (0, 1), result.output
    return result.output


def test_a_json_that_is_not_dataset_json_is_ignored_with_a_note(snapshot: Path) -> None:
    study = load_study(snapshot)
    assert study.names == ["DM"]
    assert study.notes == (IGNORED_NOTE, ENCODING_NOTE)


def test_check_console_shows_the_notes(snapshot: Path) -> None:
    output = _check(snapshot)
    assert f"note: {ENCODING_NOTE}" in output and f"note: {IGNORED_NOTE}" in output


def test_check_json_lists_the_notes_in_the_trail(snapshot: Path) -> None:
    assert json.loads(_check(snapshot, "--format", "json"))["trail"]["notes"] == [IGNORED_NOTE, ENCODING_NOTE]


def test_check_json_is_the_same_twice_but_for_the_clock(snapshot: Path) -> None:
    first, second = (json.loads(_check(snapshot, "--format", "json")) for _ in range(2))
    for document in (first, second):
        document["trail"].pop("run_at"), document["trail"].pop("duration_s")
    assert first == second


def test_check_html_shows_the_notes(snapshot: Path, tmp_path: Path) -> None:
    _check(snapshot, "--format", "html", "-o", str(tmp_path / "report.html"))
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert ENCODING_NOTE in page and "ignored defects.json" in page


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> Path:
    """The reference study as CSV with a defects.json beside it, as `example --defects` leaves one next to a copy."""
    folder = tmp_path_factory.mktemp("reference")
    assert CliRunner().invoke(app, ["example", "escc", str(folder)]).exit_code == 0
    (folder / "defects.json").write_text("[]", encoding="utf-8")
    return folder


def _verify(snapshot: Path, *options: str) -> str:
    result = CliRunner().invoke(app, ["verify", str(snapshot), "--claims", str(CLAIMS), *options])
    assert result.exit_code in (0, 1), result.output[-2000:]
    return result.output


def test_verify_console_shows_the_notes(reference: Path) -> None:
    assert "note: ignored defects.json: not a Dataset-JSON 1.1 document" in _verify(reference)


def test_verify_json_lists_the_notes(reference: Path) -> None:
    notes = json.loads(_verify(reference, "--format", "json"))["notes"]
    assert [n for n in notes if "defects.json" in n] == ["ignored defects.json: not a Dataset-JSON 1.1 document (no "
                                                          "'columns')"]


def test_verify_html_shows_the_notes(reference: Path, tmp_path: Path) -> None:
    _verify(reference, "--format", "html", "-o", str(tmp_path / "verify.html"))
    assert "ignored defects.json" in (tmp_path / "verify.html").read_text(encoding="utf-8")


def test_notes_of_a_clean_snapshot_are_an_empty_list(tmp_path: Path) -> None:
    write_dataset(DM, tmp_path / "dm.parquet", "DM")
    assert json.loads(_check(tmp_path, "--format", "json"))["trail"]["notes"] == []


REAL_DATA = Path(__file__).parent / "fixtures" / "real-data"


@pytest.mark.parametrize(("folder", "note"), [
    ("cdiscpilot01-sdtm", "read ts.xpt as cp1252"),
    ("pharmaversesdtm-onco-variants", "as one RS dataset"),
    ("pharmaversesdtm-onco", None),
])
def test_inspect_reads_each_real_study_with_no_option(folder: str, note: str | None) -> None:
    result = CliRunner().invoke(app, ["inspect", str(REAL_DATA / folder)], terminal_width=200)
    assert result.exit_code == 0, result.output
    if note:
        assert [line for line in result.output.splitlines() if line.startswith("note: ") and note in line]


def test_derive_states_how_the_snapshot_was_read(tmp_path: Path) -> None:
    folder = REAL_DATA / "pharmaversesdtm-onco-variants"
    result = CliRunner().invoke(app, ["derive", "recist", str(folder), "-o", str(tmp_path / "adrs.csv")])
    assert result.exit_code == 0, result.output
    assert "note: read rs_onco_irecist.parquet and rs_onco_recist.parquet as one RS dataset" in result.output
