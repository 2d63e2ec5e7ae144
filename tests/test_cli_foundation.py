"""The command line: version, inspect, and bad input as one line with exit code 2."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

import audit.cli  # noqa: F401  (registers the commands)
from audit import __version__
from audit.cli.app import app

runner = CliRunner()


def snapshot_files(folder: Path) -> dict[str, tuple[int, float]]:
    return {p.name: (p.stat().st_size, p.stat().st_mtime) for p in sorted(folder.iterdir())}


@pytest.fixture
def snapshot(tmp_path: Path) -> Path:
    folder = tmp_path / "snap"
    folder.mkdir()
    pl.DataFrame({"USUBJID": ["A", "B"], "RFSTDTC": ["2019-01-02", "2019-05"]}).write_csv(folder / "dm.csv")
    pl.DataFrame({"USUBJID": ["A"], "AESEQ": [1], "AESTDTC": ["2019-02-01"]}).write_parquet(folder / "ae.parquet")
    return folder


def test_version_prints_the_package_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.output.strip() == f"trial-audit {__version__}"


def test_inspect_json_lists_each_dataset(snapshot: Path) -> None:
    result = runner.invoke(app, ["inspect", str(snapshot), "--format", "json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    by_name = {d["name"]: d for d in document["datasets"]}
    assert sorted(by_name) == ["AE", "DM"]
    assert (by_name["DM"]["records"], by_name["DM"]["variables"], by_name["DM"]["subjects"]) == (2, 2, 2)
    assert (by_name["DM"]["first_date"], by_name["DM"]["last_date"]) == ("2019-01-02", "2019-05-31")


def test_inspect_console_shows_a_table(snapshot: Path) -> None:
    result = runner.invoke(app, ["inspect", str(snapshot)])
    assert result.exit_code == 0
    assert "DM" in result.output and "dm.csv" in result.output


def test_inspect_never_writes_into_the_snapshot(snapshot: Path) -> None:
    before = snapshot_files(snapshot)
    runner.invoke(app, ["inspect", str(snapshot), "--format", "json"])
    assert snapshot_files(snapshot) == before


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (lambda d: d / "missing", "snapshot folder does not exist"),
        (lambda d: d, "holds no dataset"),
    ],
)
def test_bad_snapshot_exits_2_with_one_line(tmp_path: Path, make, expected: str) -> None:
    result = runner.invoke(app, ["inspect", str(make(tmp_path))])
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and expected in lines[0] and "Traceback" not in result.output


def test_bad_cutoff_names_the_option(snapshot: Path) -> None:
    result = runner.invoke(app, ["inspect", str(snapshot), "--cutoff", "31/12/2020"])
    assert result.exit_code == 2
    assert "--cutoff" in result.output


def test_corrupt_file_error_names_the_file(snapshot: Path, tmp_path: Path) -> None:
    (snapshot / "lb.xpt").write_bytes(b"HEADER RECORD garbage")
    result = runner.invoke(app, ["inspect", str(snapshot)])
    assert result.exit_code == 2
    assert "lb.xpt" in result.output and len(result.output.strip().splitlines()) == 1


HEAVY = ("great_expectations", "statsmodels", "scipy", "matplotlib", "pandas", "pyreadstat")


def test_version_starts_fast_without_heavy_imports() -> None:
    code = (
        "import sys, time; t=time.perf_counter();"
        "sys.argv=['trial-audit','--version'];"
        "from audit.cli.app import main\n"
        "try:\n main()\nexcept SystemExit: pass\n"
        f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))"
    )
    started = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})
    elapsed = time.perf_counter() - started
    assert out.stdout.strip().splitlines()[-1] == "[]"
    assert elapsed < 3.0  # "well under a second" on a warm machine; generous for loaded CI
