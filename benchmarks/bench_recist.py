"""Time the RECIST 1.1 derivations on the reference study generated at 20,000 subjects (and 1/10 of it).

Run: .venv/bin/python benchmarks/bench_recist.py [--subjects 20000] [--snapshot DIR]
Generates the reference study (TU, SUPPTU, TR, RS, DM), writes it as parquet,
loads it, then collects every "recist.*" derivation once. Prints rows, seconds
and subjects per second at 1/10 and full scale side by side, so a superlinear
regression shows as a ratio. With --snapshot it times that snapshot instead.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from audit.derive import DeriveContext, NotApplicable, registered_derivations
from audit.study import load_study
from audit.synth import generate_escc, write_snapshot

TUMOUR_DATASETS = ("DM", "TU", "SUPPTU", "TR", "RS", "ADRS")


def time_derivations(folder: Path) -> tuple[int, int, float]:
    """(subjects, rows derived, seconds) for every recist.* derivation of one snapshot."""
    study = load_study(folder)
    ctx = DeriveContext(study)
    names = [n for n in registered_derivations() if n.startswith("recist.")]
    started = time.perf_counter()
    rows = 0
    for name in names:
        try:
            rows += ctx.derived(name).collect().height
        except NotApplicable:
            continue
    seconds = time.perf_counter() - started
    subjects = study.frame("DM").select("USUBJID").collect().height
    return subjects, rows, seconds


def generated(subjects: int, root: Path) -> Path:
    folder = root / f"escc-{subjects}"
    data = generate_escc(subjects=subjects)
    write_snapshot({k: v for k, v in data.items() if k in TUMOUR_DATASETS}, folder, "parquet")
    return folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subjects", type=int, default=20_000)
    parser.add_argument("--snapshot", type=Path, default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folders = [args.snapshot] if args.snapshot else [generated(n, Path(tmp)) for n in
                                                         (args.subjects // 10, args.subjects)]
        results = [time_derivations(f) for f in folders]
    print(f"{'subjects':>9} {'rows':>10} {'seconds':>8} {'subjects/s':>11}")
    for subjects, rows, seconds in results:
        print(f"{subjects:>9,} {rows:>10,} {seconds:>8.2f} {subjects / seconds:>11,.0f}")
    if len(results) == 2:
        ratio = results[1][2] / results[0][2]
        print(f"time ratio full/tenth: {ratio:.1f} (10 is linear)")


if __name__ == "__main__":
    main()
