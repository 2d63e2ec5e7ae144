"""`trial-audit derive ctcae` writes graded lab records and refuses what it cannot do."""

from __future__ import annotations

from pathlib import Path

import polars as pl
from test_ctcae_adverse_events import DM, LB
from typer.testing import CliRunner

import audit.cli  # noqa: F401  (registers commands)
from audit.cli.app import app

runner = CliRunner()


def _snapshot(root: Path, *, with_lb: bool = True) -> Path:
    folder = root / "snap"
    folder.mkdir()
    pl.DataFrame(DM).write_csv(folder / "dm.csv")
    if with_lb:
        pl.DataFrame(LB).write_csv(folder / "lb.csv")
    return folder


def test_derive_ctcae_writes_one_graded_row_per_lab_record(tmp_path: Path):
    out = tmp_path / "adlb.parquet"
    result = runner.invoke(app, ["derive", "ctcae", str(_snapshot(tmp_path)), "-o", str(out)])
    assert result.exit_code == 0, result.output
    written = pl.read_parquet(out).sort("USUBJID", "LBSEQ")
    assert written.select("USUBJID", "LBSEQ", "ATOXGRN").rows() == [
        ("S1", 1, 0),
        ("S1", 2, 3),
        ("S1", 3, 4),
        ("S1", 4, 2),
        ("S2", 1, None),
    ]


def test_derive_ctcae_without_lb_is_a_usage_error(tmp_path: Path):
    out = tmp_path / "adlb.parquet"
    snapshot = _snapshot(tmp_path, with_lb=False)
    result = runner.invoke(app, ["derive", "ctcae", str(snapshot), "-o", str(out)])
    assert result.exit_code == 2
    assert "LB" in result.output


def test_derive_ctcae_never_writes_into_the_snapshot(tmp_path: Path):
    snapshot = _snapshot(tmp_path)
    result = runner.invoke(app, ["derive", "ctcae", str(snapshot), "-o", str(snapshot / "x.csv")])
    assert result.exit_code == 2
    assert not (snapshot / "x.csv").exists()
