"""Study-level settings of an audit (--config FILE): the engine's own 'study' section plus derivation sections.

Every section is validated when the settings are read, before any rule runs,
by its options model: 'study' by StudySettings, each derivation section by
the options model its derivations declare (RecistOptions, CtcaeOptions). An
unknown section, an unknown key or a bad value is one AuditInputError naming
the file and the field ('recist.confirmation_day'). The validated sections are
passed on as mappings in DeriveContext.settings.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from audit.derive.options import SectionOptions
from audit.derive.registry import derivation_contracts
from audit.errors import AuditInputError
from audit.userfiles import read_document


class StudySettings(SectionOptions):
    """Facts of the protocol that rules compare the data with."""

    SECTION = "study"

    enrolment_window: tuple[date, date] | None = Field(
        None, description="First and last enrolment date the protocol or paper states."
    )
    cutoff: date | None = Field(None, description="Data cut-off date (overrides the snapshot's own).")
    required_datasets: tuple[str, ...] = Field(
        (), description="Datasets the snapshot must hold (TR, RS, ...); one absent fails the run."
    )

    @field_validator("required_datasets")
    @classmethod
    def _dataset_names(cls, names: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(dict.fromkeys(n.strip().upper() for n in names if n.strip()))

    @model_validator(mode="after")
    def _window_in_order(self) -> StudySettings:
        if self.enrolment_window and self.enrolment_window[0] > self.enrolment_window[1]:
            raise ValueError("enrolment_window: the first date is after the last")
        return self


class AuditSettings(BaseModel):
    """All settings of one run."""

    model_config = ConfigDict(frozen=True)

    study: StudySettings = Field(default_factory=StudySettings)
    sections: dict[str, dict[str, Any]] = Field(default_factory=dict)

    def derive_settings(self) -> Mapping[str, Mapping[str, Any]]:
        """The per-section mappings DeriveContext receives ('study' included, read-only use)."""
        return {"study": self.study.model_dump(mode="json"), **self.sections}

    def canonical(self) -> str:
        """The settings as sorted JSON, for the audit trail."""
        return json.dumps(self.derive_settings(), sort_keys=True, default=str)


def section_models() -> dict[str, type[SectionOptions]]:
    """Every settings section and the model validating it: 'study' and the derivations' options."""
    models: dict[str, type[SectionOptions]] = {"study": StudySettings}
    for contract in derivation_contracts().values():
        if contract.options is not None:
            models.setdefault(contract.options.SECTION, contract.options)
    return dict(sorted(models.items()))


def known_sections() -> list[str]:
    return list(section_models())


def settings_from_mapping(data: Mapping[str, Any] | None, *, source: str | None = None) -> AuditSettings:
    """Validate a settings mapping (as read from a config file), every section by its options model."""
    data = dict(data or {})
    models = section_models()
    for name in data:
        if name not in models:
            raise AuditInputError(f"unknown section (known: {', '.join(models)})", file=source, field=str(name))
    # Each section by its model (AuditInputError naming file and field); passed on as the values it validated
    # to, so `confirm: "no"` reaches every derivation as false.
    options = {name: models[name].from_section(value, file=source) for name, value in data.items()}
    study = options.pop("study", None) or StudySettings()
    sections = {k: v.model_dump(mode="json", exclude_unset=True) for k, v in sorted(options.items())}
    return AuditSettings(study=study, sections=sections)


def load_config(path: str | Path) -> AuditSettings:
    """Read a config YAML file into settings; errors name the file and field."""
    path = Path(path)
    data = read_document(path, "config file")
    if data is not None and not isinstance(data, Mapping):
        raise AuditInputError("expected a mapping of sections", file=path)
    return settings_from_mapping(data, source=str(path))
