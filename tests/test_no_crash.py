"""Inputs that once stopped a command with a traceback: each is now a finding, a note or one `error:` line."""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path

import polars as pl
import pytest
import yaml
from typer.testing import CliRunner

import audit.cli  # noqa: F401  (registers every command)
from audit.cli.app import app
from audit.packs import examples_dir

CLAIMS = examples_dir() / "escc-rt-camrelizumab" / "claims.yaml"
runner = CliRunner()


def invoke(*args: object):
    """Run one command in-process; an uncaught exception fails the test with its type."""
    result = runner.invoke(app, [str(a) for a in args])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"{args[0]} raised {type(result.exception).__name__}: {result.exception}")
    return result


def assert_input_error(result, *fragments: str) -> None:
    """Exit 2 and one line on stderr, starting 'error:', naming what was wrong, of bounded length."""
    lines = result.stderr.strip().splitlines()
    assert result.exit_code == 2, result.output
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert len(lines[0]) <= 320
    for fragment in fragments:
        assert fragment in lines[0], lines[0]


def edited(reference, tmp_path: Path, **edits: Callable[[pl.DataFrame], pl.DataFrame]) -> Path:
    """A copy of the clean reference snapshot with some datasets changed."""
    snapshot = tmp_path / "snapshot"
    shutil.copytree(reference.clean, snapshot)
    for name, edit in edits.items():
        path = snapshot / f"{name.lower()}.parquet"
        edit(pl.read_parquet(path)).write_parquet(path)
    return snapshot


def claims_with(tmp_path: Path, edit: Callable[[dict], None]) -> Path:
    """The reference claims file with one edit."""
    document = yaml.safe_load(CLAIMS.read_text(encoding="utf-8"))
    edit(document)
    path = tmp_path / "claims.yaml"
    path.write_text(yaml.safe_dump(document), encoding="utf-8")
    return path


def _claim(document: dict, claim_id: str) -> dict:
    return next(c for c in document["claims"] if c["id"] == claim_id)


def test_year_0000_dates_are_invalid_dates_not_a_crash(reference, tmp_path):
    dcut = pl.when(pl.col("TSPARMCD") == "DCUTDTC").then(pl.lit("0000-01-01")).otherwise("TSVAL")
    snapshot = edited(reference, tmp_path, DM=lambda f: f.with_columns(pl.lit("0000-01-01").alias("RFSTDTC")),
                      TS=lambda f: f.with_columns(dcut.alias("TSVAL")))
    result = invoke("inspect", snapshot, "--format", "json")
    assert result.exit_code == 0
    document = json.loads(result.stdout)
    assert document["cutoff_source"].startswith("ADSL.")  # TS gives none, so ADSL's is read
    assert next(d for d in document["datasets"] if d["name"] == "DM")["invalid_dates"] == 49
    assert invoke("check", snapshot).exit_code in (0, 1)


def test_an_all_missing_ts_value_gives_no_cutoff_from_ts(reference, tmp_path):
    snapshot = edited(reference, tmp_path, TS=lambda f: f.with_columns(pl.lit(None, pl.String).alias("TSVAL")))
    result = invoke("inspect", snapshot, "--format", "json")
    assert result.exit_code == 0 and json.loads(result.stdout)["cutoff_source"].startswith("ADSL.")


def test_blank_ts_values_give_no_cutoff_and_verify_runs(reference, tmp_path):
    snapshot = edited(reference, tmp_path, TS=lambda f: f.with_columns(pl.lit("  ").alias("TSVAL")))
    assert invoke("verify", snapshot, "--claims", CLAIMS).exit_code in (0, 1)


@pytest.mark.parametrize("name, edit", [
    ("date-rfstdtc", {"DM": lambda f: f.with_columns(pl.col("RFSTDTC").str.to_date(strict=False))}),
    ("categorical-usubjid", {d: (lambda f: f.with_columns(pl.col("USUBJID").cast(pl.Categorical)))
                             for d in ("DM", "ADSL")}),
    ("integer-usubjid", {d: (lambda f: f.with_columns(pl.int_range(pl.len()).alias("USUBJID")))
                         for d in ("DM", "ADSL")}),
    ("struct-lbstresn", {"LB": lambda f: f.with_columns(pl.struct(pl.col("LBSTRESN").alias("v")).alias("LBSTRESN"))}),
])
def test_typed_parquet_columns_are_read(reference, tmp_path, name, edit):
    snapshot = edited(reference, tmp_path, **edit)
    assert invoke("check", snapshot).exit_code in (0, 1)
    assert invoke("verify", snapshot, "--claims", CLAIMS).exit_code in (0, 1)


def test_fractional_cnsr_is_verified_without_a_crash(reference, tmp_path):
    snapshot = edited(reference, tmp_path, ADTTE=lambda f: f.with_columns((pl.col("CNSR") + 0.5).alias("CNSR")))
    assert invoke("verify", snapshot, "--claims", CLAIMS).exit_code in (0, 1)


def test_an_empty_population_leaves_its_proportions_not_reproduced(reference, tmp_path):
    snapshot = edited(reference, tmp_path, ADSL=lambda f: f.with_columns(pl.lit("N").alias("ITTFL")))
    result = invoke("verify", snapshot, "--claims", CLAIMS, "--format", "json")
    assert result.exit_code == 1
    verdicts = {v["claim_id"]: v for v in json.loads(result.stdout)["verdicts"]}
    assert verdicts["orr"]["verdict"] != "reproduced"


@pytest.mark.parametrize("edit, fragments", [
    (lambda d: _claim(d, "n")["measure"].update(population=""), ("claims[n].measure.population",)),
    (lambda d: d["groupings"].update(myelosuppression=[]), ("groupings.myelosuppression",)),
    (lambda d: _claim(d, "n").update(text="9" * 100_000), ("claims[n].text", "at most 500 characters")),
    (lambda d: _claim(d, "orr").update(text="1" * 20 + "%"), ("claims[orr].text", "at most 15 digits")),
])
def test_an_invalid_claim_is_one_line_naming_the_field(reference, tmp_path, edit, fragments):
    claims = claims_with(tmp_path, edit)
    assert_input_error(invoke("verify", reference.clean, "--claims", claims), *fragments)
    assert_input_error(invoke("claims", "check", claims), *fragments)


def test_a_non_numeric_count_and_an_impossible_date_are_claims_not_applicable(reference, tmp_path):
    def edit(document: dict) -> None:
        _claim(document, "n").update(text="forty-nine")
        _claim(document, "enrol").update(text="2019-02-30 to 2021-13-45")

    claims = claims_with(tmp_path, edit)
    result = invoke("verify", reference.clean, "--claims", claims, "--format", "json")
    assert result.exit_code in (0, 1)
    verdicts = {v["claim_id"]: v["verdict"] for v in json.loads(result.stdout)["verdicts"]}
    assert verdicts["enrol"] == verdicts["n"] == "not_applicable", verdicts
    assert invoke("claims", "check", claims).exit_code in (0, 1)


def test_a_text_bound_on_a_row_count_is_a_suite_error(reference, tmp_path):
    suite = tmp_path / "dm.json"
    suite.write_text(json.dumps({"name": "dm", "meta": {"dataset": "DM"}, "expectations": [
        {"type": "expect_table_row_count_to_be_between", "kwargs": {"min_value": "abc"}}]}), encoding="utf-8")
    assert_input_error(invoke("check", reference.clean, "--expectations", suite), "kwargs.min_value", "'abc'")


def test_a_huge_max_details_is_accepted(reference):
    assert invoke("check", reference.clean, "--max-details", str(10**20)).exit_code in (0, 1)


def test_output_in_a_missing_folder_or_on_a_folder_is_one_line(reference, tmp_path):
    missing = invoke("check", reference.clean, "--format", "json", "--output", tmp_path / "no" / "r.json")
    assert_input_error(missing, "--output", "cannot write")
    assert_input_error(invoke("check", reference.clean, "--format", "json", "--output", tmp_path), "cannot write")


def test_a_symlink_loop_is_not_a_snapshot(tmp_path):
    loop = tmp_path / "loop"
    os.symlink(loop, loop)
    assert_input_error(invoke("inspect", loop), str(loop), "symbolic link that resolves to nothing")


def test_derive_recist_to_xpt_names_the_long_variable_names(reference, tmp_path):
    result = invoke("derive", "recist", reference.clean, "-o", tmp_path / "x.xpt")
    assert_input_error(result, "at most 8 characters", "TARGET_SUM")
    assert not (tmp_path / "x.xpt").exists()


def test_example_defects_on_too_few_subjects_is_a_usage_error(tmp_path):
    result = invoke("example", "escc", tmp_path / "out", "--subjects", "10", "--defects")
    assert_input_error(result, "--defects", "10 subjects are too few")


def test_a_negative_seed_is_a_usage_error(tmp_path):
    assert_input_error(invoke("example", "escc", tmp_path / "out", "--seed", "-1"), "'--seed'")


def test_a_huge_abstract_is_refused_at_once(tmp_path):
    abstract = tmp_path / "abstract.txt"
    abstract.write_text("ORR was 40.8% (95% CI 27.3-55.7). " * 21_000, encoding="utf-8")
    started = time.perf_counter()
    assert_input_error(invoke("claims", "extract", abstract), "at most 50,000")
    assert time.perf_counter() - started < 5


def test_a_long_abstract_within_the_limit_is_drafted_quickly(tmp_path):
    abstract = tmp_path / "abstract.txt"
    abstract.write_text("ORR was 40.8% (95% CI 27.3-55.7) " * 1_400, encoding="utf-8")
    started = time.perf_counter()
    assert invoke("claims", "extract", abstract).exit_code == 0
    assert time.perf_counter() - started < 20


def test_claims_check_with_a_huge_n_is_a_usage_error():
    assert_input_error(invoke("claims", "check", CLAIMS, "--n", str(10**18)), "'--n'")


def test_claims_check_with_a_large_n_does_not_loop_over_it():
    started = time.perf_counter()
    assert invoke("claims", "check", CLAIMS, "--n", "100000000").exit_code in (0, 1)
    assert time.perf_counter() - started < 10


def test_verify_never_writes_into_the_snapshot(reference):
    result = invoke("verify", reference.clean, "--claims", CLAIMS, "--format", "json",
                    "--output", reference.clean / "v.json")
    assert_input_error(result, "refusing to write into the snapshot folder")
    assert not (reference.clean / "v.json").exists()


@pytest.mark.parametrize("args, fragment", [
    (("--bogus",), "No such option: --bogus"),
    (("--max-details", "abc"), "'--max-details'"),
])
def test_a_usage_error_is_one_line_not_a_box(reference, args, fragment):
    assert_input_error(invoke("check", reference.clean, *args), fragment, "trial-audit check -h")


@pytest.mark.parametrize("document, field", [
    ({"columns": "x", "rows": 3}, "field 'columns'"),
    ({"columns": [{"name": "USUBJID"}], "rows": "x"}, "field 'rows'"),
])
def test_malformed_dataset_json_names_the_field(tmp_path, document, field):
    (tmp_path / "dm.json").write_text(json.dumps(document), encoding="utf-8")
    assert_input_error(invoke("inspect", tmp_path), "dm.json", field)


@pytest.mark.parametrize("document", [["a", "b"], {"findings": ["a"]}, "text"])
def test_a_malformed_baseline_is_one_line(reference, tmp_path, document):
    baseline = tmp_path / "baseline.json"
    baseline.write_text(json.dumps(document), encoding="utf-8")
    assert_input_error(invoke("check", reference.clean, "--baseline", baseline), "baseline.json")


def test_a_count_that_is_not_a_whole_number_is_a_claims_file_error(reference, tmp_path):
    claims = claims_with(tmp_path, lambda d: _claim(d, "orr").update(count="abc"))
    assert_input_error(invoke("verify", reference.clean, "--claims", claims), "claims[orr].count")


def test_a_count_above_n_is_inconsistent(tmp_path):
    claims = claims_with(tmp_path, lambda d: _claim(d, "orr").update(count="999"))
    result = invoke("claims", "check", claims)
    assert result.exit_code == 1 and "the count 999 exceeds n = 49" in result.stdout


def test_a_proportion_printed_nr_has_no_grim_test(reference, tmp_path):
    claims = claims_with(tmp_path, lambda d: _claim(d, "orr").update(text="NR-NR"))
    assert invoke("verify", reference.clean, "--claims", claims).exit_code in (0, 1)
