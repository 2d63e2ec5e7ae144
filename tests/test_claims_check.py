"""Checking printed figures with no data: GRIM, count/percentage, CIs, median CI shape."""

from __future__ import annotations

from pathlib import Path

from claims_support import claims_file
from typer.testing import CliRunner

import audit.cli  # noqa: F401  (registers commands)
from audit.claims.consistency import consistency_report
from audit.claims.extract import extract_claims
from audit.cli.app import app

ABSTRACTS = Path(__file__).parent / "fixtures" / "abstracts"
N49 = {"id": "n", "text": "49", "measure": {"type": "count"}}
ORR = {"type": "proportion", "response": {"values": ["CR", "PR"]}}


def _checks(*claims, n=None, check=None):
    report = consistency_report(claims_file(*claims), "test", n)
    return [c for c in report.checks if check is None or c.check == check]


def test_percentage_impossible_for_n_is_flagged_by_grim():
    found = _checks(N49, {"id": "orr", "text": "40.9%", "measure": ORR}, check="grim")
    assert found[0].severity == "inconsistent"
    assert "40.8% (20/49)" in found[0].message and "42.9% (21/49)" in found[0].message


def test_possible_percentage_passes_grim():
    assert _checks(N49, {"id": "orr", "text": "40.8%", "measure": ORR}, check="grim") == []


def test_count_disagreeing_with_its_percentage_is_inconsistent():
    claim = {"id": "g34", "text": "63.3%", "count": "30", "measure": ORR}
    found = _checks(N49, claim, check="count_percent")
    assert found[0].severity == "inconsistent" and "30/49 is 61.2%" in found[0].message


def test_ci_not_containing_its_estimate_is_inconsistent():
    claim = {"id": "pfs", "text": "6.9", "ci": "7.1-9.3", "measure": {"type": "km_median", "endpoint": "PFS"}}
    assert _checks(claim, check="ci_contains")[0].severity == "inconsistent"


def test_wilson_cc_is_named_for_the_published_orr_interval():
    claim = {"id": "orr", "text": "40.8%", "ci": "27.3-55.7", "measure": ORR}
    message = _checks(N49, claim, check="binomial_methods")[0].message
    assert message.startswith("with 20/49, Wilson with continuity correction")
    assert "Clopper-Pearson" in message.split("reproduces")[1]


def test_symmetric_median_ci_points_to_spss_style():
    claim = {"id": "os", "text": "12.8", "ci": "10.1-15.5", "measure": {"type": "km_median", "endpoint": "OS"}}
    assert "SPSS-style" in _checks(claim, check="median_ci_shape")[0].message


def test_asymmetric_median_ci_points_to_brookmeyer_crowley():
    claim = {"id": "os", "text": "12.8", "ci": "9.0-20.5", "measure": {"type": "km_median", "endpoint": "OS"}}
    assert "Brookmeyer-Crowley" in _checks(claim, check="median_ci_shape")[0].message


def test_followup_equal_to_median_os_is_a_warning():
    claims = extract_claims((ABSTRACTS / "escc_plain.txt").read_text(encoding="utf-8"))
    report = consistency_report(claims, "abstract")
    assert [c.claim_id for c in report.checks if c.check == "followup_equals_median_os"] == ["fu"]


def test_reference_abstract_is_internally_consistent():
    claims = extract_claims((ABSTRACTS / "escc_plain.txt").read_text(encoding="utf-8"))
    assert consistency_report(claims, "abstract").inconsistent == ()


def test_cli_check_exits_1_on_an_impossible_percentage(tmp_path):
    abstract = tmp_path / "abstract.txt"
    abstract.write_text("49 patients were enrolled. The ORR was 40.9% (95% CI 27.3-55.7).", encoding="utf-8")
    result = CliRunner().invoke(app, ["claims", "check", str(abstract)])
    assert result.exit_code == 1 and "GRIM" in result.output


def test_cli_check_exits_0_on_the_reference_abstract():
    result = CliRunner().invoke(app, ["claims", "check", str(ABSTRACTS / "escc_plain.txt")])
    assert result.exit_code == 0, result.output


def test_cli_check_takes_n_for_a_claims_file(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text("claims:\n- id: orr\n  text: 40.9%\n  measure: {type: proportion}\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["claims", "check", str(path), "--n", "49", "--format", "json"])
    assert result.exit_code == 1 and '"inconsistent": 1' in result.output


def test_kaplan_meier_landmark_rate_is_not_held_to_grim(tmp_path):
    # 68.5% is impossible as k/49 (33/49 = 67.3%, 34/49 = 69.4%) but a KM estimate takes any value.
    abstract = tmp_path / "abstract.txt"
    abstract.write_text("49 patients were enrolled. The 12-month OS was 68.5%.", encoding="utf-8")
    result = CliRunner().invoke(app, ["claims", "check", str(abstract)])
    assert result.exit_code == 0, result.output
    assert "GRIM" not in result.output


def test_landmark_rate_in_a_claims_file_gets_no_grim_check():
    claim = {"id": "os12", "text": "68.5%", "measure": {"type": "landmark_rate", "endpoint": "OS", "time": 12}}
    assert _checks(N49, claim, check="grim") == []


def test_per_arm_percentage_is_checked_against_that_arms_count():
    arm_n = {"id": "n_a", "text": "25", "measure": {"type": "count", "arm": "A"}}
    possible_for_25 = {"id": "orr_a", "text": "40.0%", "measure": {**ORR, "arm": "A"}}
    impossible_for_25 = {"id": "orr_a", "text": "40.8%", "measure": {**ORR, "arm": "A"}}
    assert _checks(N49, arm_n, possible_for_25, check="grim") == []
    assert _checks(N49, arm_n, impossible_for_25, check="grim")[0].severity == "inconsistent"


def test_ci_with_a_not_reached_upper_limit_contains_its_estimate():
    claim = {"id": "os", "text": "20.5", "ci": "14.1-NR", "measure": {"type": "km_median", "endpoint": "OS"}}
    assert _checks(claim, check="ci_contains") == []


def test_followup_equal_to_median_os_is_warned_per_arm():
    claims = [{"id": f"{kind}_{arm}", "text": text, "measure": {"type": kind, "endpoint": "OS", "arm": arm}}
              for arm, text in (("A", "8.3"), ("B", "6.2")) for kind in ("median_followup", "km_median")]
    found = _checks(*claims, check="followup_equals_median_os")
    assert [c.claim_id for c in found] == ["median_followup_A", "median_followup_B"]
