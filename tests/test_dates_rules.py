"""The dates pack reads event dates and words a study-day finding so a monitor can act on it."""

from __future__ import annotations

from datetime import date

from rule_fixture_support import study_from_records

from audit.engine import load_rules, run_audit

RULES = load_rules()


def _findings(rule: str, datasets: dict) -> list:
    study = study_from_records(datasets)
    return list(run_audit(study, rules=RULES, select=[rule], today=date(2025, 1, 1)).result(rule).findings)


def test_a_study_day_holding_the_planned_visit_day_names_visitdy_and_the_actual_day():
    (finding,) = _findings("DATE016", {
        "DM": [{"USUBJID": "S1", "RFSTDTC": "2013-07-19"}],
        "SV": [{"USUBJID": "S1", "VISITNUM": 9, "VISITDY": 84}],
        "TR": [{"USUBJID": "S1", "TRSEQ": 3, "VISITNUM": 9, "TRDTC": "2013-10-09", "TRDY": 84}],
    })
    assert "planned visit day (SV VISITDY)" in finding.message and "on 1 record(s)" in finding.message
    assert finding.message.endswith("is day 83")


def test_a_study_day_copied_from_visitdy_on_every_visit_is_one_query_per_subject():
    (finding,) = _findings("DATE016", {
        "DM": [{"USUBJID": "S1", "RFSTDTC": "2013-07-19"}],
        "SV": [{"USUBJID": "S1", "VISITNUM": 9, "VISITDY": 84}, {"USUBJID": "S1", "VISITNUM": 10, "VISITDY": 126}],
        "TR": [{"USUBJID": "S1", "TRSEQ": 4, "VISITNUM": 10, "TRDTC": "2013-11-25", "TRDY": 126},
               {"USUBJID": "S1", "TRSEQ": 3, "VISITNUM": 9, "TRDTC": "2013-10-09", "TRDY": 84}],
    })
    assert finding.key_value == "3" and "on 2 record(s) of this subject" in finding.message


def test_a_wrong_study_day_says_which_day_the_date_is():
    (finding,) = _findings("DATE016", {
        "DM": [{"USUBJID": "S1", "RFSTDTC": "2013-05-09"}],
        "AE": [{"USUBJID": "S1", "AESEQ": 1, "AESTDTC": "2013-05-09", "AESTDY": 366}],
    })
    assert "the study day is 1" in finding.message


def test_an_ae_collection_date_is_never_read_as_the_event_date_of_a_death_check():
    findings = _findings("DATE008", {
        "DM": [{"USUBJID": "S1", "DTHDTC": "2013-08-02"}],
        "AE": [{"USUBJID": "S1", "AESEQ": 1, "AEDTC": "2013-08-03", "AESTDTC": "2013-07-30"}],
    })
    assert findings == []
