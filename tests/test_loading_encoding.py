"""Text read as delivered: every encoding a snapshot file arrives in, with a note naming file and encoding."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import audit.cli  # noqa: F401  (registers the commands)
from audit.cli.app import app
from audit.errors import SnapshotError
from audit.study import load_study

REAL_DATA = Path(__file__).parent / "fixtures" / "real-data"
PILOT = REAL_DATA / "cdiscpilot01-sdtm"
AE_TEXT = "USUBJID,AETERM\nS-001,Ödème de Quincke\n"
SNAPSHOT_COMMANDS = (
    ["inspect"], ["check"], ["baseline", "-o", "x.json"], ["verify", "--claims", "c.yaml"],
    ["derive", "recist", "-o", "x.csv"], ["derive", "ctcae", "-o", "x.csv"],
)


def test_cp1252_xpt_is_read_with_a_note_naming_file_and_encoding() -> None:
    study = load_study(PILOT)
    values = study.frame("TS").collect()["TSVAL"].to_list()
    assert any("Alzheimer’s" in (v or "") for v in values)
    assert study.info["TS"].encoding == "cp1252"
    assert "read ts.xpt as cp1252 (not valid UTF-8)" in study.notes


def test_utf8_xpt_gets_no_encoding_note() -> None:
    study = load_study(PILOT)
    assert study.info["DM"].encoding == "utf-8"
    assert not [n for n in study.notes if "dm.xpt" in n]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-32", "utf-8-sig"])
def test_csv_with_a_byte_order_mark_is_read_in_its_encoding(tmp_path: Path, encoding: str) -> None:
    (tmp_path / "ae.csv").write_bytes(AE_TEXT.encode(encoding))
    study = load_study(tmp_path)
    assert study.frame("AE").collect().to_dicts() == [{"USUBJID": "S-001", "AETERM": "Ödème de Quincke"}]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-32"])
def test_wide_encodings_are_noted(tmp_path: Path, encoding: str) -> None:
    (tmp_path / "ae.csv").write_bytes(AE_TEXT.encode(encoding))
    assert f"read ae.csv as {encoding} (not valid UTF-8)" in load_study(tmp_path).notes


def test_dataset_json_in_cp1252_is_read_and_noted(tmp_path: Path) -> None:
    document = {"columns": [{"name": "USUBJID", "dataType": "string"}, {"name": "AETERM", "dataType": "string"}],
                "rows": [["S-001", "Café au lait"]]}
    (tmp_path / "ae.json").write_bytes(json.dumps(document, ensure_ascii=False).encode("cp1252"))
    study = load_study(tmp_path)
    assert study.frame("AE").collect()["AETERM"].to_list() == ["Café au lait"]
    assert "read ae.json as cp1252 (not valid UTF-8)" in study.notes


def test_a_byte_cp1252_leaves_undefined_falls_back_to_latin1(tmp_path: Path) -> None:
    (tmp_path / "ae.csv").write_bytes(b"USUBJID,AETERM\nS-001,A\x81B\n")
    study = load_study(tmp_path)
    assert study.frame("AE").collect()["AETERM"].to_list() == ["A\x81B"]
    assert study.info["AE"].encoding == "latin-1"


def test_declared_encoding_is_used_for_xpt(tmp_path: Path) -> None:
    study = load_study(PILOT, encoding="cp1252")
    assert study.info["TS"].encoding == "cp1252"
    assert not [n for n in study.notes if "as cp1252" in n]  # asked for, so nothing to note


def test_a_declared_encoding_that_cannot_decode_is_one_clear_error(tmp_path: Path) -> None:
    (tmp_path / "ae.csv").write_bytes(AE_TEXT.encode("cp1252"))
    with pytest.raises(SnapshotError, match=r"ae.csv: cannot decode as utf-8"):
        load_study(tmp_path, encoding="utf-8")


@pytest.mark.parametrize("command", SNAPSHOT_COMMANDS, ids=lambda c: " ".join(c[:2]))
def test_every_command_that_reads_a_snapshot_takes_encoding_and_keep_na_text(command: list[str]) -> None:
    text = CliRunner().invoke(app, [*command[:2], "--help"] if command[0] == "derive" else [command[0], "--help"],
                              terminal_width=200).output
    assert "--encoding" in text and "--keep-na-text" in text


def test_inspect_encoding_option_reads_a_latin1_csv(tmp_path: Path) -> None:
    (tmp_path / "ae.csv").write_bytes("USUBJID,AETERM\nS-001,Ödem\n".encode("latin-1"))
    result = CliRunner().invoke(app, ["inspect", str(tmp_path), "--encoding", "latin-1", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["datasets"][0]["encoding"] == "latin-1"


def test_check_on_the_cp1252_pilot_study_runs_and_shows_the_note() -> None:
    result = CliRunner().invoke(app, ["check", str(PILOT), "--select", "DATE001"])
    assert result.exit_code in (0, 1), result.output
    assert "note: read ts.xpt as cp1252 (not valid UTF-8)" in result.output


def test_check_takes_an_explicit_encoding(tmp_path: Path) -> None:
    (tmp_path / "dm.csv").write_bytes("USUBJID,RFSTDTC,SITEID\nS-001,2020-01-01,Zürich\n".encode("latin-1"))
    result = CliRunner().invoke(app, ["check", str(tmp_path), "--select", "DATE", "--encoding", "latin-1",
                                      "--format", "json"])
    assert result.exit_code in (0, 1), result.output
    assert json.loads(result.output)["trail"]["notes"] == []  # declared, so not a fallback to note


def test_an_unknown_encoding_is_a_usage_error() -> None:
    result = CliRunner().invoke(app, ["inspect", str(PILOT), "--encoding", "klingon"])
    assert result.exit_code == 2
    assert result.output.strip() == (
        "error: field '--encoding': unknown text encoding 'klingon' (e.g. utf-8, cp1252, latin-1)"
    )
