"""Target sums, nadir and time-point responses derived from TU/TR (RECIST 1.1 sections 4.2-4.3)."""

from __future__ import annotations

import pytest
from recist_support import derived, tumour_records, visit_values

from audit.derive import NotApplicable

DAYS = [-7, 42, 84]


def target_responses(sizes: list, days: list[int] = DAYS, loc: str = "LIVER") -> list[str]:
    return visit_values(tumour_records({"T01": (loc, sizes)}, days), "TRGRESP_DER")


@pytest.mark.parametrize(("last", "expected"), [
    pytest.param(47.96, "SD", id="19.9pct-over-nadir-is-SD"),
    pytest.param(48.0, "PD", id="20pct-over-nadir-is-PD"),
])
def test_pd_needs_20_percent_over_the_nadir(last, expected):
    # baseline 50, nadir 40 at week 6 (-20 %: SD), then +19.9 % or +20 % (both over 5 mm)
    assert target_responses([50, 40, last])[-1] == expected


@pytest.mark.parametrize(("last", "expected"), [
    pytest.param(24.9, "SD", id="4.9mm-over-nadir-is-SD"),
    pytest.param(25.0, "PD", id="5mm-over-nadir-is-PD"),
])
def test_pd_needs_5_mm_over_the_nadir(last, expected):
    # baseline 20 is the nadir; 24.9 mm is +24.5 % but only +4.9 mm
    assert target_responses([20, 20, last])[-1] == expected


def test_nadir_includes_baseline_when_it_is_the_smallest():
    assert visit_values(tumour_records({"T01": ("LIVER", [40, 44, 46])}, DAYS), "NADIR") == [40.0, 40.0]


def test_nadir_is_the_smallest_sum_before_the_assessment():
    records = tumour_records({"T01": ("LIVER", [50, 30, 35, 36])}, [-7, 42, 84, 126])
    assert visit_values(records, "NADIR") == [50.0, 30.0, 30.0]


def test_percent_and_absolute_change_over_the_nadir():
    records = tumour_records({"T01": ("LIVER", [50, 40, 48])}, DAYS)
    assert (visit_values(records, "PCHG_NADIR")[-1], visit_values(records, "CHG_NADIR")[-1]) == (20.0, 8.0)


@pytest.mark.parametrize(("last", "expected"), [
    pytest.param(70.0, "PR", id="30pct-below-baseline-is-PR"),
    pytest.param(70.1, "SD", id="29.9pct-below-baseline-is-SD"),
])
def test_pr_needs_30_percent_below_baseline(last, expected):
    assert target_responses([100, last], DAYS[:2]) == [expected]


def test_target_sum_adds_ld_of_non_nodal_and_short_axis_of_nodal_targets():
    records = tumour_records({"T01": ("LIVER", [30, 20]), "T02": ("LYMPH NODE", [18, 12])}, DAYS[:2])
    assert visit_values(records, "TARGET_SUM") == [32.0]


@pytest.mark.parametrize(("node", "expected"), [
    pytest.param(9.9, "CR", id="node-9.9mm-is-CR"),
    pytest.param(10.0, "PR", id="node-10mm-is-not-CR"),
])
def test_cr_needs_every_target_node_below_10_mm(node, expected):
    records = tumour_records({"T01": ("LIVER", [30, 0]), "T02": ("LYMPH NODE", [20, node])}, DAYS[:2])
    assert visit_values(records, "TRGRESP_DER") == [expected]


def test_missing_target_makes_the_response_ne():
    records = tumour_records({"T01": ("LIVER", [30, 25]), "T02": ("LUNG", [20, None])}, DAYS[:2])
    assert visit_values(records, "TRGRESP_DER") == ["NE"]


def test_missing_target_is_still_pd_when_the_assessed_ones_prove_it():
    records = tumour_records({"T01": ("LIVER", [30, 65]), "T02": ("LUNG", [20, None])}, DAYS[:2])
    assert visit_values(records, "TRGRESP_DER") == ["PD"]


def test_too_small_to_measure_counts_5_mm():
    records = tumour_records({"T01": ("LIVER", [30, "TOO SMALL TO MEASURE"])}, DAYS[:2])
    assert visit_values(records, "TARGET_SUM") == [5.0]


def test_diameter_test_code_is_read_like_ldiam():
    records = tumour_records({"T01": ("LIVER", [30, 20])}, DAYS[:2], test_code="DIAMETER")
    assert visit_values(records, "TARGET_SUM") == [20.0]


@pytest.mark.parametrize(("states", "expected"), [
    pytest.param(["PRESENT", "ABSENT"], "CR", id="all-absent-is-CR"),
    pytest.param(["PRESENT", "PRESENT"], "NON-CR/NON-PD", id="persisting-is-non-CR-non-PD"),
    pytest.param(["PRESENT", "UNEQUIVOCAL PROGRESSION"], "PD", id="unequivocal-progression-is-PD"),
    pytest.param(["PRESENT", "NOT EVALUABLE"], "NE", id="not-evaluable-is-NE"),
    pytest.param(["PRESENT", None], "NE", id="not-assessed-is-NE"),
])
def test_non_target_response_from_tumour_state(states, expected):
    records = tumour_records({"T01": ("LIVER", [30, 30])}, DAYS[:2], non_targets={"NT01": states})
    assert visit_values(records, "NTRGRESP_DER") == [expected]


def test_new_lesion_makes_the_overall_response_pd():
    records = tumour_records({"T01": ("LIVER", [30, 15])}, DAYS[:2], new_at=[1])
    assert visit_values(records, "OVRLRESP_DER") == ["PD"]


def test_target_cr_with_persisting_non_target_is_overall_pr():
    records = tumour_records({"T01": ("LIVER", [30, 0])}, DAYS[:2], non_targets={"NT01": ["PRESENT", "PRESENT"]})
    assert visit_values(records, "OVRLRESP_DER") == ["PR"]


def test_abscopal_response_reads_out_of_field_targets_only():
    records = tumour_records({"T01": ("OESOPHAGUS", [50, 10, 10]), "T02": ("LIVER", [20, 20, 20])}, DAYS,
                             irradiated={"T01": "Y", "T02": "N"})
    assert derived(records, "recist.abscopal")["ABSBOR"].to_list() == ["SD"]


def test_overall_response_of_the_same_subject_counts_every_target():
    records = tumour_records({"T01": ("OESOPHAGUS", [50, 10, 10]), "T02": ("LIVER", [20, 20, 20])}, DAYS,
                             irradiated={"T01": "Y", "T02": "N"})
    assert derived(records, "recist.bor")["BOR"].to_list() == ["PR"]


def test_abscopal_is_not_applicable_without_irradiation_flags():
    with pytest.raises(NotApplicable, match="IRRADFL"):
        derived(tumour_records({"T01": ("LIVER", [30, 20])}, DAYS[:2]), "recist.abscopal")


def test_timepoint_is_not_applicable_without_tr():
    records = tumour_records({"T01": ("LIVER", [30, 20])}, DAYS[:2])
    del records["TR"]
    with pytest.raises(NotApplicable, match="TR"):
        derived(records, "recist.timepoint")


def test_other_evaluators_records_are_left_out_when_an_evaluator_is_chosen():
    records = tumour_records({"T01": ("LIVER", [30, 20])}, DAYS[:2])
    records["TR"] = [{**r, "TREVAL": "INDEPENDENT ASSESSOR"} for r in records["TR"]]
    with pytest.raises(NotApplicable, match="evaluator INVESTIGATOR"):
        derived(records, "recist.timepoint", evaluator="investigator")


def test_a_lesion_tu_names_no_reader_for_is_measured_by_the_tr_reader():
    records = tumour_records({"T01": ("LIVER", [30, 20])}, DAYS[:2])
    records["TR"] = [{**r, "TREVAL": "INDEPENDENT ASSESSOR"} for r in records["TR"]]
    frame = derived(records, "recist.timepoint")
    assert frame.filter(frame["VISITNUM"] > 0).select("READER", "TARGET_SUM").rows() == [("INDEPENDENT ASSESSOR", 20.0)]


def test_evaluator_option_selects_whose_records_are_read():
    records = tumour_records({"T01": ("LIVER", [30, 20])}, DAYS[:2])
    records["TR"] = [{**r, "TREVAL": "INDEPENDENT ASSESSOR"} for r in records["TR"]]
    frame = derived(records, "recist.timepoint", evaluator="independent assessor")
    assert frame.filter(frame["VISITNUM"] > 0)["TARGET_SUM"].to_list() == [20.0]


def _with_new_lesion(states: list[str | None]) -> dict:
    """Two targets at SD over three visits, plus TR TUMSTATE of one NEW lesion per follow-up visit."""
    records = tumour_records({"T01": ("LIVER", [30, 29, 29]), "T02": ("LUNG", [20, 20, 19])}, DAYS[:3])
    visits = [r for r in records["TR"] if r["TRLNKID"] == "T01"][1:]
    for visit, state in zip(visits, states, strict=True):
        if state is not None:
            records["TR"].append({**visit, "TRSEQ": 100 + visit["VISITNUM"], "TRLNKID": "NEW01", "TRGRPID": "NEW",
                                  "TRTESTCD": "TUMSTATE", "TRSTRESN": None, "TRSTRESC": state})
    return records


def test_an_equivocal_new_lesion_is_not_progression_when_no_later_scan_confirms_it():
    assert visit_values(_with_new_lesion(["EQUIVOCAL", "EQUIVOCAL"]), "OVRLRESP_DER") == ["SD", "SD"]


def test_a_confirmed_equivocal_new_lesion_dates_progression_from_its_first_detection():
    assert visit_values(_with_new_lesion(["EQUIVOCAL", "UNEQUIVOCAL"]), "NEWLIND_DER") == ["Y", "Y"]


def test_an_unequivocal_new_lesion_is_progression_when_seen():
    assert visit_values(_with_new_lesion([None, "UNEQUIVOCAL"]), "OVRLRESP_DER") == ["SD", "PD"]
