"""Blank text is a missing value in every format; CSV "NA" is missing unless asked to stay text."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pyreadstat
import pytest
from typer.testing import CliRunner

import audit.cli  # noqa: F401  (registers the commands)
from audit.cli.app import app
from audit.formats import write_dataset
from audit.study import load_study

AE = pl.DataFrame({
    "USUBJID": ["S-001", "S-002", "S-003"],
    "AESEQ": [1, 1, 1],
    "AETERM": ["Fatigue", "", "   "],
    "AESTDTC": ["2020-01-05", " ", ""],
})


def _write(frame: pl.DataFrame, path: Path) -> None:
    if path.suffix == ".xpt":
        pyreadstat.write_xport(frame, str(path), table_name="AE", file_format_version=5)
    else:
        write_dataset(frame, path, "AE")


@pytest.mark.parametrize("fmt", ["csv", "parquet", "xpt", "json", "ndjson"])
def test_blank_and_whitespace_text_is_missing(tmp_path: Path, fmt: str) -> None:
    _write(AE, tmp_path / f"ae.{fmt}")
    frame = load_study(tmp_path).frame("AE").collect()
    assert frame["AETERM"].to_list() == ["Fatigue", None, None]
    assert frame["AESTDTC"].to_list() == ["2020-01-05", None, None]


@pytest.mark.parametrize("fmt", ["csv", "parquet", "json"])
def test_a_blank_date_is_not_an_invalid_date(tmp_path: Path, fmt: str) -> None:
    _write(AE, tmp_path / f"ae.{fmt}")
    result = CliRunner().invoke(app, ["inspect", str(tmp_path), "--format", "json"])
    assert json.loads(result.output)["datasets"][0]["invalid_dates"] == 0


def test_csv_na_is_missing_by_default(tmp_path: Path) -> None:
    (tmp_path / "ae.csv").write_text("USUBJID,AETERM,AESTDY\nS-001,NA,NA\nS-002,Rash,3\n", encoding="utf-8")
    frame = load_study(tmp_path).frame("AE").collect()
    assert frame["AETERM"].to_list() == [None, "Rash"]
    assert frame["AESTDY"].to_list() == [None, 3]
    assert frame.schema["AESTDY"].is_integer()


def test_keep_na_text_reads_na_as_text(tmp_path: Path) -> None:
    (tmp_path / "ae.csv").write_text("USUBJID,AETERM\nS-001,NA\nS-002,\n", encoding="utf-8")
    frame = load_study(tmp_path, keep_na_text=True).frame("AE").collect()
    assert frame["AETERM"].to_list() == ["NA", None]


def test_na_in_other_formats_is_text(tmp_path: Path) -> None:
    write_dataset(pl.DataFrame({"USUBJID": ["S-001"], "AETERM": ["NA"]}), tmp_path / "ae.parquet", "AE")
    assert load_study(tmp_path).frame("AE").collect()["AETERM"].to_list() == ["NA"]


def test_keep_na_text_flag_reaches_the_loader_from_the_command_line(tmp_path: Path) -> None:
    (tmp_path / "dm.csv").write_text("USUBJID,RFSTDTC,RFICDTC\nS-001,NA,2020-01-01\n", encoding="utf-8")
    default = CliRunner().invoke(app, ["inspect", str(tmp_path), "--format", "json"])
    kept = CliRunner().invoke(app, ["inspect", str(tmp_path), "--format", "json", "--keep-na-text"])
    assert json.loads(default.output)["datasets"][0]["invalid_dates"] == 0
    assert json.loads(kept.output)["datasets"][0]["invalid_dates"] == 1  # "NA" is then text, not a date


def test_dataset_json_blank_in_a_number_column_is_missing(tmp_path: Path) -> None:
    document = {"columns": [{"name": "USUBJID", "dataType": "string"}, {"name": "AESEQ", "dataType": "integer"},
                            {"name": "AETOXGR", "dataType": "integer"}],
                "rows": [["S-1", 1, ""], ["S-2", 2, " "], ["S-3", 3, 4]]}
    (tmp_path / "ae.json").write_text(json.dumps(document), encoding="utf-8")
    study = load_study(tmp_path)
    assert study.frame("AE").collect()["AETOXGR"].to_list() == [None, None, 4]
    assert study.notes == ()


def test_dataset_json_text_in_a_number_column_is_kept_as_text_with_a_note(tmp_path: Path) -> None:
    document = {"columns": [{"name": "USUBJID", "dataType": "string"}, {"name": "AETOXGR", "dataType": "integer"}],
                "rows": [["S-1", "grade 2"], ["S-2", 3]]}
    (tmp_path / "ae.json").write_text(json.dumps(document), encoding="utf-8")
    study = load_study(tmp_path)
    assert study.frame("AE").collect()["AETOXGR"].to_list() == ["grade 2", "3"]
    assert study.notes == ("kept ae.json column AETOXGR as text: 1 values are not integer",)
