"""RECIST 1.1 on pharmaversesdtm onco (three readers, DIAMETER / LDIAM / LPERP per lesion), recomputed by hand.

Every expected sum, nadir and response below was worked out from the TR and RS
records themselves (DIAMETER per target lesion, TUMSTATE per non-target and
new lesion), not by running the derivation: the test holds the derivation to
the arithmetic of RECIST 1.1 sections 4.3.1-4.4.1 on real records.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import polars as pl
import pytest

from audit.derive import DeriveContext
from audit.engine import load_rules, run_audit
from audit.findings import NOT_APPLICABLE
from audit.study import load_study

REAL = Path(__file__).parent / "fixtures" / "real-data"
ONCO = REAL / "pharmaversesdtm-onco"
VARIANTS = REAL / "pharmaversesdtm-onco-variants"
INV = "INVESTIGATOR"
R1 = "INDEPENDENT ASSESSOR / RADIOLOGIST 1"
R2 = "INDEPENDENT ASSESSOR / RADIOLOGIST 2"
NN = "NON-CR/NON-PD"
SECOND = 9.2 + 1e-4  # VISITNUM of a second assessment under visit 9.2

# (subject, reader): (baseline sum, [(VISITNUM, sum, nadir before it, target, non-target, new lesion, overall)])
BY_HAND = {
    # Targets gone at week 12 (sum 0, the nadir) and back at week 24: PD however far below baseline (4.3.1).
    ("01-701-1015", INV): (73.0, [(7.0, 42.0, 73.0, "PR", "PD", "N", "PD"), (9.0, 0.0, 42.0, "CR", "CR", "N", "CR"),
                                  (12.0, 55.0, 0.0, "PD", "NE", "N", "PD")]),
    ("01-701-1015", R1): (77.0, [(7.0, 38.0, 77.0, "PR", "PD", "N", "PD"), (9.0, 0.0, 38.0, "CR", "CR", "N", "CR"),
                                 (12.0, 54.0, 0.0, "PD", NN, "N", "PD")]),
    ("01-701-1015", R2): (74.0, [(7.0, 57.0, 74.0, "SD", NN, "N", "SD"), (9.0, 0.0, 57.0, "CR", "CR", "N", "CR"),
                                 (12.0, 33.0, 0.0, "PD", "PD", "N", "PD")]),
    # An equivocal new lesion at week 24 that no later scan confirms is not a new lesion (4.3.3).
    ("01-701-1028", INV): (55.0, [(7.0, 73.0, 55.0, "PD", "NE", "N", "PD"), (9.0, 67.0, 55.0, "PD", NN, "N", "PD"),
                                  (10.1, 62.0, 55.0, "SD", NN, "N", "SD"), (12.0, 79.0, 55.0, "PD", "NE", "N", "PD")]),
    ("01-701-1028", R1): (43.0, [(7.0, 84.0, 43.0, "PD", "PD", "N", "PD"), (9.0, 84.0, 43.0, "PD", NN, "N", "PD"),
                                 (10.1, 76.0, 43.0, "PD", NN, "N", "PD"), (12.0, 78.0, 43.0, "PD", NN, "N", "PD")]),
    ("01-701-1028", R2): (45.0, [(7.0, 63.0, 45.0, "PD", NN, "N", "PD"), (9.0, 77.0, 45.0, "PD", "PD", "N", "PD"),
                                 (10.1, 65.0, 45.0, "PD", "PD", "N", "PD"), (12.0, 77.0, 45.0, "PD", "NE", "N", "PD")]),
    # Nadir 42 at week 6: +14 mm (33 %) at the unscheduled visit is PD though still -33 % from baseline.
    ("01-701-1097", INV): (84.0, [(7.0, 42.0, 84.0, "PR", "PD", "N", "PD"), (9.0, 49.0, 42.0, "PR", "PD", "N", "PD"),
                                  (10.1, 56.0, 42.0, "PD", NN, "N", "PD"), (12.0, 43.0, 42.0, "PR", "NE", "N", "PR")]),
    ("01-701-1097", R1): (69.0, [(7.0, 55.0, 69.0, "SD", "NE", "N", "SD"), (9.0, 56.0, 55.0, "SD", "NE", "N", "SD"),
                                 (10.1, 44.0, 55.0, "PR", NN, "N", "PR"), (12.0, 52.0, 44.0, "SD", NN, "N", "SD")]),
    ("01-701-1097", R2): (74.0, [(7.0, 43.0, 74.0, "PR", "PD", "N", "PD"), (9.0, 34.0, 43.0, "PR", "PD", "N", "PD"),
                                 (10.1, 49.0, 34.0, "PD", NN, "N", "PD"), (12.0, 49.0, 34.0, "PD", NN, "N", "PD")]),
    # Every target NOT DONE at the unscheduled visit: NE, and that visit is no nadir candidate.
    ("01-701-1192", INV): (48.0, [(7.0, 67.0, 48.0, "PD", NN, "N", "PD"), (9.0, 74.0, 48.0, "PD", "PD", "N", "PD"),
                                  (10.1, 63.0, 48.0, "PD", "PD", "N", "PD"), (12.0, 78.0, 48.0, "PD", NN, "N", "PD")]),
    ("01-701-1192", R1): (38.0, [(7.0, 76.0, 38.0, "PD", "PD", "N", "PD"), (9.0, 82.0, 38.0, "PD", "PD", "N", "PD"),
                                 (10.1, None, 38.0, "NE", "NE", "N", "NE"), (12.0, 80.0, 38.0, "PD", "PD", "N", "PD")]),
    ("01-701-1192", R2): (51.0, [(7.0, 67.0, 51.0, "PD", NN, "N", "PD"), (9.0, 77.0, 51.0, "PD", NN, "N", "PD"),
                                 (10.1, None, 51.0, "NE", NN, "N", "NE"), (12.0, 69.0, 51.0, "PD", NN, "N", "PD")]),
    # An unequivocal new lesion at week 24 is PD with targets in PR (4.3.3, Table 1).
    ("01-701-1287", R1): (68.0, [(7.0, 51.0, 68.0, "SD", NN, "N", "SD"), (9.0, 52.0, 51.0, "SD", "PD", "N", "PD"),
                                 (10.1, 57.0, 51.0, "SD", NN, "N", "SD"), (12.0, 45.0, 51.0, "PR", "NE", "Y", "PD")]),
    ("01-701-1287", R2): (70.0, [(7.0, 57.0, 70.0, "SD", "PD", "N", "PD"), (9.0, 46.0, 57.0, "PR", "PD", "N", "PD"),
                                 (10.1, 51.0, 46.0, "SD", "NE", "N", "SD"), (12.0, 45.0, 46.0, "PR", NN, "Y", "PD")]),
    ("01-701-1133", R1): (70.0, [(7.0, 48.0, 70.0, "PR", "NE", "N", "PR"), (9.0, 37.0, 48.0, "PR", "PD", "N", "PD"),
                                 (10.1, 50.0, 37.0, "PD", "NE", "N", "PD"), (12.0, 44.0, 37.0, "PR", "NE", "N", "PR")]),
    ("01-701-1133", R2): (58.0, [(7.0, 50.0, 58.0, "SD", "PD", "N", "PD"), (9.0, 58.0, 50.0, "SD", NN, "N", "SD"),
                                 (10.1, 36.0, 50.0, "PR", "PD", "N", "PD"), (12.0, 41.0, 36.0, "SD", NN, "N", "SD")]),
    ("01-701-1188", R1): (43.0, [(7.0, 77.0, 43.0, "PD", "NE", "N", "PD")]),
    ("01-701-1188", R2): (40.0, [(7.0, 71.0, 40.0, "PD", "PD", "N", "PD")]),
    # CR twice: the second CR has nadir 0 and no increase, so it stays CR; week 24 is PD.
    ("01-701-1440", R1): (48.0, [(7.0, 87.0, 48.0, "PD", "PD", "N", "PD"), (9.0, 0.0, 48.0, "CR", "CR", "N", "CR"),
                                 (10.1, 0.0, 0.0, "CR", "CR", "N", "CR"), (12.0, 67.0, 0.0, "PD", "PD", "Y", "PD")]),
    ("01-701-1440", R2): (47.0, [(7.0, 63.0, 47.0, "PD", NN, "N", "PD"), (9.0, 0.0, 47.0, "CR", "CR", "N", "CR"),
                                 (10.1, 0.0, 0.0, "CR", "CR", "N", "CR"), (12.0, 72.0, 0.0, "PD", NN, "Y", "PD")]),
    # Visits numbered 9.2 then 9.3 but dated 2014-01-08 then 2013-12-30: the nadir follows VISITNUM.
    # 48 over the nadir 40 at week 12 is exactly +20 % and +8 mm: PD (both limits inclusive).
    ("01-701-1153", R1): (74.0, [(7.0, 40.0, 74.0, "PR", NN, "N", "PR"), (9.0, 48.0, 40.0, "PD", "PD", "N", "PD"),
                                 (9.2, 51.0, 40.0, "PD", "PD", "N", "PD"), (9.3, 39.0, 40.0, "PR", "NE", "N", "PR"),
                                 (12.0, 36.0, 39.0, "PR", NN, "N", "PR")]),
    ("01-701-1153", R2): (59.0, [(7.0, 47.0, 59.0, "SD", "CR", "N", "SD"), (9.0, 42.0, 47.0, "SD", NN, "N", "SD"),
                                 (9.2, 40.0, 42.0, "PR", "PD", "N", "PD"), (9.3, 45.0, 40.0, "SD", "PD", "N", "PD"),
                                 (12.0, 49.0, 40.0, "PD", NN, "N", "PD")]),
    # VISITNUM 9.2 holds scans of 2013-06-22 and 2013-09-22: two assessments, the second at SECOND.
    ("01-711-1143", R1): (75.0, [(7.0, 48.0, 75.0, "PR", "PD", "N", "PD"), (9.0, 50.0, 48.0, "PR", NN, "N", "PR"),
                                 (9.2, 53.0, 48.0, "SD", NN, "N", "SD"), (SECOND, 48.0, 48.0, "PR", "NE", "N", "PR")]),
    ("01-711-1143", R2): (71.0, [(7.0, 50.0, 71.0, "SD", "PD", "N", "PD"), (9.0, 45.0, 50.0, "PR", NN, "N", "PR"),
                                 (9.2, 47.0, 45.0, "PR", NN, "N", "PR"), (SECOND, 47.0, 45.0, "PR", NN, "N", "PR")]),
}
COLUMNS = ["VISITNUM", "TARGET_SUM", "NADIR", "TRGRESP_DER", "NTRGRESP_DER", "NEWLIND_DER", "OVRLRESP_DER"]


@pytest.fixture(scope="module")
def onco() -> DeriveContext:
    return DeriveContext(load_study(ONCO))


@pytest.fixture(scope="module")
def timepoints(onco: DeriveContext) -> pl.DataFrame:
    return onco.derived("recist.timepoint").collect()


def _visits(timepoints: pl.DataFrame, subject: str, reader: str) -> pl.DataFrame:
    return timepoints.filter((pl.col("USUBJID") == subject) & (pl.col("READER") == reader)).sort("VISITNUM")


@pytest.mark.parametrize(("subject", "reader"), sorted(BY_HAND))
def test_sums_nadir_and_responses_match_the_hand_computation(timepoints, subject, reader):
    base_sum, visits = BY_HAND[(subject, reader)]
    frame = _visits(timepoints, subject, reader)
    assert frame.filter(pl.col("VISITNUM") == pl.col("BASEVISIT"))["TARGET_SUM"].to_list() == [base_sum]
    after = frame.filter(pl.col("VISITNUM") > pl.col("BASEVISIT")).select(COLUMNS)
    assert after.rows() == visits


def test_hand_computed_subjects_cover_ten_subjects_and_both_independent_readers():
    subjects = {s for s, _ in BY_HAND}
    assert len(subjects) >= 10
    assert all((s, R1) in BY_HAND and (s, R2) in BY_HAND for s in subjects)


def test_every_reported_sumdiam_is_the_sum_of_the_diameter_records(onco):
    sums = onco.derived("recist.sums").collect()
    assert sums.height == 2661
    assert sums.filter((pl.col("SUMDIAM") - pl.col("DERIVED_SUM")).abs() > 0.5).height == 0


def test_ldiam_and_lperp_beside_diameter_are_not_added(onco):
    # R1-T02 of 01-701-1015 is a node: DIAMETER 14, LDIAM 15.4, LPERP 14 at baseline.
    sizes = onco.derived("recist.target_measurements").collect()
    row = sizes.filter((pl.col("USUBJID") == "01-701-1015") & (pl.col("TRLNKID") == "R1-T02")
                       & (pl.col("VISITNUM") == 3.0))
    assert row.select("TEST", "SIZE").rows() == [("DIAMETER", 14.0)]


def test_three_readers_are_derived_side_by_side_never_merged(timepoints):
    week6 = timepoints.filter((pl.col("USUBJID") == "01-701-1015") & (pl.col("VISITNUM") == 7.0))
    assert sorted(week6.select("READER", "TARGET_SUM").rows()) == [(R1, 38.0), (R2, 57.0), (INV, 42.0)]


def test_accepted_readers_keeps_the_investigator_and_the_adjudicated_radiologist():
    ctx = DeriveContext(load_study(ONCO), {"recist": {"readers": "accepted"}})
    readers = ctx.derived("recist.timepoint").select("READER").unique().collect()["READER"].to_list()
    assert sorted(readers) == [R1, INV]


def test_two_assessments_under_one_visit_number_are_kept_apart(timepoints):
    # 01-711-1143 VISITNUM 9.2 holds scans of 2013-06-22 (sum 53) and 2013-09-22 (sum 48) for RADIOLOGIST 1.
    frame = _visits(timepoints, "01-711-1143", R1).filter(pl.col("VISITNUM") >= 9.2)
    assert frame.select("ASSESSMENT", "TARGET_SUM", "NADIR", "TRGRESP_DER").rows() == [
        (1, 53.0, 48.0, "SD"), (2, 48.0, 48.0, "PR")]


def test_an_unmeasured_target_makes_the_investigator_response_ne(timepoints):
    # 01-711-1143 week 6: T04 NOT DONE; the measured four sum 35 mm, nowhere near PD over 71 mm.
    frame = _visits(timepoints, "01-711-1143", INV).filter(pl.col("VISITNUM").is_in([7.0, 9.0]))
    assert frame.select("TARGET_SUM", "NADIR", "TRGRESP_DER").rows() == [(35.0, 71.0, "NE"), (55.0, 71.0, "SD")]


def test_check_is_one_unmapped_term_finding(onco):
    terms = onco.derived("recist.unmapped_terms").collect()
    assert terms.select("DATASET", "TESTCD", "VALUE", "N_RECORDS").rows() == [("RS", "OVRLRESP", "CHECK", 3)]


def test_a_missed_pd_after_a_zero_nadir_is_worded_in_millimetres(onco):
    # 01-701-1015, radiologist 1: targets gone at week 12 (nadir 0), back at 54 mm at week 24, reported SD.
    result = run_audit(onco.study, rules=load_rules(), select=["RECIST010"]).result("RECIST010")
    (finding,) = [f for f in result.findings if f.usubjid == "01-701-1015" and f.key_value == "19"]
    assert finding.message == (
        "OVRLRESP SD although the sum 54.0 mm is 54.0 mm over a nadir of 0 mm (reader INDEPENDENT ASSESSOR / "
        "RADIOLOGIST 1)"
    )
    assert all("missing" not in f.message for f in result.findings)


def test_records_naming_no_reader_are_worded_as_such(tmp_path):
    rs = pl.read_parquet(ONCO / "rs.parquet").filter(pl.col("RSEVAL") == INV).drop("RSEVAL", "RSEVALID", "RSACPTFL")
    tr = pl.read_parquet(ONCO / "tr.parquet").filter(pl.col("TREVAL") == INV).drop("TREVAL", "TREVALID", "TRACPTFL")
    tu = pl.read_parquet(ONCO / "tu.parquet").filter(pl.col("TUEVAL") == INV).drop("TUEVAL", "TUEVALID", "TUACPTFL")
    for name, frame in {"rs": rs, "tr": tr, "tu": tu}.items():
        frame.write_parquet(tmp_path / f"{name}.parquet")
    result = run_audit(load_study(tmp_path), rules=load_rules(), select=["RECIST010"]).result("RECIST010")
    assert result.findings and all(f.message.endswith("(reader not recorded)") for f in result.findings)


def _snapshot(tmp_path: Path, rs: pl.DataFrame) -> Path:
    for name in ("tr", "tu"):
        shutil.copy(VARIANTS / f"{name}_onco_recist.parquet", tmp_path / f"{name}.parquet")
    rs.write_parquet(tmp_path / "rs.parquet")
    return tmp_path


def test_irecist_only_responses_make_the_response_rules_not_applicable(tmp_path):
    study = load_study(_snapshot(tmp_path, pl.read_parquet(VARIANTS / "rs_onco_irecist.parquet")))
    result = run_audit(study, rules=load_rules(), select=["RECIST008"])
    outcome = result.result("RECIST008")
    assert outcome.status == NOT_APPLICABLE
    assert "RSCAT iRECIST: 376 records" in outcome.reason


def test_mixed_criteria_audit_recist_records_and_say_how_many_others_were_left_out(tmp_path):
    recist = pl.read_parquet(VARIANTS / "rs_onco_recist.parquet")
    irecist = pl.read_parquet(VARIANTS / "rs_onco_irecist.parquet")
    study = load_study(_snapshot(tmp_path, pl.concat([recist, irecist], how="diagonal_relaxed")))
    outcome = run_audit(study, rules=load_rules(), select=["RECIST008"]).result("RECIST008")
    assert outcome.status != NOT_APPLICABLE
    assert any("RSCAT iRECIST: 376 records" in note for note in outcome.notes)
    assert all(f.values[0] not in ("iUPD", "iCPD", "iSD") for f in outcome.findings)
