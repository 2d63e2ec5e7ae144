"""The native engine agrees with Great Expectations, and GX is never imported unless asked for."""

from __future__ import annotations

import subprocess
import sys

import polars as pl
import pytest

from audit.errors import AuditInputError
from audit.expectations import FAILED, PASSED, load_suites, run_suites
from audit.packs import expectations_dir
from audit.study import load_study
from tests.expectation_support import clean_study_frames, damaged_study_frames, write_snapshot

SUBJECTS = 30


def _comparable(outcomes):
    return [
        (o.rule_id, o.status, o.element_count, o.unexpected_count, o.observed_value, o.unexpected.rows())
        for o in outcomes
    ]


@pytest.fixture(scope="module")
def built_in_suites():
    return load_suites(expectations_dir())


@pytest.fixture(scope="module")
def snapshots(tmp_path_factory):
    root = tmp_path_factory.mktemp("snapshots")
    return {
        "clean-parquet": write_snapshot(root / "clean", clean_study_frames(SUBJECTS)),
        "damaged-parquet": write_snapshot(root / "damaged", damaged_study_frames(SUBJECTS)),
        "damaged-csv": write_snapshot(root / "damaged-csv", damaged_study_frames(SUBJECTS), fmt="csv"),
    }


@pytest.mark.parametrize("snapshot", ["clean-parquet", "damaged-parquet", "damaged-csv"])
def test_native_and_gx_report_the_same_counts_and_records_for_every_built_in_expectation(
    snapshot, snapshots, built_in_suites
):
    study = load_study(snapshots[snapshot])
    native = run_suites(study, built_in_suites, engine="native")
    gx = run_suites(study, built_in_suites, engine="gx")
    assert _comparable(native) == _comparable(gx)


def test_clean_study_passes_every_built_in_expectation(snapshots, built_in_suites):
    outcomes = run_suites(load_study(snapshots["clean-parquet"]), built_in_suites)
    assert {o.rule_id: o.status for o in outcomes if o.status != PASSED} == {}


def test_damaged_study_fails_an_expectation_in_every_built_in_suite(snapshots, built_in_suites):
    outcomes = run_suites(load_study(snapshots["damaged-parquet"]), built_in_suites)
    failing = {o.dataset for o in outcomes if o.status == FAILED}
    assert failing == {s.dataset for s in built_in_suites}


def test_gx_engine_without_the_extra_says_how_to_install_it(tmp_path, monkeypatch, built_in_suites):
    study = load_study(write_snapshot(tmp_path, {"DM": clean_study_frames(3)["DM"]}))
    monkeypatch.setitem(sys.modules, "great_expectations", None)
    with pytest.raises(AuditInputError, match=r"install trial-audit\[gx\]"):
        run_suites(study, built_in_suites, engine="gx")


def test_cli_and_native_runs_never_import_great_expectations(snapshots):
    script = (
        "import sys\n"
        "from typer.testing import CliRunner\n"
        "import audit.cli\n"
        "from audit.cli.app import app\n"
        "assert CliRunner().invoke(app, ['--help']).exit_code == 0\n"
        "from audit.expectations import load_suites, run_suites\n"
        "from audit.packs import expectations_dir\n"
        "from audit.study import load_study\n"
        f"run_suites(load_study({str(snapshots['damaged-parquet'])!r}), load_suites(expectations_dir()))\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'great_expectations'))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_gx_reports_every_distinct_value_outside_the_set_not_only_its_first_twenty(tmp_path):
    from tests.expectation_support import expectation, run_one

    tests = [f"T{i:02d}" for i in range(25)]
    frame = pl.DataFrame({"USUBJID": "S1", "LBSEQ": range(1, 26), "LBTESTCD": tests})
    record = expectation("expect_column_distinct_values_to_be_in_set", column="LBTESTCD", value_set=["WBC"])
    native, gx = (run_one(tmp_path / engine, frame, record, engine=engine, dataset="LB") for engine in ("native", "gx"))
    assert gx.unexpected_count == 25
    assert gx.unexpected_values == native.unexpected_values == tuple((t, 1) for t in tests)
