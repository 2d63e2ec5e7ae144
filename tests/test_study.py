"""Loading a snapshot folder in each supported format."""

from __future__ import annotations

import hashlib
import json
from datetime import date
from pathlib import Path

import polars as pl
import pyreadstat
import pytest

from audit.errors import SnapshotError
from audit.study import load_study

DM = pl.DataFrame(
    {
        "STUDYID": ["S", "S", "S"],
        "USUBJID": ["S-001", "S-002", "S-003"],
        "AGE": [61, 58, 70],
        "RFSTDTC": ["2019-01-10", "2019-02", "2019-03-01"],
    }
)
AE = pl.DataFrame(
    {
        "USUBJID": ["S-001", "S-001", "S-002", "S-003"],
        "AESEQ": [1, 2, 1, 1],
        "AETERM": ["Fatigue", "Nausea", "Anemia", "Café au lait"],
        "AESTDTC": ["2019-01-20", "2019-02", "14/03/2019", None],
    }
)
LABELS = {"USUBJID": "Unique Subject Identifier", "AGE": "Age"}


def write_xpt(frame: pl.DataFrame, path: Path) -> None:
    pyreadstat.write_xport(
        frame, str(path), table_name=path.stem.upper(), file_format_version=5,
        column_labels={c: LABELS.get(c) for c in frame.columns},
    )


def write_dataset_json(frame: pl.DataFrame, path: Path) -> None:
    """Dataset-JSON 1.1 written by hand, as a sponsor's tool would."""
    types = {pl.Int64: "integer", pl.String: "string"}
    document = {
        "datasetJSONCreationDateTime": "2024-01-01T00:00:00",
        "datasetJSONVersion": "1.1.0",
        "itemGroupOID": f"IG.{path.stem.upper()}",
        "name": path.stem.upper(),
        "label": path.stem.upper(),
        "records": frame.height,
        "columns": [
            {"itemOID": f"IT.{c}", "name": c, "label": LABELS.get(c, c), "dataType": types[t]}
            for c, t in frame.schema.items()
        ],
        "rows": [list(r) for r in frame.rows()],
    }
    path.write_text(json.dumps(document), encoding="utf-8")


WRITERS = {
    "csv": lambda f, p: f.write_csv(p),
    "parquet": lambda f, p: f.write_parquet(p),
    "xpt": write_xpt,
    "json": write_dataset_json,
}


@pytest.fixture(params=sorted(WRITERS))
def snapshot(request, tmp_path: Path) -> Path:
    fmt = request.param
    for name, frame in {"dm": DM, "ae": AE}.items():
        WRITERS[fmt](frame, tmp_path / f"{name}.{fmt}")
    return tmp_path


def test_every_format_gives_the_same_rows_columns_and_subjects(snapshot: Path) -> None:
    study = load_study(snapshot)
    assert study.names == ["AE", "DM"]
    assert study.info["AE"].n_rows == 4 and study.info["DM"].n_rows == 3
    assert study.columns("AE") == ("USUBJID", "AESEQ", "AETERM", "AESTDTC")
    ae = study.frame("AE").sort("USUBJID", "AESEQ").collect()
    assert ae["USUBJID"].n_unique() == 3
    assert ae["AESEQ"].dtype.is_integer()
    assert ae["AETERM"].to_list()[-1] == "Café au lait"


def test_partial_and_invalid_dates_keep_their_text(snapshot: Path) -> None:
    ae = load_study(snapshot).frame("AE").sort("USUBJID", "AESEQ").collect()
    assert ae["AESTDTC"].to_list() == ["2019-01-20", "2019-02", "14/03/2019", None]
    assert ae["AESTDTC_LO"].to_list() == [date(2019, 1, 20), date(2019, 2, 1), None, None]
    assert ae["AESTDTC_HI"].to_list() == [date(2019, 1, 20), date(2019, 2, 28), None, None]


def test_checksum_and_size_are_those_of_the_file(snapshot: Path) -> None:
    info = load_study(snapshot).info["DM"]
    assert info.sha256 == hashlib.sha256(info.path.read_bytes()).hexdigest()
    assert info.size_bytes == info.path.stat().st_size


@pytest.mark.parametrize("fmt", ["xpt", "json"])
def test_variable_labels_are_kept_where_the_format_has_them(tmp_path: Path, fmt: str) -> None:
    WRITERS[fmt](DM, tmp_path / f"dm.{fmt}")
    assert load_study(tmp_path).info["DM"].labels["USUBJID"] == "Unique Subject Identifier"


def test_ndjson_dataset_is_read(tmp_path: Path) -> None:
    write_dataset_json(DM, tmp_path / "dm.json")
    document = json.loads((tmp_path / "dm.json").read_text())
    rows = document.pop("rows")
    (tmp_path / "dm.json").unlink()
    lines = [json.dumps(document)] + [json.dumps(r) for r in rows]
    (tmp_path / "dm.ndjson").write_text("\n".join(lines) + "\n")
    assert load_study(tmp_path).info["DM"].n_rows == 3


def test_cutoff_is_read_from_ts_when_not_given(tmp_path: Path) -> None:
    DM.write_parquet(tmp_path / "dm.parquet")
    pl.DataFrame({"TSPARMCD": ["TITLE", "DCUTDTC"], "TSVAL": ["x", "2021-09-30"]}).write_csv(tmp_path / "ts.csv")
    study = load_study(tmp_path)
    assert (study.cutoff, study.cutoff_source) == (date(2021, 9, 30), "TS.TSPARMCD=DCUTDTC")


def test_given_cutoff_wins(tmp_path: Path) -> None:
    DM.write_parquet(tmp_path / "dm.parquet")
    study = load_study(tmp_path, cutoff=date(2020, 1, 1))
    assert (study.cutoff, study.cutoff_source) == (date(2020, 1, 1), "given")


def test_cp1252_csv_is_read_and_the_encoding_is_noted(tmp_path: Path) -> None:
    (tmp_path / "ae.csv").write_bytes("USUBJID,AETERM\nS-001,Café au lait\n".encode("cp1252"))
    study = load_study(tmp_path)
    assert study.frame("AE").collect()["AETERM"].to_list() == ["Café au lait"]
    assert study.info["AE"].encoding == "cp1252"
    assert any("cp1252" in note for note in study.notes)


def test_declared_encoding_is_used(tmp_path: Path) -> None:
    (tmp_path / "ae.csv").write_bytes("USUBJID,AETERM\nS-001,Ödem\n".encode("latin-1"))
    study = load_study(tmp_path, encoding="latin-1")
    assert study.frame("AE").collect()["AETERM"].to_list() == ["Ödem"]


def test_text_files_are_ignored_with_a_note(tmp_path: Path) -> None:
    DM.write_parquet(tmp_path / "dm.parquet")
    (tmp_path / "readme.txt").write_text("notes")
    study = load_study(tmp_path)
    assert study.names == ["DM"]
    assert study.notes == ("ignored readme.txt: not a dataset file",)


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ({}, "holds no dataset"),
        ({"readme.txt": b"x"}, "holds no dataset"),
        ({"dm.xpt": b"not an xpt file at all"}, "dm.xpt: cannot read xpt dataset"),
        ({"dm.parquet": b"PAR1garbage"}, "dm.parquet: cannot read parquet dataset"),
        ({"dm.json": b"{not json"}, "dm.json: cannot read json dataset"),
        ({"dm.json": b'{"name": "DM"}'}, "holds no dataset (.xpt, .json, .ndjson, .parquet or .csv); ignored dm.json"),
        ({"dm.csv": b"A,B\n1,2\n", "dm.parquet": None}, "dataset DM is given twice"),
    ],
)
def test_bad_snapshot_is_one_clear_error(tmp_path: Path, files: dict, message: str) -> None:
    for name, content in files.items():
        if content is None:
            DM.write_parquet(tmp_path / name)
        else:
            (tmp_path / name).write_bytes(content)
    with pytest.raises(SnapshotError) as error:
        load_study(tmp_path)
    assert message in str(error.value)
    assert "\n" not in str(error.value)


def test_missing_folder_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(SnapshotError, match="does not exist"):
        load_study(tmp_path / "nope")
