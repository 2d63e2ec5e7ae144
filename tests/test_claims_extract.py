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
