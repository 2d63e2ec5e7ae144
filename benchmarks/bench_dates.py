"""Time loading a dataset with many *DTC columns beside a bare read of the same file.

Run: .venv/bin/python benchmarks/bench_dates.py [--rows 1000000] [--columns 10,20,40]

For each column count it writes one parquet dataset (USUBJID, ASEQ and k
*DTC text columns of full, partial, unknown-notation, invalid and missing
dates, drawn from a few thousand distinct values as trial data are) to a
temporary folder, then times pl.read_parquet and load_study (normalising,
parsing every date column into its bounds, materialising). Loading must
grow linearly with the columns: the seconds per column stay flat as k
doubles, and the ratio to a bare read says what the date bounds cost.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import polars as pl

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from audit.study import load_study  # noqa: E402

DISTINCT_DATES = 4000


def date_values(rng: np.random.Generator) -> list[str | None]:
    """A few thousand date texts in every shape the loader meets."""
    days = np.datetime64("2018-01-01") + rng.integers(0, 2000, DISTINCT_DATES)
    full = [str(d) for d in days]
    values: list[str | None] = full[: DISTINCT_DATES - 400]
    values += [d[:7] for d in full[-400:-300]] + [d[:4] for d in full[-300:-250]]
    values += [f"{d[:4]}-UN-UN" for d in full[-250:-200]] + [f"{d}T08:30" for d in full[-200:-100]]
    values += ["14/03/2019", "2019-02-30", "", "  "] + [None] * 96
    return values


def dataset(rows: int, columns: int, seed: int = 1) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    choices = pl.Series(date_values(rng), dtype=pl.String)
    data = {"USUBJID": [f"S-{i // 20:06d}" for i in range(rows)], "ASEQ": np.arange(rows) % 20 + 1}
    for k in range(columns):
        data[f"D{k:02d}DTC"] = choices.gather(rng.integers(0, choices.len(), rows))
    return pl.DataFrame(data)


def timed(step) -> float:
    start = time.perf_counter()
    step()
    return time.perf_counter() - start


def bench(rows: int, columns: int, folder: Path) -> tuple[float, float]:
    """Seconds of a bare read and of load_study on one written dataset of `columns` *DTC columns."""
    snapshot = folder / f"k{columns}"
    snapshot.mkdir()
    dataset(rows, columns).write_parquet(snapshot / "adxx.parquet")
    bare = timed(lambda: pl.read_parquet(snapshot / "adxx.parquet"))
    load = timed(lambda: load_study(snapshot))
    return bare, load


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--columns", default="10,20,40", help="comma-separated counts of *DTC columns")
    args = parser.parse_args()
    counts = [int(c) for c in args.columns.split(",")]
    print(f"{args.rows:,} rows; seconds (bare parquet read vs load_study with date bounds)")
    print(f"{'*DTC columns':>12} {'bare read':>10} {'load':>8} {'load/column':>12} {'ratio':>7}")
    with tempfile.TemporaryDirectory() as tmp:
        for columns in counts:
            bare, load = bench(args.rows, columns, Path(tmp))
            print(f"{columns:>12} {bare:>10.3f} {load:>8.3f} {load / columns:>12.4f} {load / bare:>7.1f}")


if __name__ == "__main__":
    main()
