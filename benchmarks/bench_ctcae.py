"""Time CTCAE v5 grading of the LB of a 20,000-subject snapshot (11 tests x 10 visits each).

Run: .venv/bin/python benchmarks/bench_ctcae.py [--subjects 20000] [--visits 10] [--snapshot DIR]
Prints the records graded, the seconds taken and the throughput, at 1/10 and
full scale side by side, so a superlinear regression shows as a ratio. With
--snapshot it grades that snapshot's LB instead (e.g. the reference study at
scale: `trial-audit example escc DIR --subjects 20000 --format parquet`).
"""

from __future__ import annotations

import argparse
import time
from datetime import date, timedelta

import numpy as np
import polars as pl

from audit.derive.ctcae import grade_lab_records, lab_terms, lab_units

# Adult normal ranges in the grading table's units (LLN, ULN).
NORMAL_RANGE = {
    "WBC": (4.0, 10.0),
    "NEUT": (2.0, 7.0),
    "LYM": (1.1, 3.2),
    "PLAT": (150.0, 400.0),
    "HGB": (130.0, 175.0),
    "ALB": (35.0, 50.0),
    "ALT": (0.0, 40.0),
    "AST": (0.0, 40.0),
    "ALP": (40.0, 150.0),
    "BILI": (3.0, 21.0),
    "CREAT": (60.0, 110.0),
}


def standard_unit(testcd: str) -> str:
    """The unit the grading table uses for a test (conversion factor 1)."""
    units = lab_units().filter((pl.col("LBTESTCD") == testcd) & (pl.col("factor") == 1.0))
    return units["standard_unit"][0]


def scaled_snapshot(subjects: int, visits: int, seed: int = 20171127) -> tuple[pl.LazyFrame, ...]:
    """LB and DM of `subjects` subjects: a pre-dose baseline then weekly on-treatment values."""
    rng = np.random.default_rng(seed)
    tests = sorted(lab_terms()["LBTESTCD"])
    units = {t: standard_unit(t) for t in tests}
    ids = np.array([f"BENCH-{i:06d}" for i in range(subjects)])
    n = subjects * len(tests) * visits
    subject = np.repeat(ids, len(tests) * visits)
    testcd = np.tile(np.repeat(tests, visits), subjects)
    visit = np.tile(np.arange(visits), subjects * len(tests))
    lln = np.array([NORMAL_RANGE[t][0] for t in testcd])
    uln = np.array([NORMAL_RANGE[t][1] for t in testcd])
    # Values spread from deep below LLN to far above ULN so every grade occurs.
    value = np.round((lln + uln) / 2 * rng.lognormal(0.0, 0.8, n), 2)
    first = date(2020, 1, 15)
    day = [(first + timedelta(days=int(d))).isoformat() for d in range(-1, 7 * visits)]
    lb = pl.LazyFrame(
        {
            "USUBJID": subject,
            "LBSEQ": np.tile(np.arange(1, len(tests) * visits + 1), subjects),
            "LBTESTCD": testcd,
            "LBSTRESN": value,
            "LBSTRESU": np.array([units[t] for t in testcd]),
            "LBSTNRLO": lln,
            "LBSTNRHI": uln,
            "LBDTC": np.array(day)[np.where(visit == 0, 0, visit * 7)],
        }
    )
    dm = pl.LazyFrame({"USUBJID": ids, "RFSTDTC": [first.isoformat()] * subjects})
    return lb, dm


def time_grading(subjects: int, visits: int) -> tuple[int, float]:
    lb, dm = scaled_snapshot(subjects, visits)
    lb = lb.collect().lazy()  # time grading, not building the input
    start = time.perf_counter()
    graded = grade_lab_records(lb, dm).collect()
    return graded.height, time.perf_counter() - start


def time_snapshot(folder: str) -> tuple[int, float]:
    """Load a snapshot and grade its LB, timing both (what `derive ctcae` does)."""
    from audit.derive import DeriveContext
    from audit.study import load_study

    start = time.perf_counter()
    graded = DeriveContext(load_study(folder)).derived("ctcae.lab_grades").collect()
    return graded.height, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subjects", type=int, default=20_000)
    parser.add_argument("--visits", type=int, default=10)
    parser.add_argument("--snapshot", default=None, help="grade this snapshot's LB instead")
    args = parser.parse_args()
    if args.snapshot:
        records, seconds = time_snapshot(args.snapshot)
        print(f"{args.snapshot}: {records:,} lab records graded in {seconds:.2f} s")
        return
    print(f"{'subjects':>9} {'records':>10} {'seconds':>8} {'records/s':>11}")
    for subjects in (args.subjects // 10, args.subjects):
        records, seconds = time_grading(subjects, args.visits)
        print(f"{subjects:>9,} {records:>10,} {seconds:>8.2f} {records / seconds:>11,.0f}")


if __name__ == "__main__":
    main()
