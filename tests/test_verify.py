"""Verifying claims on a ten-subject snapshot whose figures are known by construction."""

from __future__ import annotations

import json
import shutil
from xml.etree import ElementTree as ET

import polars as pl
import pytest
from claims_support import claims_file, write_snapshot
from typer.testing import CliRunner

import audit.cli  # noqa: F401  (registers commands)
from audit.claims import verify_claims
from audit.claims.render import render_junit
from audit.cli.app import app
from audit.errors import ClaimsFileError
from audit.study import load_study

ORR = {"id": "orr", "text": "40.0%", "ci": "13.7-72.6",
       "measure": {"type": "proportion", "response": {"values": ["CR", "PR"]}}}


@pytest.fixture(scope="module")
def snapshot(tmp_path_factory):
    return write_snapshot(tmp_path_factory.mktemp("snapshot"))


@pytest.fixture(scope="module")
def study(snapshot):
    return load_study(snapshot)


def _verdict(study, claim, **settings):
    return verify_claims(study, claims_file(claim, **settings)).verdicts[0]


def test_rate_reproduced_only_by_wilson_cc_names_it_and_rejects_clopper_pearson(study):
    verdict = _verdict(study, ORR)
    assert verdict.verdict == "reproduced_by_other_methods"
    assert verdict.reproducing[0].method["binomial"] == "wilson_cc"
    assert verdict.reference.method["binomial"] == "exact" and not verdict.reference.reproduces
    assert verdict.reference.shown() == "40.0% (12.2-73.8)"


def test_declared_method_that_reproduces_gives_reproduced(study):
    verdict = _verdict(study, {**ORR, "method": {"binomial": "wilson_cc"}})
    assert (verdict.verdict, verdict.reference_kind) == ("reproduced", "declared")


def test_unknown_declared_method_is_a_claims_file_error(study):
    with pytest.raises(ClaimsFileError, match="unknown binomial method 'wilsn'"):
        _verdict(study, {**ORR, "method": {"binomial": "wilsn"}})


def test_wrong_rate_is_not_reproduced_with_closest_value_and_gap(study):
    verdict = _verdict(study, {**ORR, "text": "50.0%", "ci": "18.7-81.3"})
    assert verdict.verdict == "not_reproduced"
    assert verdict.closest.values[0] == "40.0" and verdict.closest.gap >= 10


def test_each_ci_bound_is_compared_on_its_own(study):
    verdict = _verdict(study, {**ORR, "ci": "13.7-72.7"})
    assert verdict.verdict == "not_reproduced"
    assert verdict.closest.matches == (True, True, False)


def test_alternative_denominator_is_tried_when_the_claim_allows_it(study):
    claim = {**ORR, "text": "50.0%", "ci": None,
             "measure": {**ORR["measure"], "alternatives": ["EFFFL"]}}
    verdict = _verdict(study, claim)
    assert [r.method["denominator"] for r in verdict.reproducing] == ["EFFFL"]


def test_count_beside_percentage_must_match_too(study):
    claim = {"id": "g34", "text": "30.0%", "count": "3",
             "measure": {"type": "proportion", "adverse_event": {"related": True, "grades": [3, 4]}}}
    assert _verdict(study, claim).verdict == "reproduced"
    assert _verdict(study, {**claim, "count": "4"}).verdict == "not_reproduced"


def test_median_is_recomputed_under_every_rule_ci_method_and_month_length(study):
    from audit.stats.km import kaplan_meier
    from audit.stats.median import MEDIAN_CI_METHODS, MEDIAN_RULES, km_median

    claim = {"id": "os", "text": "1.0", "ci": "0.1-2.0", "measure": {"type": "km_median", "endpoint": "OS"}}
    verdict = _verdict(study, claim)
    assert len(verdict.not_reproducing) == len(MEDIAN_RULES) * len(MEDIAN_CI_METHODS) * 4
    days = km_median(kaplan_meier([420, 150, 300, 360, 210, 240, 500, 90, 130, 600],
                                  [0, 1, 1, 1, 1, 1, 0, 1, 1, 0]))
    assert verdict.reference.values[0] == f"{days / 30.4375:.1f}"


def test_median_printed_as_recomputed_by_spss_ci_is_reproduced_by_other_methods(study):
    spss = next(r for r in _verdict(study, {"id": "os", "text": "1.0", "ci": "0.1-2.0",
                "measure": {"type": "km_median", "endpoint": "OS"}}).not_reproducing
                if r.method == {"median": "r_sas", "ci": "spss_symmetric", "month": "30.4375"})
    claim = {"id": "os", "text": spss.values[0], "ci": f"{spss.values[1]}-{spss.values[2]}",
             "measure": {"type": "km_median", "endpoint": "OS"}}
    verdict = _verdict(study, claim)
    assert verdict.verdict == "reproduced_by_other_methods"
    assert "spss_symmetric" in {r.method["ci"] for r in verdict.reproducing}


def test_sdtm_derivation_gives_the_same_os_as_adtte_and_says_so(study):
    claim = {"id": "os", "text": "9.9", "measure": {"type": "km_median", "endpoint": "OS"}}
    from_adtte = _verdict(study, claim)
    from_sdtm = _verdict(study, claim, source="sdtm")
    assert from_adtte.reference.values == from_sdtm.reference.values
    assert from_adtte.sources[0].startswith("ADTTE") and from_sdtm.sources[0].startswith("derived from SDTM")


def test_pfs_from_sdtm_uses_first_pd_in_rs(tmp_path):
    sdtm_only = load_study(write_snapshot(tmp_path / "sdtm", adam=False))
    both = load_study(write_snapshot(tmp_path / "both"))
    claim = {"id": "pfs", "text": "9.9", "measure": {"type": "km_median", "endpoint": "PFS"}}
    derived = _verdict(sdtm_only, claim)
    assert "RS OVRLRESP" in derived.sources[0]
    assert derived.reference.values == _verdict(both, claim).reference.values


def test_followup_equal_to_median_os_is_warned(study):
    claims = claims_file({"id": "fu", "text": "8.0 months", "measure": {"type": "median_followup"}},
                         {"id": "os", "text": "8.0 months", "measure": {"type": "km_median", "endpoint": "OS"}})
    assert "equals median OS" in verify_claims(study, claims).verdicts[0].warnings[0]


def test_followup_is_tried_under_every_definition(study):
    verdict = _verdict(study, {"id": "fu", "text": "8.0", "measure": {"type": "median_followup"}})
    tried = {r.method["followup"] for r in (*verdict.reproducing, *verdict.not_reproducing)}
    assert {"reverse_km", "observation_time", "censored_only"} <= tried


def test_enrolment_window_compared_at_printed_precision(study):
    claim = {"id": "enrol", "text": "2020-01-03 to 2020-07-01", "measure": {"type": "date_range"}}
    assert _verdict(study, claim).verdict == "reproduced"
    assert _verdict(study, {**claim, "text": "January 2020 to July 2020"}).verdict == "reproduced"
    assert _verdict(study, {**claim, "text": "2020-01-03 to 2020-06-30"}).verdict == "not_reproduced"


def test_ranking_collapses_groupings_from_the_claims_file(study):
    claim = {"id": "common", "text": "myelosuppression, weight loss, fatigue", "measure": {"type": "ranking"}}
    assert _verdict(study, claim).verdict == "reproduced"


def test_none_claim_counts_subjects(study):
    claim = {"id": "trd", "text": "none", "measure": {"type": "none", "adverse_event": {"grades": [3]}}}
    verdict = _verdict(study, claim)
    assert verdict.verdict == "not_reproduced" and verdict.closest.values == ("3",)


def test_measure_the_snapshot_cannot_support_is_not_applicable(tmp_path):
    study = load_study(write_snapshot(tmp_path / "sdtm", adam=False))
    claim = {**ORR, "measure": {"type": "proportion", "response": {"parameter": "ABSBOR", "values": ["PR"]}}}
    verdict = _verdict(study, claim)
    assert verdict.verdict == "not_applicable" and "ADRS" in verdict.reason


def test_grim_warning_uses_the_recomputed_denominator(study):
    claim = {**ORR, "text": "41.0%", "ci": None}
    assert any("GRIM" in w for w in _verdict(study, claim).warnings)


def test_json_output_is_deterministic(study):
    claims = claims_file(ORR, {"id": "os", "text": "9.9", "measure": {"type": "km_median", "endpoint": "OS"}})
    first, second = verify_claims(study, claims).to_json(), verify_claims(study, claims).to_json()
    assert first == second and json.loads(first)["verdicts"][0]["claim_id"] == "orr"


def test_junit_marks_not_reproduced_claims_as_failures(study):
    claims = claims_file(ORR, {**ORR, "id": "bad", "text": "50.0%"})
    suite = ET.fromstring(render_junit(verify_claims(study, claims)))
    assert suite.get("failures") == "1" and suite.find("testcase[@name='bad']/failure") is not None


def _write_claims(tmp_path, *claims):
    import yaml

    path = tmp_path / "claims.yaml"
    path.write_text(yaml.safe_dump({"claims": list(claims)}), encoding="utf-8")
    return path


def test_cli_verify_exits_0_when_every_claim_is_reproduced_by_some_method(snapshot, tmp_path):
    result = CliRunner().invoke(app, ["verify", str(snapshot), "--claims", str(_write_claims(tmp_path, ORR))])
    assert result.exit_code == 0, result.output
    assert "Wilson with continuity correction" in result.output


def test_cli_verify_exits_1_when_a_claim_is_not_reproduced(snapshot, tmp_path):
    claims = _write_claims(tmp_path, {**ORR, "text": "50.0%"})
    result = CliRunner().invoke(app, ["verify", str(snapshot), "--claims", str(claims), "-f", "json"])
    assert result.exit_code == 1 and json.loads(result.output)["counts"]["not_reproduced"] == 1


def test_cli_verify_exits_2_on_a_bad_claims_file(snapshot, tmp_path):
    claims = _write_claims(tmp_path, {"id": "x", "text": "1", "measure": {"type": "bogus"}})
    result = CliRunner().invoke(app, ["verify", str(snapshot), "--claims", str(claims)])
    assert result.exit_code == 2 and "claims[x]" in result.output


def test_cli_verify_writes_junit_to_a_file(snapshot, tmp_path):
    out = tmp_path / "verify.xml"
    args = ["verify", str(snapshot), "--claims", str(_write_claims(tmp_path, ORR)), "-f", "junit", "-o", str(out)]
    assert CliRunner().invoke(app, args).exit_code == 0
    assert ET.parse(out).getroot().get("tests") == "1"


def test_changed_responder_is_reported_with_the_recomputed_value(tmp_path):
    folder = write_snapshot(tmp_path / "damaged")
    adrs = pl.read_parquet(folder / "adrs.parquet").with_columns(
        pl.when((pl.col("USUBJID") == "S02") & (pl.col("PARAMCD") == "BOR")).then(pl.lit("SD"))
        .otherwise(pl.col("AVALC")).alias("AVALC"))
    adrs.write_parquet(folder / "adrs.parquet")
    verdict = _verdict(load_study(folder), ORR)
    assert verdict.verdict == "not_reproduced" and verdict.closest.values[0] == "30.0"
    shutil.rmtree(folder)
