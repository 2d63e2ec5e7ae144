"""Time the reference-study generator at scale and print rows per dataset.

Usage: .venv/bin/python benchmarks/bench_synth.py [SUBJECTS] [FORMAT]
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from audit.synth import generate_escc, write_snapshot


def main(subjects: int = 20_000, fmt: str = "parquet") -> None:
    started = time.perf_counter()
    datasets = generate_escc(subjects=subjects)
    generated = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        write_snapshot(datasets, Path(folder), fmt)
    written = time.perf_counter()
    for name, frame in datasets.items():
        print(f"{name:7s} {frame.height:>12,d} rows")
    print(f"total   {sum(f.height for f in datasets.values()):>12,d} rows, {subjects:,d} subjects")
    print(f"generate {generated - started:6.2f} s   write {fmt} {written - generated:6.2f} s")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20_000, sys.argv[2] if len(sys.argv) > 2 else "parquet")
