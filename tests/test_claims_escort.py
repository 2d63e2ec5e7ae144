"""The two-arm example: every printed figure reproduced, the method named, one patient's change caught."""

from __future__ import annotations

import polars as pl
import pytest
from typer.testing import CliRunner

import audit.cli  # noqa: F401  (registers commands)
from audit.claims import load_claims, verify_claims
from audit.cli.app import app
from audit.packs import examples_dir
from audit.study import load_study
from audit.synth import write_snapshot
from audit.synth.escort import CONTROL, generate_escort

CLAIMS = examples_dir() / "escort-camrelizumab" / "claims.yaml"


@pytest.fixture(scope="module")
def datasets():
    return generate_escort()


@pytest.fixture(scope="module")
def result(datasets, tmp_path_factory):
    folder = tmp_path_factory.mktemp("escort")
    write_snapshot(datasets, folder, "parquet")
    return verify_claims(load_study(folder), load_claims(CLAIMS))


def _verdict(result, claim_id):
    return next(v for v in result.verdicts if v.claim_id == claim_id)


def _verify_edited(datasets, tmp_path, claim_id, **fields):
    """Verify the example with one claim's printed fields changed."""
    claims = load_claims(CLAIMS)
    edited = claims.model_copy(update={"claims": [c.model_copy(update=fields) if c.id == claim_id else c
                                                  for c in claims.claims]})
    write_snapshot(datasets, tmp_path, "parquet")
    return _verdict(verify_claims(load_study(tmp_path), edited), claim_id)


def test_every_printed_figure_is_reproduced_but_the_number_screened(result):
    expected = {c.id: c.id != "screened" for c in load_claims(CLAIMS).claims}
    assert {v.claim_id: v.reproduced for v in result.verdicts} == expected


def test_follow_up_iqr_is_reproduced_by_observation_time_with_empirical_quartiles(result):
    for claim_id in ("fu_camrelizumab", "fu_chemotherapy"):
        verdict = _verdict(result, claim_id)
        assert verdict.reproduced and "IQR" in verdict.printed
        assert {r.method["followup"] for r in verdict.reproducing} == {"observation_time"}
        assert all("R quantile type" in r.label for r in verdict.reproducing)


def test_a_moved_iqr_limit_is_not_reproduced_and_the_recomputed_iqr_is_shown(result, datasets, tmp_path):
    verdict = _verify_edited(datasets, tmp_path, "fu_camrelizumab", iqr="4.1-13.4")
    assert verdict.verdict == "not_reproduced"
    fit = _verdict(result, "fu_camrelizumab").reproducing[0]
    moved = next(r for r in verdict.not_reproducing if r.method == fit.method)
    assert (moved.matches, moved.shown()) == ((True, True, False), fit.shown())
    assert "(IQR " in verdict.closest.shown() and f"giving {verdict.closest.shown()}" in verdict.summary()


def test_data_cutoff_is_reproduced_from_adsl(result):
    verdict = _verdict(result, "cutoff")
    assert (verdict.verdict, verdict.reference.label) == ("reproduced", "ADSL.DCUTDT")


def test_a_different_data_cutoff_is_not_reproduced(datasets, tmp_path):
    verdict = _verify_edited(datasets, tmp_path, "cutoff", text="2019-05-07")
    assert verdict.verdict == "not_reproduced"
    assert verdict.closest.shown() == datasets["ADSL"]["DCUTDT"].max().isoformat()


def test_number_screened_cannot_be_checked_from_randomised_subjects_only(result):
    verdict = _verdict(result, "screened")
    assert verdict.verdict == "not_applicable" and "no screening records" in verdict.reason


def test_number_screened_is_counted_once_dm_holds_the_screen_failures(datasets, tmp_path):
    randomised = datasets["ADSL"].select("STUDYID", "USUBJID", pl.lit("RANDOMISED").alias("ARMCD"))
    failures = pl.DataFrame({"STUDYID": randomised["STUDYID"][0],
                             "USUBJID": [f"SF-{i:03d}" for i in range(607 - randomised.height)],
                             "ARMCD": "SCRNFAIL"})
    verdict = _verify_edited({**datasets, "DM": pl.concat([randomised, failures])}, tmp_path, "screened")
    assert verdict.verdict == "reproduced"


def test_hazard_ratio_names_the_stratified_efron_model_and_logrank_test(result):
    verdict = next(v for v in result.verdicts if v.claim_id == "hr_os")
    assert verdict.verdict == "reproduced"
    assert verdict.reference.label == "stratified Cox, Efron ties, Wald CI, stratified log-rank p, two-sided"
    assert all(r.method["model"] == "stratified" for r in verdict.reproducing)


def test_followup_equal_to_median_os_is_warned_in_both_arms(result):
    warned = {v.claim_id for v in result.verdicts if any("equals median OS" in w for w in v.warnings)}
    assert warned == {"fu_camrelizumab", "fu_chemotherapy"}


def test_one_patients_death_changed_to_censored_moves_the_p_value(datasets, tmp_path):
    adtte = datasets["ADTTE"].join(datasets["ADSL"].select("USUBJID", "TRT01P"), on="USUBJID")
    deaths = adtte.filter((pl.col("TRT01P") == CONTROL) & (pl.col("CNSR") == 0)).sort("AVAL")
    subject = deaths.filter(pl.col("AVAL") <= deaths["AVAL"].median()).tail(1)["USUBJID"][0]
    changed = {**datasets, "ADTTE": datasets["ADTTE"].with_columns(
        pl.when(pl.col("USUBJID") == subject).then(1).otherwise(pl.col("CNSR")).alias("CNSR"))}
    write_snapshot(changed, tmp_path, "parquet")
    verdict = next(v for v in verify_claims(load_study(tmp_path), load_claims(CLAIMS)).verdicts
                   if v.claim_id == "hr_os")
    assert verdict.verdict == "not_reproduced"
    assert verdict.reference.values[-1] != "0.0010"
    assert f"giving {verdict.closest.shown()}" in verdict.summary()


def test_cli_example_escort_writes_a_snapshot_that_verifies(tmp_path):
    out = tmp_path / "escort"
    written = CliRunner().invoke(app, ["example", "escort", str(out), "--format", "parquet"])
    assert written.exit_code == 0, written.output
    verified = CliRunner().invoke(app, ["verify", str(out), "--claims", str(CLAIMS), "--format", "json"])
    assert verified.exit_code == 0, verified.output


def test_per_arm_medians_are_drawn_on_their_arms_curves(datasets, tmp_path):
    from audit.claims.curves import median_curves
    from audit.report.plots import km_figures

    write_snapshot(datasets, tmp_path, "parquet")
    captions = [f.caption for f in km_figures(median_curves(load_study(tmp_path), load_claims(CLAIMS)))]
    assert ["n = 228" in captions[0], "n = 220" in captions[1]] == [True, True]


def test_data_cutoff_is_the_snapshots_own_even_when_another_is_given_to_the_loader(datasets, tmp_path):
    from datetime import date

    write_snapshot(datasets, tmp_path, "parquet")
    result = verify_claims(load_study(tmp_path, cutoff=date(2020, 1, 1)), load_claims(CLAIMS))
    assert (_verdict(result, "cutoff").verdict, _verdict(result, "cutoff").reference.label) == (
        "reproduced", "ADSL.DCUTDT")
