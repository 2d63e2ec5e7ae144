"""Every derivation keeps its declared contract: the frames it produces on real and reference studies match it."""

from __future__ import annotations

from pathlib import Path

import pytest

from audit.derive.options import SectionOptions
from audit.derive.registry import DeriveContext, NotApplicable, derivation_contracts, registered_derivations
from audit.engine.kinds import registered_kinds
from audit.engine.models import KIND_COLUMN_FIELDS, NOT_COLUMN_FIELDS
from audit.engine.sources import key_column
from audit.study import load_study

ONCO = Path(__file__).parent / "fixtures" / "real-data" / "pharmaversesdtm-onco"


def _built_in() -> list[str]:
    """The derivations the package registers (tests may register their own)."""
    return [n for n, c in derivation_contracts().items() if c.function.startswith("audit.derive.")]


def _collected(root: Path) -> dict[str, dict]:
    ctx = DeriveContext(load_study(root), {})
    schemas = {}
    for name in _built_in():
        try:
            schemas[name] = dict(ctx.derived(name).collect_schema())
        except NotApplicable:
            continue
    return schemas


def _assert_kept(schemas: dict[str, dict]) -> None:
    contracts = derivation_contracts()
    for name, schema in schemas.items():
        contract = contracts[name]
        assert contract.problems(schema) == [], f"{name}: {contract.problems(schema)}"
        assert key_column(schema, name) == contract.key, name


def test_every_derivation_declares_a_contract() -> None:
    assert set(derivation_contracts()) == set(registered_derivations())
    assert {n.split(".")[0] for n in _built_in()} == {"recist", "ctcae"}
    for name, contract in derivation_contracts().items():
        assert ":" in contract.function and contract.key, name
        assert all(c.meaning for c in contract.columns), name
        assert contract.options is None or issubclass(contract.options, SectionOptions)
    for name in _built_in():
        contract = derivation_contracts()[name]
        assert contract.section and (contract.reads or contract.derived_from), name


def test_reference_study_frames_match_their_contracts(reference) -> None:
    clean = _collected(reference.clean)
    assert set(clean) == set(_built_in())  # every derivation runs on the reference study
    _assert_kept(clean)
    _assert_kept(_collected(reference.damaged))


def test_real_onco_study_frames_match_their_contracts() -> None:
    schemas = _collected(ONCO)
    assert {"recist.responses", "recist.timepoint", "ctcae.lab_grades"} <= set(schemas)
    _assert_kept(schemas)


def test_a_drifted_frame_is_reported() -> None:
    import polars as pl

    contract = derivation_contracts()["recist.sums"]
    schema = {c.name: c.dtype for c in contract.columns if c.name != "DERIVED_SUM"} | {"N_TARGETS": pl.Int32,
                                                                                       "EXTRA": pl.String}
    assert contract.problems(schema) == ["declared column DERIVED_SUM is missing",
                                         "N_TARGETS is Int32, declared Int64", "column EXTRA (String) is not declared"]


def test_every_field_of_every_kind_is_classified() -> None:
    # A new kind's column fields must be listed, or rules on derived frames would escape the load-time check.
    for name, kind in registered_kinds().items():
        fields = set(kind.params.model_fields)
        assert fields <= set(KIND_COLUMN_FIELDS.get(name, {})) | NOT_COLUMN_FIELDS, name


@pytest.mark.parametrize("model", sorted({c.options for c in derivation_contracts().values() if c.options},
                                         key=lambda m: m.SECTION))
def test_every_option_is_described(model) -> None:
    assert all(info.description for info in model.model_fields.values())


def test_built_in_rules_do_not_repeat_option_text() -> None:
    from audit.engine import load_rules
    from audit.engine.config import section_models

    described = {f"{s}.{f}" for s, m in section_models().items() if s != "study" for f in m.model_fields}
    for rule in load_rules().rules:
        assert not set(rule.options) & described, rule.id
