"""Typed inputs get the SDTM types on load: dates as ISO 8601 text, keys as text, --SEQ as numbers."""

from __future__ import annotations

import time
from datetime import date, datetime
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

import audit.cli  # noqa: F401  (registers the commands)
from audit import dates
from audit.api import CheckRequest, run_check
from audit.cli.app import app
from audit.findings import ERROR, NOT_APPLICABLE
from audit.study import load_study

ONCO = Path(__file__).parent / "fixtures" / "real-data" / "pharmaversesdtm-onco"


def _study(tmp_path: Path, **frames: pl.DataFrame):
    for name, frame in frames.items():
        frame.write_parquet(tmp_path / f"{name}.parquet")
    return load_study(tmp_path)


def test_a_date_typed_dtc_becomes_iso_text_with_bounds(tmp_path: Path) -> None:
    dm = pl.DataFrame({"USUBJID": ["S-001", "S-002"], "RFSTDTC": [date(2020, 1, 5), None]})
    frame = _study(tmp_path, dm=dm).frame("DM").collect()
    assert frame.schema["RFSTDTC"] == pl.String
    assert frame["RFSTDTC"].to_list() == ["2020-01-05", None]
    assert frame["RFSTDTC_LO"].to_list() == [date(2020, 1, 5), None]


def test_a_datetime_typed_dtc_becomes_iso_text(tmp_path: Path) -> None:
    ae = pl.DataFrame({"USUBJID": ["S-001"], "AESTDTC": [datetime(2020, 1, 5, 8, 30)]})
    frame = _study(tmp_path, ae=ae).frame("AE").collect()
    assert frame["AESTDTC"].to_list() == ["2020-01-05T08:30:00"]
    assert frame["AESTDTC_HI"].to_list() == [date(2020, 1, 5)]


def test_an_all_missing_number_column_named_dtc_is_an_all_missing_date(tmp_path: Path) -> None:
    dm = pl.DataFrame({"USUBJID": ["S-001"], "RFICDTC": pl.Series([None], dtype=pl.Float64),
                       "RFSTDTC": ["2020-01-05"]})
    study = _study(tmp_path, dm=dm)
    assert "RFICDTC" in study.info["DM"].date_columns
    assert study.frame("DM").collect()["RFICDTC_LO"].to_list() == [None]
    assert study.notes == (
        "read dm.parquet column RFICDTC (Float64) as ISO 8601 text: a date variable is text in SDTM",
    )


def test_r_na_consent_date_of_the_onco_study_is_a_date_variable() -> None:
    result = run_check(CheckRequest(snapshot=ONCO, select=["DATE004"])).result.result("DATE004")
    assert result.status != NOT_APPLICABLE, result.reason


def test_categorical_columns_become_text(tmp_path: Path) -> None:
    ae = pl.DataFrame({"USUBJID": ["S-001"], "AESEV": ["MILD"]}).with_columns(pl.col("AESEV").cast(pl.Categorical))
    frame = _study(tmp_path, ae=ae).frame("AE").collect()
    assert frame.schema["AESEV"] == pl.String and frame["AESEV"].to_list() == ["MILD"]


def test_number_keys_become_text_without_a_decimal_point(tmp_path: Path) -> None:
    dm = pl.DataFrame({"STUDYID": [1, 1], "USUBJID": [1001.0, 1002.0], "SITEID": [7, 8]})
    frame = _study(tmp_path, dm=dm).frame("DM").collect()
    assert frame["USUBJID"].to_list() == ["1001", "1002"]
    assert frame["SITEID"].to_list() == ["7", "8"]


@pytest.mark.parametrize("seq", [["1", "2"], [1.0, 2.0], [1, 2]], ids=["text", "double", "integer"])
def test_seq_is_a_whole_number_whatever_it_arrives_as(tmp_path: Path, seq: list) -> None:
    frame = _study(tmp_path, ae=pl.DataFrame({"USUBJID": ["S-1", "S-1"], "AESEQ": seq})).frame("AE").collect()
    assert frame.schema["AESEQ"] == pl.Int64 and frame["AESEQ"].to_list() == [1, 2]


def test_seq_text_that_is_not_a_number_stays_text_with_a_note(tmp_path: Path) -> None:
    study = _study(tmp_path, ae=pl.DataFrame({"USUBJID": ["S-1", "S-1"], "AESEQ": ["1", "A2"]}))
    assert study.frame("AE").collect()["AESEQ"].to_list() == ["1", "A2"]
    assert "kept ae.parquet column AESEQ as text: 1 values are not numbers" in study.notes


def test_visitnum_text_is_a_number_and_keeps_its_fraction(tmp_path: Path) -> None:
    sv = pl.DataFrame({"USUBJID": ["S-1", "S-1"], "VISITNUM": ["1", "1.1"]})
    assert _study(tmp_path, sv=sv).frame("SV").collect()["VISITNUM"].to_list() == [1.0, 1.1]


def test_a_struct_column_is_dropped_with_one_note(tmp_path: Path) -> None:
    ae = pl.DataFrame({"USUBJID": ["S-001"], "AESEQ": [1], "EXTRA": [{"a": 1}], "TAGS": [["x"]]})
    study = _study(tmp_path, ae=ae)
    assert study.columns("AE") == ("USUBJID", "AESEQ")
    assert [n for n in study.notes if "dropped" in n] == [
        "dropped ae.parquet column EXTRA: its type Struct({'a': Int64}) holds no SDTM value (Char or Num)",
        "dropped ae.parquet column TAGS: its type List(String) holds no SDTM value (Char or Num)",
    ]


def test_a_struct_typed_dtc_gives_no_rule_error_and_exit_0_or_1(tmp_path: Path) -> None:
    ae = pl.DataFrame({"USUBJID": ["S-001"], "AESEQ": [1], "AESTDTC": [{"y": 2020}]})
    ae.write_parquet(tmp_path / "ae.parquet")
    result = CliRunner().invoke(app, ["check", str(tmp_path), "--select", "DATE"])
    assert result.exit_code in (0, 1), result.output
    assert "dropped ae.parquet column AESTDTC" in result.output
    assert ERROR not in {r.status for r in run_check(CheckRequest(snapshot=tmp_path, select=["DATE"])).result.results}


def _plan_size(columns: int) -> int:
    frame = pl.LazyFrame({f"X{k:02d}DTC": ["2020-01"] for k in range(columns)})
    return len(dates.with_date_bounds(frame, list(frame.collect_schema().names())).explain(optimized=False))


def test_date_bounds_plan_grows_linearly_with_the_date_columns() -> None:
    assert _plan_size(16) < 2.5 * _plan_size(8)


def test_forty_date_columns_load_in_seconds(tmp_path: Path) -> None:
    frame = pl.DataFrame({f"X{k:02d}DTC": ["2020-01-05", "2020-02", None] * 1000 for k in range(40)})
    frame.write_parquet(tmp_path / "adxx.parquet")
    start = time.perf_counter()
    study = load_study(tmp_path)
    assert time.perf_counter() - start < 20
    assert len(study.info["ADXX"].date_columns) == 40


def test_a_number_in_a_dtc_is_kept_as_text_and_counted_invalid(tmp_path: Path) -> None:
    pl.DataFrame({"USUBJID": ["S-001"], "AESTDTC": [20200105]}).write_parquet(tmp_path / "ae.parquet")
    assert load_study(tmp_path).frame("AE").collect()["AESTDTC"].to_list() == ["20200105"]
    result = CliRunner().invoke(app, ["inspect", str(tmp_path), "--format", "json"])
    assert '"invalid_dates": 1' in result.output


def test_csv_identifiers_and_dates_keep_their_text(tmp_path: Path) -> None:
    (tmp_path / "ae.csv").write_text("USUBJID,SUBJID,AESEQ,AESTDTC\n1001,0015,1,2019\n", encoding="utf-8")
    row = load_study(tmp_path).frame("AE").collect().select("USUBJID", "SUBJID", "AESEQ", "AESTDTC").row(0)
    assert row == ("1001", "0015", 1, "2019")


def test_cp1252_csv_identifiers_keep_their_text(tmp_path: Path) -> None:
    (tmp_path / "ae.csv").write_bytes("SUBJID,AETERM\n0015,Café\n".encode("cp1252"))
    assert load_study(tmp_path).frame("AE").collect().row(0) == ("0015", "Café")


def test_a_study_day_written_as_a_double_is_a_whole_number(tmp_path: Path) -> None:
    ae = pl.DataFrame({"USUBJID": ["S-1", "S-1"], "AESTDY": [366.0, None], "VISITNUM": [1.0, 2.0]})
    frame = _study(tmp_path, ae=ae).frame("AE").collect()
    assert frame.schema["AESTDY"] == pl.Int64 and frame["AESTDY"].to_list() == [366, None]
    assert frame.schema["VISITNUM"] == pl.Float64


def test_bounds_in_memory_equal_the_lazy_bounds_row_by_row() -> None:
    frame = pl.DataFrame({"AESTDTC": ["2019-03", None, "2019-02-30", "2019-03", "2019-UN-UN"],
                          "AEENDTC": ["2019-04-01", "2019", None, "", "2019-04-01"]})
    columns = ["AESTDTC", "AEENDTC"]
    assert dates.add_date_bounds(frame, columns).equals(dates.with_date_bounds(frame.lazy(), columns).collect())
