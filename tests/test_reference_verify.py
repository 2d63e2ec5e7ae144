"""Verifying the published figures on the reference study names the methods the paper used."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

import audit.cli  # noqa: F401  (registers the commands)
from audit.claims import load_claims, verify_claims
from audit.cli.app import app
from audit.derive.ctcae.counting import count_subjects_with_ae
from audit.packs import examples_dir
from audit.study import load_study

CLAIMS = examples_dir() / "escc-rt-camrelizumab" / "claims.yaml"
RATES = ("orr", "dcr", "arr", "acr")


@pytest.fixture(scope="module")
def clean(reference):
    return {v.claim_id: v for v in verify_claims(load_study(reference.clean), load_claims(CLAIMS)).verdicts}


@pytest.fixture(scope="module")
def damaged(reference):
    return {v.claim_id: v for v in verify_claims(load_study(reference.damaged), load_claims(CLAIMS)).verdicts}


def methods(verdict, dimension: str) -> set[str]:
    return {m.method.get(dimension) for m in verdict.reproducing}


def test_every_published_figure_is_reproduced_on_the_clean_study(clean) -> None:
    assert sorted(clean) == sorted(["n", "enrol", "fu", "pfs", "os", "orr", "dcr", "arr", "acr", "g34", "leuk",
                                    "common", "trd"])
    assert {k: v.verdict for k, v in clean.items() if not v.reproduced} == {}


@pytest.mark.parametrize("claim", RATES)
def test_rates_are_reproduced_by_wilson_cc_and_not_by_clopper_pearson(clean, claim: str) -> None:
    assert "wilson_cc" in methods(clean[claim], "binomial")
    assert "exact" not in methods(clean[claim], "binomial")
    assert any(m.method.get("binomial") == "exact" for m in clean[claim].not_reproducing)


@pytest.mark.parametrize("claim", ["pfs", "os"])
def test_medians_are_reproduced_by_the_spss_symmetric_ci_and_not_brookmeyer_crowley(clean, claim: str) -> None:
    assert methods(clean[claim], "ci") == {"spss_symmetric"}
    shown = [m for m in clean[claim].not_reproducing if str(m.method.get("ci", "")).startswith("bc_")]
    assert shown and all(m.display for m in shown)


def test_followup_is_the_median_observation_time_and_reverse_km_differs(clean) -> None:
    fu = clean["fu"]
    assert methods(fu, "followup") == {"observation_time"}
    reverse = [m for m in fu.not_reproducing if m.method.get("followup") == "reverse_km"]
    assert reverse and all(m.values[0] != "12.8" for m in reverse)
    assert any("equals median OS" in w for w in fu.warnings)


def test_changed_responder_makes_orr_not_reproduced_with_the_recomputed_value(damaged) -> None:
    orr = damaged["orr"]
    assert orr.verdict == "not_reproduced"
    assert orr.closest is not None and orr.closest.values[0] != "40.8"
    assert {k for k, v in damaged.items() if not v.reproduced} == {"orr"}


def test_ctcae_counts_give_the_published_safety_figures(reference) -> None:
    study = load_study(reference.clean)
    assert count_subjects_with_ae(study, [3, 4], related=True) == 31
    assert count_subjects_with_ae(study, [3, 4], terms=["leukopenia"]) == 15


def test_verify_cli_exits_1_on_the_damaged_copy_only(reference, tmp_path: Path) -> None:
    runner = CliRunner()
    clean = runner.invoke(app, ["verify", str(reference.clean), "--claims", str(CLAIMS), "--format", "json"])
    damaged = runner.invoke(app, ["verify", str(reference.damaged), "--claims", str(CLAIMS), "--format", "json"])
    assert (clean.exit_code, damaged.exit_code) == (0, 1)


def test_best_change_per_subject_feeds_the_waterfall(reference) -> None:
    from audit.derive import DeriveContext

    best = DeriveContext(load_study(reference.clean)).derived("recist.best_change").collect()
    responders = best.filter(best["BOR"].is_in(["CR", "PR"]))
    assert responders.height == 20
    assert (responders["BEST_PCHG"] <= -30).all()
    assert (best.filter(best["BOR"] == "PD")["BEST_PCHG"] > -30).all()


def test_verify_html_shows_km_curves_and_the_waterfall(reference, tmp_path: Path) -> None:
    out = tmp_path / "verify.html"
    result = CliRunner().invoke(app, ["verify", str(reference.clean), "--claims", str(CLAIMS), "--format", "html",
                                      "--output", str(out)])
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    assert "published median 6.9" in page and "published median 12.8" in page
    assert "Best percentage change in target-lesion sum" in page
