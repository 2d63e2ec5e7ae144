"""The reference study gives the same audit in every format `trial-audit example` writes."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

import audit.cli  # noqa: F401  (registers the commands)
from audit.cli.app import app

FORMATS = ("csv", "parquet", "xpt", "json")
CLAIMS = Path(__file__).parent.parent / "examples" / "escc-rt-camrelizumab" / "claims.yaml"


@pytest.fixture(scope="module")
def snapshots(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("formats")
    for fmt in FORMATS:
        result = CliRunner().invoke(app, ["example", "escc", str(root / fmt), "--format", fmt])
        assert result.exit_code == 0, result.output
    return {fmt: root / fmt for fmt in FORMATS}


def _run(*args: str):
    return CliRunner().invoke(app, list(args))


def _verdicts(snapshot: Path) -> dict[str, tuple[str, str]]:
    result = _run("verify", str(snapshot), "--claims", str(CLAIMS), "--format", "json")
    assert result.exit_code in (0, 1), result.output[-2000:]
    return {v["claim_id"]: (v["verdict"], v["summary"]) for v in json.loads(result.output)["verdicts"]}


def test_verify_gives_the_same_verdicts_in_every_format(snapshots: dict[str, Path]) -> None:
    verdicts = {fmt: _verdicts(path) for fmt, path in snapshots.items()}
    assert verdicts["csv"], "no claim verified"
    assert all(v == verdicts["csv"] for v in verdicts.values()), verdicts


def test_check_with_claims_gives_the_same_verdicts_in_every_format(snapshots: dict[str, Path]) -> None:
    found = {}
    for fmt, path in snapshots.items():
        result = _run("check", str(path), "--claims", str(CLAIMS), "--select", "DATE001", "--format", "json")
        assert result.exit_code in (0, 1), result.output[-2000:]
        found[fmt] = json.loads(result.output)["summary"]
    assert all(f == found["csv"] for f in found.values())


@pytest.fixture(scope="module")
def check_counts(snapshots: dict[str, Path]) -> dict[str, dict]:
    counts = {}
    for fmt, path in snapshots.items():
        result = _run("check", str(path), "--format", "json")
        assert result.exit_code in (0, 1), result.output[-2000:]
        counts[fmt] = {r["rule_id"]: (r["status"], r["count"]) for r in json.loads(result.output)["results"]}
    return counts


@pytest.mark.parametrize("fmt", FORMATS)
def test_check_runs_and_finds_the_same_as_csv(check_counts: dict[str, dict], fmt: str) -> None:
    assert check_counts[fmt] == check_counts["csv"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_inspect_runs(snapshots: dict[str, Path], fmt: str) -> None:
    result = _run("inspect", str(snapshots[fmt]), "--format", "json")
    assert result.exit_code == 0, result.output
    assert {d["name"] for d in json.loads(result.output)["datasets"]} >= {"DM", "RS", "TR", "TU", "LB", "ADSL"}


@pytest.mark.parametrize("fmt", FORMATS)
def test_derive_recist_and_ctcae_run(snapshots: dict[str, Path], fmt: str, tmp_path: Path) -> None:
    heights = {}
    for kind in ("recist", "ctcae"):
        out = tmp_path / f"{kind}.parquet"
        result = _run("derive", kind, str(snapshots[fmt]), "-o", str(out))
        assert result.exit_code == 0, result.output
        heights[kind] = pl.read_parquet(out).height
    assert heights["recist"] > 0 and heights["ctcae"] > 0
