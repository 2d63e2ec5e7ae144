"""Drafting a claims file from an abstract: every figure recovered, in several phrasings."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

import audit.cli  # noqa: F401  (registers commands)
from audit.claims import load_claims
from audit.claims.extract import extract_claims
from audit.cli.app import app

ABSTRACTS = Path(__file__).parent / "fixtures" / "abstracts"

# id -> (text, ci, count, measure type) every phrasing of the reference abstract must give.
REFERENCE_FIGURES = {
    "n": ("49", None, None, "count"),
    "enrol": ("2018-11-19 to 2021-03-17", None, None, "date_range"),
    "fu": ("12.8 months", None, None, "median_followup"),
    "pfs": ("6.9 months", "4.6-9.3", None, "km_median"),
    "os": ("12.8 months", "10.1-15.5", None, "km_median"),
    "orr": ("40.8%", "27.3-55.7", None, "proportion"),
    "dcr": ("75.5%", "60.8-86.2", None, "proportion"),
    "arr": ("34.7%", "22.1-49.7", None, "proportion"),
    "acr": ("69.4%", "54.4-81.3", None, "proportion"),
    "g34": ("63.3%", None, "31", "proportion"),
    "leukopenia": ("30.6%", None, None, "proportion"),
    "trd": ("none", None, None, "none"),
}


def _figures(name: str) -> dict:
    claims = extract_claims((ABSTRACTS / name).read_text(encoding="utf-8"))
    return {c.id: (c.text, c.ci, c.count, c.measure.type) for c in claims.claims}


@pytest.mark.parametrize("name", ["escc_plain.txt", "escc_brackets.txt"])
def test_every_reference_figure_is_recovered(name):
    figures = _figures(name)
    assert {k: figures.get(k) for k in REFERENCE_FIGURES} == REFERENCE_FIGURES


def test_response_rates_get_their_bor_sets():
    claims = {c.id: c for c in extract_claims((ABSTRACTS / "escc_plain.txt").read_text()).claims}
    assert claims["dcr"].measure.response.values == ["CR", "PR", "SD"]
    assert claims["arr"].measure.response.parameter == "ABSBOR"


def test_treatment_related_grade_3_4_events_are_marked_related():
    claims = {c.id: c for c in extract_claims((ABSTRACTS / "escc_plain.txt").read_text()).claims}
    assert claims["g34"].measure.adverse_event.related is True
    assert claims["g34"].measure.adverse_event.grades == [3, 4]


def test_ae_term_to_map_is_left_as_todo():
    claims = {c.id: c for c in extract_claims((ABSTRACTS / "escc_plain.txt").read_text()).claims}
    assert claims["leukopenia"].todo and claims["leukopenia"].measure.adverse_event.terms == ["LEUKOPENIA"]


def test_most_common_events_become_a_ranking():
    claims = {c.id: c for c in extract_claims((ABSTRACTS / "escc_plain.txt").read_text()).claims}
    assert claims["common"].text == "myelosuppression, weight loss, fatigue"


def test_other_wordings_confidence_interval_with_to_and_iso_dates():
    figures = _figures("other_trial.txt")
    assert figures["orr"] == ("35.5%", "23.7-48.7", None, "proportion")
    assert figures["os"] == ("15.2 months", "11.0-19.4", None, "km_median")
    assert figures["enrol"][0] == "2019-02-04 to 2020-12-21"
    assert figures["n"][0] == "62" and figures["fu"][0] == "18.1 months"


def test_month_precision_dates_stay_month_precision():
    claims = extract_claims("Patients were enrolled from November 2018 to March 2021.")
    assert claims.claims[0].text == "2018-11 to 2021-03"


def test_unrecognised_percentage_asks_what_it_measures():
    claims = extract_claims("Quality of life improved in 44.9% of patients.")
    assert claims.claims[0].measure.type == "proportion" and claims.claims[0].todo


def test_cli_extract_writes_a_loadable_claims_file(tmp_path):
    output = tmp_path / "claims.yaml"
    result = CliRunner().invoke(app, ["claims", "extract", str(ABSTRACTS / "escc_plain.txt"), "-o", str(output)])
    assert result.exit_code == 0, result.output
    assert "orr" in [c.id for c in load_claims(output).claims]


def test_cli_extract_without_any_figure_exits_2(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("No numbers here.", encoding="utf-8")
    assert CliRunner().invoke(app, ["claims", "extract", str(empty)]).exit_code == 2


# id -> (text, ci, p, measure type, arm) of every figure in the two-arm abstract.
TWOARM_FIGURES = {
    "n": ("457", None, None, "count", None),
    "enrol": ("2017-05-10 to 2018-07-24", None, None, "date_range", None),
    "treated": ("448", None, None, "count", None),
    "n_camrelizumab": ("228", None, None, "count", "camrelizumab"),
    "n_chemotherapy": ("220", None, None, "count", "chemotherapy"),
    "fu_camrelizumab": ("8.3 months", None, None, "median_followup", "camrelizumab"),
    "fu_chemotherapy": ("6.2 months", None, None, "median_followup", "chemotherapy"),
    "os_camrelizumab": ("8.3 months", "6.8-9.7", None, "km_median", "camrelizumab"),
    "os_chemotherapy": ("6.2 months", "5.7-6.9", None, "km_median", "chemotherapy"),
    "hr_os": ("0.71", "0.57-0.87", "0.0010", "hazard_ratio", None),
    "os12_camrelizumab": ("34.3%", "28.1-40.6", None, "landmark_rate", "camrelizumab"),
    "os12_chemotherapy": ("24.2%", "18.7-30.1", None, "landmark_rate", "chemotherapy"),
    "dor_camrelizumab": ("NR", "14.1-NR", None, "km_median", "camrelizumab"),
    "hr_pfs": ("0.69", "0.56-0.86", "<0.001", "hazard_ratio", None),
}


def _twoarm_claims() -> dict:
    text = (ABSTRACTS / "twoarm_escort_style.txt").read_text(encoding="utf-8")
    return {c.id: c for c in extract_claims(text).claims}


def test_every_figure_of_a_two_arm_abstract_is_recovered():
    claims = _twoarm_claims()
    found = {k: (c.text, c.ci, c.p, c.measure.type, getattr(c.measure, "arm", None)) for k, c in claims.items()}
    assert found == TWOARM_FIGURES


def test_two_sided_p_is_declared_and_the_endpoint_comes_from_the_sentence():
    claims = _twoarm_claims()
    assert claims["hr_os"].method == {"sided": "two"} and claims["hr_pfs"].measure.endpoint == "PFS"
    assert claims["dor_camrelizumab"].measure.endpoint == "DOR"


def test_landmark_percentage_becomes_a_landmark_rate_at_twelve_months():
    measure = _twoarm_claims()["os12_camrelizumab"].measure
    assert (measure.time, measure.unit, measure.endpoint) == (12, "months", "OS")


def test_confidence_level_of_a_not_reached_interval_is_not_a_claim():
    claims = extract_claims("Median OS was not reached (95% CI 14.1-NR).").claims
    assert [(c.text, c.ci) for c in claims] == [("NR", "14.1-NR")]


def test_standalone_p_value_keeps_its_relation_and_sidedness():
    claims = extract_claims("PFS was longer with the new drug (one-sided p < 0.001).").claims
    assert [(c.measure.type, c.text, c.method) for c in claims] == [("p_value", "<0.001", {"sided": "one"})]


def test_long_runs_of_numbers_and_words_are_read_in_linear_time():
    import time

    text = ("hazard ratio " + "0.7, " * 4000 + "95% CI " + "1-" * 4000 + " patients " + "in the " * 3000
            + "7" * 20000 + " most common adverse events " + "x " * 4000)
    start = time.perf_counter()
    extract_claims(text)
    assert time.perf_counter() - start < 5
