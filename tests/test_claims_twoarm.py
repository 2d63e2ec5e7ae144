"""Two-arm claims: hazard ratios, p-values, landmark rates, rate comparisons, per-arm and NR figures."""

from __future__ import annotations

import pytest
from claims_support import write_response_snapshot, write_twoarm_snapshot

from audit.claims import verify_claims
from audit.claims.model import parse_claims
from audit.errors import ClaimsFileError
from audit.study import load_study
from tests.stats.reference_support import rows

R_COX = [r for r in rows("twoarm/r_cox_logrank.csv") if r["test"] == "cox" and r["dataset"] == "lung_sex"]
R_LANDMARKS = [r for r in rows("twoarm/r_landmark_rates.csv") if r["dataset"] == "lung_sex"][::2]
R_TRANSFORMS = {"log": "log", "log-log": "loglog", "plain": "plain"}
RESPONSE = {"values": ["CR", "PR"]}


@pytest.fixture(scope="module")
def lung(tmp_path_factory):
    return load_study(write_twoarm_snapshot(tmp_path_factory.mktemp("lung"), "lung_sex"))


@pytest.fixture(scope="module")
def veteran(tmp_path_factory):
    return load_study(write_twoarm_snapshot(tmp_path_factory.mktemp("veteran"), "veteran_trt"))


@pytest.fixture(scope="module")
def responses(tmp_path_factory):
    return load_study(write_response_snapshot(tmp_path_factory.mktemp("rates"), {"E": (56, 70), "C": (48, 80)}))


def _verdict(study, claim, reference="female", strata=("STRATA1",)):
    claims = parse_claims({"arms": {"reference": reference, "strata": list(strata)}, "claims": [claim]})
    return verify_claims(study, claims).verdicts[0]


def _four(value: float) -> str:
    return f"{value:.4f}"


@pytest.mark.parametrize("row", R_COX, ids=[f"{r['ties']}-{r['stratified']}" for r in R_COX])
def test_printed_hazard_ratio_names_the_r_model_and_ties_that_produced_it(row, lung):
    claim = {"id": "hr", "text": _four(row["hr"]), "ci": f"{_four(row['lower'])}-{_four(row['upper'])}",
             "measure": {"type": "hazard_ratio", "endpoint": "OS"}}
    verdict = _verdict(lung, claim)
    model = "stratified" if row["stratified"] else "unstratified"
    assert verdict.reproduced
    assert {(r.method["model"], r.method["ties"]) for r in verdict.reproducing} == {(model, row["ties"])}


def test_stratified_efron_with_stratified_logrank_p_is_the_conventional_method(veteran):
    claim = {"id": "hr", "text": "1.18", "ci": "0.80-1.75", "p": "0.40",
             "measure": {"type": "hazard_ratio", "endpoint": "OS"}}
    verdict = _verdict(veteran, claim, "standard")
    assert verdict.verdict == "reproduced"
    assert verdict.reference.label == "stratified Cox, Efron ties, Wald CI, stratified log-rank p, two-sided"


def test_p_value_from_the_cox_wald_test_is_named_when_the_logrank_p_differs(veteran):
    claim = {"id": "hr", "text": "1.18", "ci": "0.80-1.75", "p": "0.39",
             "measure": {"type": "hazard_ratio", "endpoint": "OS"}}
    verdict = _verdict(veteran, claim, "standard")
    assert verdict.verdict == "reproduced_by_other_methods"
    assert {r.method["p"] for r in verdict.reproducing} == {"wald", "score", "lr"}


def test_p_printed_below_a_bound_matches_any_smaller_p(lung):
    verdict = _verdict(lung, {"id": "p", "text": "p < 0.01", "measure": {"type": "p_value", "endpoint": "OS"}})
    assert verdict.verdict == "reproduced" and verdict.reference.values == ("0.0010",)


def test_one_sided_p_is_half_the_two_sided_one_and_is_named(lung):
    claim = {"id": "p", "text": "0.0008", "measure": {"type": "p_value", "endpoint": "OS"}}
    verdict = _verdict(lung, claim, strata=())
    assert verdict.verdict == "reproduced_by_other_methods"
    assert {r.method["sided"] for r in verdict.reproducing} == {"one"}
    assert _verdict(lung, {**claim, "text": "0.0016"}, strata=()).verdict == "reproduced"


def test_logrank_p_is_listed_once_not_once_per_ties_method(lung):
    claim = {"id": "p", "text": "0.0010", "measure": {"type": "p_value", "endpoint": "OS"}}
    verdict = _verdict(lung, claim)
    labels = [r.label for r in (*verdict.reproducing, *verdict.not_reproducing)]
    assert labels.count("stratified log-rank test, two-sided") == 1


@pytest.mark.parametrize("row", R_LANDMARKS, ids=[f"{r['arm']}-{r['conf_type']}-{r['time']}" for r in R_LANDMARKS])
def test_landmark_rate_names_the_r_confidence_transform(row, lung):
    claim = {"id": "lm", "text": f"{100 * row['surv']:.2f}%",
             "ci": f"{100 * row['lower']:.2f}-{100 * row['upper']:.2f}",
             "measure": {"type": "landmark_rate", "endpoint": "OS", "time": row["time"], "unit": "days",
                         "arm": row["arm"]}}
    verdict = _verdict(lung, claim)
    assert R_TRANSFORMS[row["conf_type"]] in {r.method["ci"] for r in verdict.reproducing}


def test_rate_difference_ci_reproduced_only_by_newcombe(responses):
    claim = {"id": "d", "text": "20.0", "ci": "5.2-33.4",
             "measure": {"type": "rate_difference", "response": RESPONSE}}
    verdict = _verdict(responses, claim, "C", ())
    assert verdict.verdict == "reproduced_by_other_methods"
    assert [r.method["difference"] for r in verdict.reproducing] == ["newcombe"]


def test_rate_difference_is_experimental_minus_reference(responses):
    claim = {"id": "d", "text": "-20.0", "measure": {"type": "rate_difference", "response": RESPONSE}}
    assert _verdict(responses, claim, "E", ()).verdict == "reproduced"
    assert _verdict(responses, claim, "C", ()).verdict == "not_reproduced"


def test_per_arm_count_and_rate_use_that_arms_subjects(responses):
    rate = {"id": "orr", "text": "60.0%", "count": "48",
            "measure": {"type": "proportion", "arm": "C", "response": RESPONSE}}
    count = {"id": "n", "text": "80", "measure": {"type": "count", "arm": "C"}}
    assert _verdict(responses, rate, "C", ()).verdict == "reproduced"
    assert _verdict(responses, count, "C", ()).verdict == "reproduced"


def test_median_not_reached_with_a_not_reached_upper_limit_is_reproduced(tmp_path):
    study = load_study(write_twoarm_snapshot(tmp_path, "ovarian_rx"))
    claim = {"id": "med", "text": "NR", "ci": "15.2-NR", "measure": {"type": "km_median", "endpoint": "OS", "arm": "B"}}
    verdict = _verdict(study, claim, "A", ())
    assert verdict.verdict == "reproduced" and verdict.reference.values == ("NR", "15.2", "NR")
    verdict = _verdict(study, {**claim, "text": "not reached", "ci": "15.2-20.0"}, "A", ())
    assert verdict.verdict == "not_reproduced"


def test_a_numeric_median_printed_where_r_leaves_it_na_is_not_reproduced(tmp_path):
    study = load_study(write_twoarm_snapshot(tmp_path, "ovarian_rx"))
    claim = {"id": "med", "text": "20.1", "measure": {"type": "km_median", "endpoint": "OS", "arm": "B"}}
    assert _verdict(study, claim, "A", ()).verdict == "not_reproduced"


def test_comparison_without_a_reference_arm_is_a_claims_file_error(lung):
    claims = parse_claims({"claims": [{"id": "hr", "text": "0.71", "measure": {"type": "hazard_ratio",
                                                                              "endpoint": "OS"}}]})
    with pytest.raises(ClaimsFileError, match="arms.reference"):
        verify_claims(lung, claims)


def test_unknown_arm_is_reported_as_cannot_be_checked(lung):
    claim = {"id": "m", "text": "10.0", "measure": {"type": "km_median", "endpoint": "OS", "arm": "placebo"}}
    verdict = _verdict(lung, claim)
    assert verdict.verdict == "not_applicable" and "placebo" in verdict.reason


def test_stratified_model_declared_without_strata_is_a_claims_file_error(lung):
    claim = {"id": "hr", "text": "1.69", "method": {"model": "stratified"},
             "measure": {"type": "hazard_ratio", "endpoint": "OS"}}
    with pytest.raises(ClaimsFileError, match="unknown model method 'stratified'"):
        _verdict(lung, claim, strata=())


def test_cli_verifies_a_claims_file_with_not_reached_limits(tmp_path):
    from typer.testing import CliRunner

    import audit.cli  # noqa: F401  (registers commands)
    from audit.cli.app import app

    snapshot = write_twoarm_snapshot(tmp_path / "snapshot", "ovarian_rx")
    claims = tmp_path / "claims.yaml"
    claims.write_text("arms: {reference: A}\nclaims:\n- id: med_b\n  text: NR\n  ci: 15.2-NR\n"
                      "  measure: {type: km_median, endpoint: OS, arm: B}\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["verify", str(snapshot), "--claims", str(claims), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert '"verdict": "reproduced"' in result.output


def test_duration_of_response_is_read_from_adtte_per_arm(tmp_path):
    import polars as pl

    from audit.formats import write_dataset

    folder = write_twoarm_snapshot(tmp_path, "aml_x")
    adtte = pl.read_parquet(folder / "adtte.parquet").with_columns(pl.lit("DOR").alias("PARAMCD"))
    write_dataset(adtte, folder / "adtte.parquet", "ADTTE")
    # aml maintained: median 31 days, R log CI 18-NA, i.e. 1.0 (0.6-NR) months.
    claim = {"id": "dor", "text": "1.0", "ci": "0.6-NR",
             "measure": {"type": "km_median", "endpoint": "DOR", "arm": "Maintained"}}
    verdict = _verdict(load_study(folder), claim, "Nonmaintained", ())
    assert verdict.reproduced and "bc_log_r" in {r.method["ci"] for r in verdict.reproducing}


def _response_snapshot(folder):
    import polars as pl

    from audit.formats import write_dataset

    # S1 PR from 03-01, PD 05-01; S2 CR from 02-01, still responding 03-01; S3 PR 02-01, dies 02-21; S4 no response.
    dm = pl.DataFrame({"USUBJID": ["S1", "S2", "S3", "S4"], "RFSTDTC": ["2020-01-01"] * 4,
                       "DTHDTC": [None, None, "2020-02-21", None]}, schema_overrides={"DTHDTC": pl.String})
    visits = [("S1", "2020-02-01", "SD"), ("S1", "2020-03-01", "PR"), ("S1", "2020-04-01", "PR"),
              ("S1", "2020-05-01", "PD"), ("S2", "2020-02-01", "CR"), ("S2", "2020-03-01", "CR"),
              ("S3", "2020-02-01", "PR"), ("S4", "2020-02-01", "SD"), ("S4", "2020-03-01", "PD")]
    rs = pl.DataFrame(visits, schema=["USUBJID", "RSDTC", "RSSTRESC"], orient="row").with_columns(
        pl.lit("OVRLRESP").alias("RSTESTCD"))
    folder.mkdir(parents=True, exist_ok=True)
    write_dataset(dm, folder / "dm.parquet", "DM")
    write_dataset(rs, folder / "rs.parquet", "RS")
    return load_study(folder)


@pytest.mark.parametrize(("endpoint", "days", "events"), [("DOR", [62, 30, 21], [1, 0, 1]),
                                                          ("TTR", [61, 32, 32], [1, 1, 1])])
def test_response_times_are_derived_from_rs_for_responders_only(endpoint, days, events, tmp_path):
    from audit.claims.endpoints import endpoint_data
    from audit.claims.model import EndpointSettings

    data = endpoint_data(_response_snapshot(tmp_path), endpoint, EndpointSettings())
    assert (data.subjects, list(data.time), list(data.event)) == (("S1", "S2", "S3"), days, events)


def test_p_of_a_rate_difference_names_the_test_that_gives_it(responses):
    claim = {"id": "d", "text": "20.0", "p": "0.0134", "measure": {"type": "rate_difference", "response": RESPONSE}}
    verdict = _verdict(responses, claim, "C", ())
    assert verdict.verdict == "reproduced_by_other_methods"
    assert {(r.method["test"], r.method["sided"]) for r in verdict.reproducing} == {("yates", "two")}
    assert _verdict(responses, {**claim, "p": "0.008"}, "C", ()).verdict == "reproduced"


def test_mantel_haenszel_odds_ratio_and_cmh_p_over_the_strata(responses):
    claim = {"id": "or", "text": "2.67", "ci": "1.28-5.57", "p": "0.008",
             "measure": {"type": "odds_ratio", "response": RESPONSE}}
    verdict = _verdict(responses, claim, "C", ("STRATA1",))
    reproducing = {(r.method["model"], r.method["test"]) for r in verdict.reproducing}
    assert ("cmh", "cmh") in reproducing and ("unstratified", "chisq") in reproducing
