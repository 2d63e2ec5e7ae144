"""Expectation suites run natively: GX 1.x semantics on Polars, suite-file errors, record pinning."""

from __future__ import annotations

import json

import polars as pl
import pytest

from audit.errors import AuditInputError
from audit.expectations import FAILED, NOT_APPLICABLE, PASSED, load_suite, load_suites, run_suites
from audit.packs import expectations_dir
from audit.study import load_study
from tests.expectation_support import expectation, run_one, write_snapshot, write_suite

AE = pl.DataFrame(
    {
        "USUBJID": ["S1", "S1", "S2", "S3", None],
        "AESEQ": [1, 2, 1, 1, 1],
        "AESER": ["Y", "N", "X", None, "N"],
        "AETOXGR": ["1", "3", "6", "2", None],
        "AESTDTC": ["2020-01-05", "2020-1-5", "2020-02", None, "x2020-01-01"],
    }
)


def test_in_set_ignores_nulls_and_pins_the_unexpected_record(tmp_path):
    outcome = run_one(
        tmp_path, AE, expectation("expect_column_values_to_be_in_set", column="AESER", value_set=["Y", "N"])
    )
    assert (outcome.status, outcome.unexpected_count, outcome.element_count) == (FAILED, 1, 5)
    assert outcome.unexpected.rows(named=True) == [{"ROW": 3, "USUBJID": "S2", "AESEQ": 1, "AESER": "X"}]


def test_not_null_counts_every_missing_value(tmp_path):
    outcome = run_one(tmp_path, AE, expectation("expect_column_values_to_not_be_null", column="AESER"))
    assert outcome.unexpected_count == 1
    assert outcome.unexpected["ROW"].to_list() == [4]


def test_nan_in_a_float_column_is_missing_as_in_pandas(tmp_path):
    frame = pl.DataFrame({"USUBJID": ["S1", "S2"], "LBSTRESN": [float("nan"), -1.0]})
    record = expectation("expect_column_values_to_be_between", column="LBSTRESN", min_value=0)
    assert run_one(tmp_path, frame, record, dataset="LB").unexpected_count == 1
    null_check = expectation("expect_column_values_to_not_be_null", column="LBSTRESN")
    assert run_one(tmp_path / "b", frame, null_check, dataset="LB").unexpected_count == 1


def test_regex_matches_anywhere_in_the_value_like_re_search(tmp_path):
    unanchored = expectation("expect_column_values_to_match_regex", column="AESTDTC", regex=r"\d{4}-\d{2}")
    assert run_one(tmp_path, AE, unanchored).unexpected_count == 1  # only "2020-1-5"
    anchored = expectation("expect_column_values_to_match_regex", column="AESTDTC", regex=r"^\d{4}-\d{2}")
    assert run_one(tmp_path / "b", AE, anchored).unexpected_count == 2


def test_strict_bounds_exclude_the_bound_itself(tmp_path):
    frame = pl.DataFrame({"USUBJID": ["S1", "S2", "S3"], "AGE": [18, 19, 120]})
    loose = expectation("expect_column_values_to_be_between", column="AGE", min_value=18, max_value=120)
    strict = expectation(
        "expect_column_values_to_be_between", column="AGE", min_value=18, max_value=120, strict_min=True
    )
    assert run_one(tmp_path, frame, loose, dataset="DM").status == PASSED
    assert run_one(tmp_path / "b", frame, strict, dataset="DM").unexpected_count == 1


def test_mostly_passes_when_the_expected_share_is_reached(tmp_path):
    record = expectation("expect_column_values_to_be_in_set", column="AETOXGR", value_set=["1", "2", "3"], mostly=0.75)
    outcome = run_one(tmp_path, AE, record)
    assert (outcome.status, outcome.unexpected_count) == (PASSED, 1)


def test_unique_flags_every_copy_of_a_repeated_value(tmp_path):
    outcome = run_one(tmp_path, AE, expectation("expect_column_values_to_be_unique", column="USUBJID"))
    assert outcome.unexpected["ROW"].to_list() == [1, 2]


def test_compound_unique_ignores_rows_whose_key_is_wholly_missing(tmp_path):
    frame = pl.DataFrame({"USUBJID": ["S1", "S1", None, None, "S2"], "AESEQ": [1, 1, None, None, None]})
    record = expectation("expect_compound_columns_to_be_unique", column_list=["USUBJID", "AESEQ"])
    outcome = run_one(tmp_path, frame, record)
    assert (outcome.unexpected_count, outcome.element_count) == (2, 5)


def test_numbers_never_match_text_members_of_a_value_set(tmp_path):
    frame = pl.DataFrame({"USUBJID": ["S1", "S2"], "AETOXGR": [1, 7]})
    text_only = expectation("expect_column_values_to_be_in_set", column="AETOXGR", value_set=["1", "7"])
    assert run_one(tmp_path, frame, text_only).unexpected_count == 2
    mixed = expectation("expect_column_values_to_be_in_set", column="AETOXGR", value_set=["1", 1])
    assert run_one(tmp_path / "b", frame, mixed).unexpected_count == 1


def test_integer_column_with_nulls_has_the_pandas_type_float64(tmp_path):
    frame = pl.DataFrame({"USUBJID": ["S1", "S2"], "AESEQ": [1, None]})
    record = expectation("expect_column_values_to_be_in_type_list", column="AESEQ", type_list=["int64"])
    outcome = run_one(tmp_path, frame, record)
    assert (outcome.status, outcome.observed_value) == (FAILED, "float64")


def test_text_column_is_checked_value_by_value_as_str(tmp_path):
    record = expectation("expect_column_values_to_be_of_type", column="AESER", type_="str")
    outcome = run_one(tmp_path, AE, record)
    assert (outcome.status, outcome.unexpected_count) == (PASSED, 0)


def test_value_lengths_count_characters(tmp_path):
    record = expectation("expect_column_value_lengths_to_be_between", column="AESTDTC", min_value=8, max_value=10)
    assert run_one(tmp_path, AE, record).unexpected_count == 2  # "2020-02" and "x2020-01-01"


def test_row_count_reports_the_observed_count(tmp_path):
    outcome = run_one(tmp_path, AE, expectation("expect_table_row_count_to_be_between", min_value=6))
    assert (outcome.status, outcome.observed_value) == (FAILED, 5)


def test_expectation_on_an_absent_column_is_not_applicable_with_the_reason(tmp_path):
    outcome = run_one(tmp_path, AE, expectation("expect_column_values_to_not_be_null", column="AEOUT"))
    assert (outcome.status, outcome.message) == (NOT_APPLICABLE, "AE has no variable AEOUT")


def test_absent_column_fails_expect_column_to_exist(tmp_path):
    assert run_one(tmp_path, AE, expectation("expect_column_to_exist", column="AEOUT")).status == FAILED


def test_suite_for_an_absent_dataset_is_not_applicable(tmp_path):
    study = load_study(write_snapshot(tmp_path / "snapshot", {"AE": AE}))
    suite = load_suite(write_suite(tmp_path, "LB", [expectation("expect_column_to_exist", column="LBSEQ")]))
    assert [o.status for o in run_suites(study, [suite])] == [NOT_APPLICABLE]


def test_unsupported_expectation_type_is_an_input_error_naming_it_and_the_file(tmp_path):
    study = load_study(write_snapshot(tmp_path / "snapshot", {"AE": AE}))
    path = write_suite(tmp_path, "AE", [expectation("expect_column_kl_divergence_to_be_less_than", column="AESEQ")])
    with pytest.raises(AuditInputError, match="expect_column_kl_divergence_to_be_less_than") as raised:
        run_suites(study, [load_suite(path)])
    assert raised.value.file == str(path)


def test_unknown_keyword_argument_is_an_input_error_naming_the_field(tmp_path):
    study = load_study(write_snapshot(tmp_path / "snapshot", {"AE": AE}))
    path = write_suite(
        tmp_path, "AE", [expectation("expect_column_values_to_be_unique", column="AESEQ", colum="AESEQ")]
    )
    with pytest.raises(AuditInputError) as raised:
        run_suites(study, [load_suite(path)])
    assert raised.value.field == "kwargs.colum"


def test_row_condition_outside_the_native_grammar_is_an_input_error_naming_the_field(tmp_path):
    study = load_study(write_snapshot(tmp_path / "snapshot", {"AE": AE}))
    record = expectation(
        "expect_column_values_to_not_be_null", column="AESER", row_condition="AESEQ > 1", condition_parser="pandas"
    )
    with pytest.raises(AuditInputError) as raised:
        run_suites(study, [load_suite(write_suite(tmp_path, "AE", [record]))])
    assert raised.value.field == "kwargs.row_condition"


def test_row_condition_without_the_pandas_parser_is_refused_rather_than_ignored(tmp_path):
    study = load_study(write_snapshot(tmp_path / "snapshot", {"AE": AE}))
    record = expectation("expect_column_values_to_not_be_null", column="AESER", row_condition="AESEQ == 1")
    with pytest.raises(AuditInputError, match="condition_parser"):
        run_suites(study, [load_suite(write_suite(tmp_path, "AE", [record]))])


DM = pl.DataFrame(
    {
        "USUBJID": ["S1", "S2", "S3", "S4"],
        "ARMCD": ["Scrnfail", "A", "A", None],
        "RFSTDTC": [None, None, "2020-01-02", None],
    }
)
TREATED = '~ARMCD.str.upper().isin(["SCRNFAIL"]) and ARMCD.notnull()'


def test_row_condition_checks_only_the_rows_it_keeps_and_pins_them_in_the_whole_dataset(tmp_path):
    record = expectation(
        "expect_column_values_to_not_be_null", column="RFSTDTC", row_condition=TREATED, condition_parser="pandas"
    )
    outcome = run_one(tmp_path, DM, record, dataset="DM")
    assert (outcome.element_count, outcome.unexpected_count) == (2, 1)
    assert outcome.unexpected["USUBJID"].to_list() == ["S2"]


def test_missing_value_is_not_equal_to_any_text_as_in_pandas(tmp_path):
    record = expectation(
        "expect_column_values_to_not_be_null", column="RFSTDTC", row_condition='ARMCD != "A"',
        condition_parser="pandas",
    )
    outcome = run_one(tmp_path, DM, record, dataset="DM")
    assert outcome.unexpected["USUBJID"].to_list() == ["S1", "S4"]


def test_row_condition_on_an_absent_column_is_not_applicable(tmp_path):
    record = expectation(
        "expect_column_values_to_not_be_null", column="RFSTDTC", row_condition='ACTARMCD != "A"',
        condition_parser="pandas",
    )
    outcome = run_one(tmp_path, DM, record, dataset="DM")
    assert outcome.status == NOT_APPLICABLE and "ACTARMCD" in outcome.message


def test_distinct_values_outside_the_set_are_listed_once_each_with_their_record_count(tmp_path):
    frame = pl.DataFrame({"USUBJID": ["S1"] * 5, "LBSEQ": [1, 2, 3, 4, 5],
                          "LBTESTCD": ["WBC", "SODIUM", "SODIUM", "K", None]})
    record = expectation("expect_column_distinct_values_to_be_in_set", column="LBTESTCD", value_set=["WBC"])
    outcome = run_one(tmp_path, frame, record, dataset="LB")
    assert outcome.status == FAILED
    assert outcome.unexpected_values == (("K", 1), ("SODIUM", 2))


def test_suite_parameter_brings_the_lab_tests_the_ctcae_grader_covers(tmp_path):
    frame = pl.DataFrame({"USUBJID": ["S1", "S1"], "LBSEQ": [1, 2], "LBTESTCD": ["HGB", "SODIUM"]})
    value_set = {"$PARAMETER": "ctcae_lab_tests"}
    record = expectation("expect_column_distinct_values_to_be_in_set", column="LBTESTCD", value_set=value_set)
    assert run_one(tmp_path, frame, record, dataset="LB").unexpected_values == (("SODIUM", 1),)


def test_unknown_suite_parameter_is_an_input_error_naming_the_field(tmp_path):
    study = load_study(write_snapshot(tmp_path / "snapshot", {"AE": AE}))
    record = expectation("expect_column_values_to_be_in_set", column="AESER", value_set={"$PARAMETER": "nosuch"})
    with pytest.raises(AuditInputError) as raised:
        run_suites(study, [load_suite(write_suite(tmp_path, "AE", [record]))])
    assert raised.value.field == "kwargs.value_set"


def test_severity_comes_from_meta_and_defaults_to_major(tmp_path):
    graded = {**expectation("expect_column_to_exist", column="AESEQ"), "meta": {"severity": "critical"}}
    plain = expectation("expect_column_to_exist", column="AESER")
    suite = load_suite(write_suite(tmp_path, "AE", [graded, plain]))
    assert [e.severity for e in suite.expectations] == ["critical", "major"]


def test_unknown_severity_is_an_input_error(tmp_path):
    record = {**expectation("expect_column_to_exist", column="AESEQ"), "meta": {"severity": "urgent"}}
    with pytest.raises(AuditInputError, match="severity"):
        load_suite(write_suite(tmp_path, "AE", [record]))


def test_invalid_json_names_the_suite_file(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text("{", encoding="utf-8")
    with pytest.raises(AuditInputError) as raised:
        load_suite(path)
    assert raised.value.file == str(path)


def test_every_built_in_suite_is_valid_gx_json_the_native_engine_runs():
    suites = load_suites(expectations_dir())
    assert {s.dataset for s in suites} == {
        "DM",
        "AE",
        "LB",
        "EX",
        "DS",
        "TU",
        "TR",
        "RS",
        "ADSL",
        "ADRS",
        "ADTTE",
        "ADAE",
    }
    raw = json.loads((expectations_dir() / "ae.json").read_text())
    assert set(raw) == {"name", "expectations", "meta"}
    assert all(set(e) == {"type", "kwargs", "meta"} for e in raw["expectations"])
