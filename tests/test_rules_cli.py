"""`rules validate` and `rules explain` against the derivations' contracts."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

import audit.cli  # noqa: F401  (registers the commands)
from audit.cli.app import app
from audit.engine import load_rules
from audit.errors import RuleFileError

runner = CliRunner()


def _rule_file(tmp_path: Path, datasets: str, check: str, extra: str = "", name: str = "typo.yaml") -> Path:
    path = tmp_path / name
    path.write_text(
        "pack: t\nrules:\n  - id: T001\n    title: t\n    severity: major\n"
        f"    datasets: {datasets}\n    rationale: r\n    reference: {{document: d, section: s}}\n"
        f"    check: {check}\n{extra}", encoding="utf-8")
    return path


def _validate(path: Path):
    return runner.invoke(app, ["rules", "validate", str(path)])


def _one_line(result) -> str:
    lines = result.output.strip().splitlines()
    assert result.exit_code == 2 and len(lines) == 1, result.output
    return lines[0]


RESPONSES = '["derived:recist.responses"]'
PD = "{kind: row_expression, fails_when: \"RESULT = 'PD'\"}"


def test_built_in_packs_validate() -> None:
    result = runner.invoke(app, ["rules", "validate", str(Path(__file__).parent.parent / "rules")])
    assert result.exit_code == 0 and "valid" in result.output


def test_typo_in_derived_frame_exits_2(tmp_path: Path) -> None:
    path = _rule_file(tmp_path, '["derived:recist.respnses"]', PD)
    assert _one_line(_validate(path)) == (
        f"error: {path}: rule T001: field 'datasets[0]': unknown derived frame 'derived:recist.respnses' "
        "(did you mean recist.responses?)")


def test_typo_in_fails_when_exits_2(tmp_path: Path) -> None:
    path = _rule_file(tmp_path, RESPONSES, "{kind: row_expression, fails_when: \"RESLT = 'PD' AND TARGET_PD\"}")
    assert _one_line(_validate(path)) == (
        f"error: {path}: rule T001: field 'check.fails_when': unknown column 'RESLT' of derived:recist.responses "
        "(did you mean RESULT?)")


def test_typo_in_show_exits_2(tmp_path: Path) -> None:
    path = _rule_file(tmp_path, RESPONSES, "{kind: row_expression, fails_when: \"RESULT = 'PD'\", "
                                           "show: [READER, NADRI]}")
    assert _one_line(_validate(path)) == (
        f"error: {path}: rule T001: field 'check.show': unknown column 'NADRI' of derived:recist.responses "
        "(did you mean NADIR?)")


def test_typo_in_message_placeholder_exits_2(tmp_path: Path) -> None:
    path = _rule_file(tmp_path, RESPONSES, PD, '    message: "sum {TARGET_SUMM} (reader {READER})"\n')
    assert _one_line(_validate(path)) == (
        f"error: {path}: rule T001: field 'message': unknown column 'TARGET_SUMM' of derived:recist.responses "
        "(did you mean TARGET_SUM?)")


@pytest.mark.parametrize(("check", "field"), [
    ("{kind: row_expression, where: \"RSTESTCD = 'X'\", requires: 'RESULTS IS NOT NULL', fails_when: 'TARGET_PD'}",
     "check.requires"),
    ("{kind: row_expression, where: \"RSTESTC = 'X'\", fails_when: 'TARGET_PD'}", "check.where"),
    ("{kind: reported_vs_derived, reported: RESULT, derived: DERIVD}", "check.derived"),
    ("{kind: reported_vs_derived, reported: RESULT, derived: DERIVED, by_dataset: "
     "{'derived:recist.responses': {reported: RESLT}}}", "check.by_dataset.derived:recist.responses.reported"),
    ("{kind: row_expression, fails_when: 'TARGET_PD', join: [{dataset: 'derived:recist.bor', columns: [BORR]}]}",
     "check.join[0].columns"),
    ("{kind: chronology, order: [ADT, DM_RFSTDTX], join: [{dataset: DM, columns: [RFSTDTC]}]}", "check.order"),
    ("{kind: key_unique, key: [USUBJID, RSSEQQ]}", "check.key"),
])
def test_typo_in_any_check_field_names_it(tmp_path: Path, check: str, field: str) -> None:
    path = _rule_file(tmp_path, RESPONSES, check)
    line = _one_line(_validate(path))
    assert line.startswith(f"error: {path}: rule T001: field '{field}': unknown column"), line


def test_engine_added_and_joined_columns_are_accounted_for(tmp_path: Path) -> None:
    path = _rule_file(
        tmp_path, RESPONSES,
        "{kind: chronology, order: [DM_RFSTDTC, RSDTC], join: [{dataset: DM, columns: [RFSTDTC]}, "
        "{dataset: 'derived:recist.bor', columns: [BOR], 'on': [USUBJID, READER]}]}",
        '    message: "{DM_RFSTDTC} {DM_RFSTDTC_LO} {BOR_BOR} {ROW} {RSSEQ} {USUBJID} {DATASET}"\n')
    assert _validate(path).exit_code == 0


def test_rules_on_plain_datasets_are_not_checked_against_a_schema(tmp_path: Path) -> None:
    path = _rule_file(tmp_path, "[AE]", "{kind: row_expression, fails_when: \"ANYTHING = 'X'\"}",
                      '    message: "{WHATEVER}"\n')
    assert _validate(path).exit_code == 0


def test_every_run_checks_rules_at_load(tmp_path: Path) -> None:
    path = _rule_file(tmp_path, RESPONSES, "{kind: row_expression, fails_when: 'TARGT_PD'}")
    with pytest.raises(RuleFileError, match="unknown column 'TARGT_PD'"):
        load_rules([path])


def test_explain_names_the_derivation_its_columns_and_the_real_options() -> None:
    result = runner.invoke(app, ["rules", "explain", "RECIST009"])
    assert result.exit_code == 0
    text = result.output
    assert "Derivation derived:recist.responses\n  audit.derive.recist.records:responses\n" in text
    assert "Record key: RSSEQ" in text
    for line in (
        "    RSTESTCD (String): RS test: TRGRESP, NTRGRESP, NEWLIND, NEWLPROG or OVRLRESP",
        "    RESULT (String): reported result, coded through audit/data/recist_terms.csv",
        "    ALL_ASSESSED (Boolean): every target was measured at this visit",
        "    TARGET_PD (Boolean): the measured targets prove PD (>= 20 % and >= 5 mm over the nadir)",
        "    READER (String): reader: --EVAL with --EVALID",
        "    TARGET_SUM (Float64): derived sum of diameters of the measured targets (mm)",
        "    NADIR (Float64): smallest complete sum before this visit",
        "    PCHG_NADIR (Float64): percent change of the sum from the nadir",
        "    CHG_NADIR (Float64): change of the sum from the nadir (mm)",
        "    CHANGE_OVER_NADIR (String): the change over the nadir in words",
        "  fails_when: RSTESTCD = 'TRGRESP' AND RESULT = 'PD' AND ALL_ASSESSED AND NOT TARGET_PD",
        "  recist.confirmation_days (int, default 28): Days from a response to the assessment that confirms it",
        "  recist.confirm (bool, default true): ",
        "  recist.readers ('all' | 'accepted', default all): ",
    ):
        assert line in text, line


def test_explain_options_come_from_the_model_not_the_rule_file() -> None:
    from audit.derive.ctcae.options import CtcaeOptions

    text = runner.invoke(app, ["rules", "explain", "CTCAE011"]).output
    description = CtcaeOptions.model_fields["unreported_min_grade"].description
    assert f"  ctcae.unreported_min_grade (int, default 3): {description}" in text
    assert text.count("ctcae.unreported_min_grade") == 1


def test_rules_list_with_a_file_adds_it_to_the_built_in_packs(tmp_path) -> None:
    extra = tmp_path / "extra.yaml"
    extra.write_text(
        "pack: extra\nrules:\n  - id: XTRA001\n    title: AE start is filled\n    severity: minor\n    datasets: [AE]\n"
        "    rationale: every AE needs its start\n    reference: {document: SDTMIG v3.4, section: \"6.2\"}\n"
        "    check: {kind: row_expression, fails_when: AESTDTC IS NULL}\n",
        encoding="utf-8",
    )
    listed = CliRunner().invoke(app, ["rules", "list", "--rules", str(extra)])
    assert listed.exit_code == 0, listed.output
    ids = [line.split()[0] for line in listed.output.splitlines()]
    assert "XTRA001" in ids and "DATE001" in ids and "RECIST009" in ids
