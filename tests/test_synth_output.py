"""Writing the reference study: reproducible bytes in every format, and the CLI's folder rules."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

import audit.cli  # noqa: F401  (registers commands)
from audit.cli.app import app
from audit.study import load_study
from audit.synth import generate_escc, write_snapshot

runner = CliRunner()


@pytest.mark.parametrize("fmt", ["csv", "parquet", "xpt", "json"])
def test_same_seed_writes_identical_bytes(tmp_path, fmt):
    first = write_snapshot(generate_escc(subjects=30, seed=7), tmp_path / "a", fmt)
    second = write_snapshot(generate_escc(subjects=30, seed=7), tmp_path / "b", fmt)
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in second]


def test_written_snapshot_loads_with_its_cutoff(tmp_path):
    write_snapshot(generate_escc(), tmp_path, "parquet")
    study = load_study(tmp_path)
    assert str(study.cutoff) == "2022-06-30" and len(study.datasets) == 14


def test_cli_writes_clean_damaged_and_manifest(tmp_path):
    out = tmp_path / "escc"
    result = runner.invoke(app, ["example", "escc", str(out), "--defects"])
    assert result.exit_code == 0, result.output
    assert (out / "clean" / "dm.csv").exists() and (out / "damaged" / "dm.csv").exists()
    assert len(json.loads((out / "defects.json").read_text())["defects"]) >= 20


def test_cli_rewrites_its_own_previous_output(tmp_path):
    out = tmp_path / "escc"
    assert runner.invoke(app, ["example", "escc", str(out)]).exit_code == 0
    assert runner.invoke(app, ["example", "escc", str(out), "--format", "json"]).exit_code == 0
    written = sorted(p.suffix for p in out.iterdir() if p.is_file() and not p.name.startswith("."))
    assert written == [".json"] * 14


def test_cli_refuses_a_foreign_non_empty_folder(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    result = runner.invoke(app, ["example", "escc", str(tmp_path)])
    assert result.exit_code == 2 and "not empty" in result.output
    assert (tmp_path / "notes.txt").read_text() == "mine"


def test_scaled_study_keeps_every_subject(tmp_path):
    datasets = generate_escc(subjects=500, seed=3)
    assert datasets["ADSL"].height == 500 and datasets["DM"]["USUBJID"].n_unique() == 500
