"""Time the built-in expectation suites natively and through Great Expectations on one snapshot.

Run: .venv/bin/python benchmarks/bench_expectations.py [--subjects 20000] [--snapshot PATH]
Needs the gx extra. Without --snapshot it writes a parquet snapshot of the
given size (the damaged study of the expectation tests: every suite has
failures to count). Both engines must report the same counts; it prints the
seconds of the whole process (start-up, import, load, validate, via a
subprocess) and of validation alone, with GX/native ratios side by side.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the snapshot builder is shared with the tests

from audit.expectations import load_suites, run_suites  # noqa: E402
from audit.packs import expectations_dir  # noqa: E402
from audit.study import load_study  # noqa: E402

WHOLE_RUN = (
    "import sys; from audit.expectations import load_suites, run_suites; from audit.packs import expectations_dir;"
    "from audit.study import load_study;"
    "o = run_suites(load_study(sys.argv[1]), load_suites(expectations_dir()), engine=sys.argv[2]);"
    "print(sum(x.unexpected_count or 0 for x in o))"
)


def write_snapshot(folder: Path, subjects: int) -> Path:
    """A parquet snapshot of every dataset the built-in suites check."""
    from tests.expectation_support import damaged_study_frames, write_snapshot

    return write_snapshot(folder, damaged_study_frames(subjects))


def counts(outcomes) -> list[tuple]:
    return [(o.rule_id, o.status, o.unexpected_count, o.observed_value) for o in outcomes]


def validation_alone(snapshot: Path) -> dict[str, tuple[float, list]]:
    """Seconds of run_suites per engine, loaded study and GX import excluded."""
    from audit.expectations import gx_engine

    gx_engine._context()  # import GX and build its context before timing
    study, suites = load_study(snapshot), load_suites(expectations_dir())
    timed = {}
    for engine in ("native", "gx"):
        start = time.perf_counter()
        outcomes = run_suites(study, suites, engine=engine)
        timed[engine] = (time.perf_counter() - start, counts(outcomes))
    return timed


def whole_process(snapshot: Path, engine: str) -> tuple[float, str]:
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", WHOLE_RUN, str(snapshot), engine], capture_output=True, text=True, check=True, cwd=ROOT
    )
    return time.perf_counter() - start, done.stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subjects", type=int, default=20_000)
    parser.add_argument("--snapshot", type=Path, help="an existing snapshot folder (default: write one)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        snapshot = args.snapshot or write_snapshot(Path(scratch) / "snapshot", args.subjects)
        study = load_study(snapshot)
        rows = sum(i.n_rows for i in study.info.values())
        print(f"snapshot {snapshot}: {len(study.info)} datasets, {rows:,} rows")
        alone = validation_alone(snapshot)
        assert alone["native"][1] == alone["gx"][1], "native and GX counts differ"
        failed = sum(1 for c in alone["native"][1] if c[1] == "failed")
        unexpected = sum(c[2] or 0 for c in alone["native"][1])
        print(
            f"{len(alone['native'][1])} expectations, {failed} failed, {unexpected:,} unexpected values: same in both"
        )
        whole = {engine: whole_process(snapshot, engine) for engine in ("native", "gx")}
        assert whole["native"][1] == whole["gx"][1], "native and GX counts differ in the whole run"
    print(f"{'measure':<26}{'native s':>10}{'gx s':>10}{'gx/native':>11}")
    for name, native, gx in (
        ("validation alone", alone["native"][0], alone["gx"][0]),
        ("whole process", whole["native"][0], whole["gx"][0]),
    ):
        print(f"{name:<26}{native:>10.2f}{gx:>10.2f}{gx / native:>10.1f}x")


if __name__ == "__main__":
    main()
