"""`trial-audit derive recist`: ADRS-like derived responses a statistician can diff against their ADaM."""

from __future__ import annotations

import polars as pl
import pytest
from typer.testing import CliRunner

import audit.cli  # noqa: F401  (registers commands)
from audit.cli.app import app
from audit.synth import generate_escc, write_snapshot


@pytest.fixture(scope="module")
def snapshot(tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("escc")
    write_snapshot(generate_escc(), folder, "parquet")
    return folder


def test_derive_recist_writes_one_bor_per_subject_matching_the_adrs(snapshot, tmp_path):
    out = tmp_path / "adrs.parquet"
    result = CliRunner().invoke(app, ["derive", "recist", str(snapshot), "-o", str(out)])
    assert result.exit_code == 0, result.output
    derived = pl.read_parquet(out).filter(pl.col("PARAMCD") == "BOR").select("USUBJID", "AVALC")
    adrs = pl.read_parquet(snapshot / "adrs.parquet").filter(pl.col("PARAMCD") == "BOR").select("USUBJID", "AVALC")
    assert derived.sort("USUBJID").equals(adrs.sort("USUBJID"))


def test_derive_recist_refuses_to_write_into_the_snapshot(snapshot):
    result = CliRunner().invoke(app, ["derive", "recist", str(snapshot), "-o", str(snapshot / "x.csv")])
    assert result.exit_code == 2


def test_derive_recist_without_tumour_data_is_a_one_line_error(tmp_path):
    pl.DataFrame({"USUBJID": ["S1"], "RFSTDTC": ["2020-01-01"]}).write_csv(tmp_path / "dm.csv")
    result = CliRunner().invoke(app, ["derive", "recist", str(tmp_path), "-o", str(tmp_path.parent / "o.csv")])
    assert (result.exit_code, "cannot derive RECIST" in result.output) == (2, True)
