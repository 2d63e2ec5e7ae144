"""Expectation outcomes as rule-like results: findings pinned like rule findings, suites chosen by name."""

from __future__ import annotations

import polars as pl

from audit.expectations.api import select_suites
from audit.expectations.results import rule_result
from tests.expectation_support import expectation, run_one, write_suite
from tests.test_expectations import AE


def test_unexpected_row_becomes_a_finding_pinned_by_usubjid_and_seq(tmp_path):
    outcome = run_one(
        tmp_path, AE, expectation("expect_column_values_to_be_in_set", column="AESER", value_set=["Y", "N"])
    )
    (finding,) = rule_result(outcome).findings
    assert (finding.usubjid, finding.record, finding.values) == ("S2", "AE AESEQ=1", ("X",))


def test_record_without_seq_is_pinned_by_row_number(tmp_path):
    frame = pl.DataFrame({"USUBJID": ["S1", "S2"], "PARAMCD": ["OS", "EFS"]})
    record = expectation("expect_column_values_to_be_in_set", column="PARAMCD", value_set=["OS", "PFS"])
    (finding,) = rule_result(run_one(tmp_path, frame, record, dataset="ADTTE")).findings
    assert finding.record == "ADTTE ROW=2"


def test_rule_result_counts_every_unexpected_row_but_keeps_only_the_cap(tmp_path):
    result = rule_result(run_one(tmp_path, AE, expectation("expect_column_values_to_be_unique", column="AESEQ")), 2)
    assert (result.count, len(result.findings), result.source) == (4, 2, "expectations/ae_suite.json")


def test_user_suite_replaces_the_built_in_suite_of_the_same_name(tmp_path):
    own = write_suite(tmp_path, "DM", [expectation("expect_column_to_exist", column="USUBJID")])
    by_name = {s.name: s for s in select_suites([own])}
    assert len(by_name["dm"].expectations) == 1 and "ae" in by_name


def test_a_value_outside_an_extensible_list_is_one_finding_naming_the_value_and_its_record_count(tmp_path):
    frame = pl.DataFrame({"USUBJID": ["S1", "S1", "S2"], "TRSEQ": [1, 2, 1], "TRTESTCD": ["LPERP", "LPERP", "LDIAM"]})
    record = expectation("expect_column_distinct_values_to_be_in_set", column="TRTESTCD", value_set=["LDIAM"])
    result = rule_result(run_one(tmp_path, frame, record, dataset="TR"))
    (finding,) = result.findings
    assert (result.count, finding.usubjid, finding.record, finding.values) == (1, None, "TR TRTESTCD=LPERP", ("LPERP",))
    assert "(2 records)" in finding.message
