"""R reference values (survival 3.5.3, R 4.2.2) copied under tests/fixtures/reference."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl

REFERENCE = Path(__file__).resolve().parents[1] / "fixtures" / "reference"
SURVIVAL = REFERENCE / "survival"


def rows(relative: str) -> list[dict]:
    """Rows of a reference CSV, R's NA read as None."""
    return pl.read_csv(REFERENCE / relative, null_values="NA").to_dicts()


def survival_data(dataset: str) -> tuple[np.ndarray, np.ndarray]:
    """(time, event) arrays of one reference survival dataset."""
    frame = pl.read_csv(SURVIVAL / f"{dataset}.csv")
    return frame["time"].to_numpy(), frame["event"].to_numpy()


def survival_datasets() -> list[str]:
    """Every dataset with subject-level times in the reference folder."""
    return sorted(p.stem for p in SURVIVAL.glob("*.csv") if p.stem not in ("km_median_ci", "followup"))


TWOARM = REFERENCE / "twoarm"


def twoarm_data(dataset: str) -> pl.DataFrame:
    """Subject-level time, event, arm and stratum of one two-arm reference dataset (stratum as text)."""
    return pl.read_csv(TWOARM / f"{dataset}.csv", schema_overrides={"strat": pl.Utf8, "arm": pl.Utf8})
