"""The claims file: printed figures as text, strict validation, errors that say where."""

from __future__ import annotations

import pytest

from audit.claims import claims_schema, load_claims
from audit.errors import ClaimsFileError
from audit.packs import examples_dir

REFERENCE_IDS = ["n", "enrol", "fu", "pfs", "os", "orr", "dcr", "arr", "acr", "g34", "leuk", "common", "trd"]


def _write(tmp_path, text: str):
    path = tmp_path / "claims.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_reference_claims_file_lists_every_published_figure():
    claims = load_claims(examples_dir() / "escc-rt-camrelizumab" / "claims.yaml")
    assert [c.id for c in claims.claims] == REFERENCE_IDS


def test_reference_claims_declare_no_method_so_the_verifier_must_discover_them():
    claims = load_claims(examples_dir() / "escc-rt-camrelizumab" / "claims.yaml")
    assert all(c.method is None for c in claims.claims)


def test_printed_numbers_stay_text_with_their_trailing_zero(tmp_path):
    path = _write(tmp_path, "claims:\n- id: x\n  text: '40.0'\n  ci: 27.30-55.70\n"
                            "  measure: {type: proportion, response: {values: [CR]}}\n")
    claim = load_claims(path).claims[0]
    assert (claim.text, claim.ci) == ("40.0", "27.30-55.70")


def test_unknown_key_names_file_claim_and_field(tmp_path):
    path = _write(tmp_path, "claims:\n- id: orr\n  text: '40.8'\n"
                            "  measure: {type: proportion, populaton: ITTFL}\n")
    with pytest.raises(ClaimsFileError) as error:
        load_claims(path)
    message = error.value.render()
    assert "claims.yaml" in message and "claims[orr]" in message and "populaton" in message


def test_unknown_measure_type_is_an_input_error(tmp_path):
    path = _write(tmp_path, "claims:\n- id: a\n  text: '1'\n  measure: {type: mean}\n")
    with pytest.raises(ClaimsFileError, match="claims\\[a\\]"):
        load_claims(path)


def test_duplicate_claim_ids_are_rejected(tmp_path):
    one = "- id: a\n  text: '1'\n  measure: {type: count}\n"
    with pytest.raises(ClaimsFileError, match="given twice"):
        load_claims(_write(tmp_path, "claims:\n" + one + one))


def test_invalid_yaml_is_an_input_error(tmp_path):
    with pytest.raises(ClaimsFileError, match="not valid YAML"):
        load_claims(_write(tmp_path, "claims: [\n"))


def test_missing_claims_file_is_an_input_error(tmp_path):
    with pytest.raises(ClaimsFileError, match="cannot read"):
        load_claims(tmp_path / "absent.yaml")


def test_json_schema_describes_the_measures():
    schema = claims_schema()
    assert {"Proportion", "KMMedian", "MedianFollowup", "Ranking"} <= set(schema["$defs"])


def test_typo_in_the_arms_settings_is_an_error_naming_the_field(tmp_path):
    path = _write(tmp_path, "arms: {reference: Chemotherapy, stratum: [STRATA1]}\nclaims:\n"
                            "- {id: hr, text: '0.71', measure: {type: hazard_ratio, endpoint: OS}}\n")
    with pytest.raises(ClaimsFileError, match=r"arms\.stratum"):
        load_claims(path)


def test_printed_p_value_stays_text_with_its_trailing_zero(tmp_path):
    path = _write(tmp_path, "arms: {reference: C}\nclaims:\n"
                            "- {id: hr, text: '0.71', ci: 0.57-0.87, p: '0.0010', "
                            "measure: {type: hazard_ratio, endpoint: OS}}\n")
    assert load_claims(path).claims[0].p == "0.0010"


def test_landmark_rate_needs_its_landmark_time(tmp_path):
    path = _write(tmp_path, "claims:\n- {id: os12, text: 52.3%, measure: {type: landmark_rate, endpoint: OS}}\n")
    with pytest.raises(ClaimsFileError, match=r"claims\[os12\]\.measure\.time"):
        load_claims(path)


def test_two_arm_example_claims_name_the_arms_and_strata():
    claims = load_claims(examples_dir() / "escort-camrelizumab" / "claims.yaml")
    assert (claims.arms.reference, claims.arms.strata) == ("Chemotherapy", ["STRATA1", "STRATA2"])


def test_iqr_stays_text_on_a_follow_up_claim(tmp_path):
    path = _write(tmp_path, "claims:\n- {id: fu, text: 8.3 months, iqr: 4.1-12.80, measure: {type: median_followup}}\n")
    assert load_claims(path).claims[0].iqr == "4.1-12.80"


def test_iqr_on_a_figure_that_has_none_is_an_error_naming_the_claim(tmp_path):
    path = _write(tmp_path, "claims:\n- {id: orr, text: '40.8', iqr: 1-2, "
                            "measure: {type: proportion, response: {values: [CR]}}}\n")
    with pytest.raises(ClaimsFileError, match=r"claims\[orr\].*interquartile range"):
        load_claims(path)


def test_misspelt_iqr_is_an_error_naming_the_field(tmp_path):
    path = _write(tmp_path, "claims:\n- {id: fu, text: 8.3 months, iq: 4.1-12.8, measure: {type: median_followup}}\n")
    with pytest.raises(ClaimsFileError, match=r"claims\[fu\]\.iq"):
        load_claims(path)


def test_data_cutoff_takes_no_parameters(tmp_path):
    path = _write(tmp_path, "claims:\n- {id: dco, text: '2019-05-06', measure: {type: data_cutoff, source: TS}}\n")
    with pytest.raises(ClaimsFileError, match=r"claims\[dco\]\.measure\.source"):
        load_claims(path)
