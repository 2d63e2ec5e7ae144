"""Time `check` with the dates pack on a 20,000-subject parquet snapshot against a bare Polars read of the same files.

    .venv/bin/python benchmarks/bench_check.py [--subjects 20000] [--dir /tmp/escc-20000]

The snapshot comes from `trial-audit example escc DIR --subjects N --format parquet`
(reused when DIR already holds it).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

import polars as pl


def ensure_snapshot(folder: Path, subjects: int) -> Path:
    """Generate the reference study at scale unless the folder already holds parquet files."""
    if folder.is_dir() and any(folder.glob("*.parquet")):
        return folder
    cli = str(Path(sys.executable).parent / "trial-audit")
    command = [cli, "example", "escc", str(folder), "--subjects", str(subjects), "--format", "parquet"]
    completed = subprocess.run(command, capture_output=True, text=True)
    if completed.returncode != 0 or not any(folder.glob("*.parquet")):
        sys.exit(f"cannot generate the snapshot: {completed.stderr.strip() or completed.stdout.strip()}")
    return folder


def bare_read(folder: Path) -> float:
    """Seconds to read every parquet file fully with Polars: the floor any check pays."""
    started = time.perf_counter()
    for path in sorted(folder.glob("*.parquet")):
        pl.read_parquet(path)
    return time.perf_counter() - started


def dates_check(folder: Path) -> tuple[float, int]:
    """Seconds to load the snapshot and run the dates pack, and how many findings it reported."""
    from audit.engine import run_audit
    from audit.study import load_study

    started = time.perf_counter()
    result = run_audit(load_study(folder), select=["DATE"])
    return time.perf_counter() - started, sum(r.count for r in result.results)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subjects", type=int, default=20_000)
    parser.add_argument("--dir", type=Path, default=None)
    args = parser.parse_args()
    folder = ensure_snapshot(args.dir or Path(f"/tmp/trial-audit-escc-{args.subjects}"), args.subjects)
    rows = sum(pl.scan_parquet(p).select(pl.len()).collect().item() for p in folder.glob("*.parquet"))
    read_s = bare_read(folder)
    check_s, findings = dates_check(folder)
    print(f"snapshot {folder}: {args.subjects} subjects, {rows} rows")
    print(f"{'bare Polars read':<28}{read_s:>9.2f} s")
    print(f"{'check (dates pack)':<28}{check_s:>9.2f} s   {findings} findings")
    print(f"{'ratio check / read':<28}{check_s / read_s:>9.1f} x")


if __name__ == "__main__":
    main()
