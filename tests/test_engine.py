"""The engine's contract: not applicable instead of skipping, errors isolated, capping, ordering, derived frames."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from rule_fixture_support import study_from_records

from audit.derive.contracts import Contract, col
from audit.derive.registry import NotApplicable, derivation
from audit.engine import load_rules, run_audit
from audit.engine.config import settings_from_mapping
from audit.errors import AuditInputError, RuleFileError
from audit.findings import ERROR, FAILED, NOT_APPLICABLE, PASSED, fingerprint_of, fingerprint_text

HEAD = "pack: t\nrules:\n"


def _rule(rule_id: str, datasets: str, check: str, extra: str = "") -> str:
    return (f"  - id: {rule_id}\n    title: t {rule_id}\n    severity: major\n    datasets: {datasets}\n"
            f"    rationale: r\n    reference: {{document: d, section: s}}\n    check: {check}\n{extra}")


def _rules(tmp_path: Path, *records: str):
    path = tmp_path / "t.yaml"
    path.write_text(HEAD + "".join(records))
    return load_rules([path])


AE = {"AE": [{"USUBJID": f"S{i % 3}", "AESEQ": i, "AETOXGR": str(i % 6)} for i in range(1, 31)]}


def test_rule_naming_an_absent_variable_is_not_applicable_with_the_reason(tmp_path: Path) -> None:
    rules = _rules(tmp_path, _rule("T001", "[AE]", "{kind: row_expression, fails_when: \"AESER = 'Y'\"}"))
    result = run_audit(study_from_records(AE), rules=rules).result("T001")
    assert result.status == NOT_APPLICABLE and result.reason == "AE has no variable AESER"


def test_rule_naming_an_absent_dataset_is_not_applicable(tmp_path: Path) -> None:
    rules = _rules(tmp_path, _rule("T001", "[LB]", "{kind: key_unique, key: [USUBJID, LBSEQ]}"))
    assert run_audit(study_from_records(AE), rules=rules).result("T001").reason == "dataset LB is not in the snapshot"


def test_run_time_failure_is_an_error_and_other_rules_still_run(tmp_path: Path) -> None:
    rules = _rules(
        tmp_path,
        _rule("T001", "[AE]", "{kind: row_expression, fails_when: \"AETOXGR / 'x' > 1\"}"),
        _rule("T002", "[AE]", "{kind: row_expression, fails_when: \"AETOXGR = '5'\"}"),
    )
    result = run_audit(study_from_records(AE), rules=rules)
    assert result.result("T001").status == ERROR and result.result("T001").reason
    assert result.result("T002").status == FAILED and result.result("T002").count == 5


def test_details_are_capped_but_the_count_is_true(tmp_path: Path) -> None:
    rules = _rules(tmp_path, _rule("T001", "[AE]", "{kind: row_expression, fails_when: 'AESEQ > 0'}"))
    result = run_audit(study_from_records(AE), rules=rules, max_details=4).result("T001")
    assert result.count == 30 and len(result.findings) == 4 and result.truncated


def test_findings_sort_by_subject_then_numeric_record_key(tmp_path: Path) -> None:
    rules = _rules(tmp_path, _rule("T001", "[AE]", "{kind: row_expression, fails_when: 'AESEQ > 0'}"))
    findings = run_audit(study_from_records(AE), rules=rules).result("T001").findings
    keys = [(f.usubjid, int(f.key_value)) for f in findings]
    assert keys == sorted(keys)


def test_duplicate_rule_ids_are_rejected(tmp_path: Path) -> None:
    with pytest.raises(RuleFileError, match="duplicate rule id"):
        _rules(tmp_path, _rule("T001", "[AE]", "{kind: key_unique, key: [AESEQ]}"),
               _rule("T001", "[AE]", "{kind: key_unique, key: [AESEQ]}"))


def test_empty_title_is_rejected_naming_the_field(tmp_path: Path) -> None:
    with pytest.raises(RuleFileError) as error:
        _rules(tmp_path, _rule("T001", "[AE]", "{kind: key_unique, key: [AESEQ]}").replace("title: t T001",
                                                                                            "title: ' '"))
    assert error.value.rule == "T001" and error.value.field == "title"


def test_invalid_sql_is_a_rule_file_error(tmp_path: Path) -> None:
    with pytest.raises(RuleFileError) as error:
        _rules(tmp_path, _rule("T001", "[AE]", "{kind: row_expression, fails_when: 'nosuchfn(AESEQ) > 1'}"))
    assert error.value.field == "check.fails_when"


def test_duplicate_keys_are_all_flagged(tmp_path: Path) -> None:
    rules = _rules(tmp_path, _rule("T001", "[AE]", "{kind: key_unique, key: [USUBJID]}"))
    study = study_from_records({"AE": [{"USUBJID": "A", "AESEQ": 1}, {"USUBJID": "A", "AESEQ": 2},
                                       {"USUBJID": "B", "AESEQ": 1}]})
    assert [f.key_value for f in run_audit(study, rules=rules).result("T001").findings] == ["1", "2"]


def test_exists_in_flags_subjects_missing_from_dm(tmp_path: Path) -> None:
    rules = _rules(tmp_path, _rule("T001", "[AE]", "{kind: exists_in, dataset: DM}"))
    study = study_from_records({"AE": [{"USUBJID": "A", "AESEQ": 1}, {"USUBJID": "Z", "AESEQ": 1}],
                                "DM": [{"USUBJID": "A"}]})
    assert [f.usubjid for f in run_audit(study, rules=rules).result("T001").findings] == ["Z"]


@derivation("enginetest.recomputed", contract=Contract((
    col("DATASET", pl.String, "source dataset"), col("USUBJID", pl.String, "subject"),
    col("RSSEQ", pl.Int64, "RS record"), col("RSSTRESC", pl.String, "reported response"),
    col("DERIVED", pl.String, "recomputed response (PD on RSSEQ 2)"),
), key="RSSEQ", reads={"RS": ("USUBJID", "RSSEQ", "RSSTRESC")}))
def _recomputed(ctx) -> pl.LazyFrame:
    if not ctx.study.has("RS", "RSSTRESC"):
        raise NotApplicable("RS has no RSSTRESC")
    derived = pl.when(pl.col("RSSEQ") == 2).then(pl.lit("PD")).otherwise(pl.col("RSSTRESC"))
    return ctx.study.frame("RS").select(pl.lit("RS").alias("DATASET"), "USUBJID", "RSSEQ", "RSSTRESC",
                                        derived.alias("DERIVED"))


def test_reported_vs_derived_reads_a_derived_frame_and_its_record_key(tmp_path: Path) -> None:
    rules = _rules(tmp_path, _rule("T001", "['derived:enginetest.recomputed']",
                                   "{kind: reported_vs_derived, reported: RSSTRESC, derived: DERIVED}"))
    study = study_from_records({"RS": [{"USUBJID": "A", "RSSEQ": 1, "RSSTRESC": "PR"},
                                       {"USUBJID": "A", "RSSEQ": 2, "RSSTRESC": "SD"}]})
    (finding,) = run_audit(study, rules=rules).result("T001").findings
    assert (finding.dataset, finding.key_name, finding.key_value) == ("RS", "RSSEQ", "2")


def test_derivation_not_applicable_makes_the_rule_not_applicable(tmp_path: Path) -> None:
    rules = _rules(tmp_path, _rule("T001", "['derived:enginetest.recomputed']",
                                   "{kind: reported_vs_derived, reported: RSSTRESC, derived: DERIVED}"))
    result = run_audit(study_from_records(AE), rules=rules).result("T001")
    assert result.status == NOT_APPLICABLE and result.reason == "RS has no RSSTRESC"


def test_message_template_fills_values_from_the_record(tmp_path: Path) -> None:
    rules = _rules(tmp_path, _rule("T001", "[AE]", "{kind: row_expression, fails_when: \"AETOXGR = '5'\"}",
                                   "    message: 'grade {AETOXGR} in {AESEQ}'\n"))
    finding = run_audit(study_from_records(AE), rules=rules).result("T001").findings[0]
    assert finding.message == f"grade 5 in {finding.key_value}"


def test_fingerprint_hashes_rule_dataset_subject_record_and_values(tmp_path: Path) -> None:
    rules = _rules(tmp_path, _rule("T001", "[AE]", "{kind: row_expression, fails_when: \"AETOXGR = '5'\"}"))
    f = run_audit(study_from_records(AE), rules=rules).result("T001").findings[0]
    text = fingerprint_text(f.rule_id, f.dataset, f.usubjid, f.key_name, f.key_value, f.variables, f.values)
    assert f.fingerprint == fingerprint_of(text)


def test_passing_rule_is_passed(tmp_path: Path) -> None:
    rules = _rules(tmp_path, _rule("T001", "[AE]", "{kind: key_unique, key: [USUBJID, AESEQ]}"))
    assert run_audit(study_from_records(AE), rules=rules).result("T001").status == PASSED


def test_unknown_settings_section_is_an_input_error() -> None:
    with pytest.raises(AuditInputError, match="unknown section"):
        settings_from_mapping({"studdy": {}})


def test_derivation_sections_are_validated_by_their_options_model() -> None:
    with pytest.raises(AuditInputError, match="unknown setting"):
        settings_from_mapping({"recist": {"confirmation": True}})
    assert settings_from_mapping({"recist": {"confirm": "no"}}).sections["recist"] == {"confirm": False}
