"""Split domains (SDTMIG v3.4 section 4.1.7): files named after a domain whose DOMAIN names it load as that domain."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

import audit.cli  # noqa: F401  (registers the commands)
from audit.cli.app import app
from audit.errors import SnapshotError
from audit.study import load_study

VARIANTS = Path(__file__).parent / "fixtures" / "real-data" / "pharmaversesdtm-onco-variants"
RS_PARTS = ("rs_onco_irecist.parquet", "rs_onco_recist.parquet")


def _rs(subject: str, **extra) -> pl.DataFrame:
    return pl.DataFrame({"STUDYID": ["S"], "DOMAIN": ["RS"], "USUBJID": [subject], "RSSEQ": [1], **extra})


def test_the_pharmaverse_variants_load_as_rs_tr_and_tu() -> None:
    study = load_study(VARIANTS)
    assert study.names == ["RS", "TR", "TU"]
    parts = {f.stem: pl.read_parquet(f).height for f in VARIANTS.glob("rs_*.parquet")}
    assert study.info["RS"].n_rows == sum(parts.values())
    assert study.info["RS"].parts == RS_PARTS


def test_the_note_names_the_files_and_the_domain() -> None:
    notes = load_study(VARIANTS).notes
    assert ("read rs_onco_irecist.parquet and rs_onco_recist.parquet as one RS dataset: parts of a split domain "
            "(DOMAIN RS, SDTMIG v3.4 section 4.1.7)") in notes
    assert "read tr_onco_recist.parquet as the TR dataset: its DOMAIN is TR (SDTMIG v3.4 section 4.1.7)" in notes


def test_rules_on_the_split_domains_are_applicable() -> None:
    result = CliRunner().invoke(app, ["check", str(VARIANTS), "--select", "RECIST"])
    assert result.exit_code in (0, 1), result.output
    assert "dataset RS is not in the snapshot" not in result.output
    assert "dataset TR is not in the snapshot" not in result.output


def test_parts_with_different_columns_stack_with_missing_values(tmp_path: Path) -> None:
    _rs("S-1", RSORRES=["PR"]).write_parquet(tmp_path / "rsa.parquet")
    _rs("S-2", RSEVAL=["INVESTIGATOR"]).write_parquet(tmp_path / "rsb.parquet")
    frame = load_study(tmp_path).frame("RS").collect().sort("USUBJID")
    assert frame.select("USUBJID", "RSORRES", "RSEVAL").rows() == [("S-1", "PR", None), ("S-2", None, "INVESTIGATOR")]


def test_a_column_empty_in_one_part_takes_the_other_parts_type(tmp_path: Path) -> None:
    _rs("S-1", RSACPTFL=["Y"]).write_parquet(tmp_path / "rsa.parquet")
    _rs("S-2", RSACPTFL=pl.Series([None], dtype=pl.Float64)).write_parquet(tmp_path / "rsb.parquet")
    study = load_study(tmp_path)
    assert study.frame("RS").collect().sort("USUBJID")["RSACPTFL"].to_list() == ["Y", None]
    assert not [n for n in study.notes if "different types" in n]


def test_clashing_types_are_read_as_text_with_one_note(tmp_path: Path) -> None:
    _rs("S-1", RSORRES=["10"]).write_parquet(tmp_path / "rsa.parquet")
    _rs("S-2", RSORRES=[True]).write_parquet(tmp_path / "rsb.parquet")
    study = load_study(tmp_path)
    assert sorted(study.frame("RS").collect()["RSORRES"].to_list()) == ["10", "true"]
    assert [n for n in study.notes if "different types" in n] == [
        "read RS.RSORRES as text: its parts give it different types (String in rsa.parquet, Boolean in rsb.parquet)"
    ]


def test_a_domain_file_and_its_parts_stack(tmp_path: Path) -> None:
    _rs("S-1").write_parquet(tmp_path / "rs.parquet")
    _rs("S-2").write_parquet(tmp_path / "rs_extra.parquet")
    assert load_study(tmp_path).info["RS"].n_rows == 2


def test_a_file_whose_domain_is_not_its_prefix_keeps_its_name(tmp_path: Path) -> None:
    _rs("S-1").write_parquet(tmp_path / "xyz.parquet")
    assert load_study(tmp_path).names == ["XYZ"]


def test_a_real_duplicate_stays_an_error(tmp_path: Path) -> None:
    dm = pl.DataFrame({"DOMAIN": ["DM"], "USUBJID": ["S-1"]})
    dm.write_parquet(tmp_path / "dm.parquet")
    dm.write_csv(tmp_path / "dm.csv")
    with pytest.raises(SnapshotError, match="dataset DM is given twice"):
        load_study(tmp_path)


def test_the_audit_trail_lists_each_part_with_its_own_checksum() -> None:
    result = CliRunner().invoke(app, ["check", str(VARIANTS), "--select", "DATE001", "--format", "json"])
    inputs = [i for i in json.loads(result.output)["trail"]["inputs"] if i["dataset"] == "RS"]
    assert [(i["path"], i["rows"]) for i in inputs] == [
        (name, pl.read_parquet(VARIANTS / name).height) for name in RS_PARTS
    ]
    assert [i["sha256"] for i in inputs] == [hashlib.sha256((VARIANTS / i["path"]).read_bytes()).hexdigest()
                                             for i in inputs]
