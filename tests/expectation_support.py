"""Small builders shared by the expectation tests: snapshots on disk and one-dataset runs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import polars as pl

from audit.expectations import ExpectationOutcome, load_suite, run_suites
from audit.formats import write_dataset
from audit.study import load_study


def write_snapshot(folder: Path, datasets: dict[str, pl.DataFrame], fmt: str = "parquet") -> Path:
    """Write each frame as <name>.<fmt> into the folder and return it."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, frame in datasets.items():
        write_dataset(frame, folder / f"{name.lower()}.{fmt}", name)
    return folder


def write_suite(folder: Path, dataset: str, expectations: list[dict[str, Any]], **meta: Any) -> Path:
    """Write a GX 1.x suite file checking one dataset."""
    path = folder / f"{dataset.lower()}_suite.json"
    suite = {"name": dataset.lower(), "expectations": expectations, "meta": {"dataset": dataset, **meta}}
    path.write_text(json.dumps(suite), encoding="utf-8")
    return path


def expectation(kind: str, **kwargs: Any) -> dict[str, Any]:
    """One expectation record as GX serialises it."""
    return {"type": kind, "kwargs": kwargs, "meta": {}}


def run_one(
    tmp_path: Path, frame: pl.DataFrame, record: dict[str, Any], engine: str = "native", dataset: str = "AE"
) -> ExpectationOutcome:
    """Run one expectation on one dataset written as parquet."""
    study = load_study(write_snapshot(tmp_path / "snapshot", {dataset: frame}))
    suite = load_suite(write_suite(tmp_path, dataset, [record]))
    (outcome,) = run_suites(study, [suite], engine=engine)
    return outcome
