"""Study-level settings of an audit (--config FILE): the engine's own 'study' section plus derivation sections.

The 'study' section is validated here (unknown keys are errors). Sections that
belong to derivations ('recist', 'ctcae', ...) are passed through as mappings
in DeriveContext.settings; each derivation validates its own.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from audit.derive.registry import registered_derivations
from audit.errors import AuditInputError
from audit.userfiles import read_document

# Derivation sections known even before their derivations are installed.
_DERIVATION_SECTIONS = ("recist", "ctcae", "tte")


class StudySettings(BaseModel):
    """Facts of the protocol that rules compare the data with."""

    model_config = ConfigDict(extra="forbid")

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


def known_sections() -> list[str]:
    derived = {name.split(".")[0] for name in registered_derivations()}
    return sorted({"study", *_DERIVATION_SECTIONS, *derived})


def settings_from_mapping(data: Mapping[str, Any] | None, *, source: str | None = None) -> AuditSettings:
    """Validate a settings mapping (as read from a config file)."""
    data = dict(data or {})
    known = known_sections()
    for name, value in data.items():
        if name not in known:
            raise AuditInputError(f"unknown section (expected one of: {', '.join(known)})", file=source, field=name)
        if value is not None and not isinstance(value, Mapping):
            raise AuditInputError(f"expected a mapping, found {type(value).__name__}", file=source, field=name)
    try:
        study = StudySettings.model_validate(data.pop("study", None) or {})
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(["study", *(str(p) for p in first["loc"])])
        raise AuditInputError(f"{first['msg']}; found {first.get('input')!r}", file=source, field=field) from None
    return AuditSettings(study=study, sections={k: dict(v or {}) for k, v in sorted(data.items())})


def load_config(path: str | Path) -> AuditSettings:
    """Read a config YAML file into settings; errors name the file and field."""
    path = Path(path)
    data = read_document(path, "config file")
    if data is not None and not isinstance(data, Mapping):
        raise AuditInputError("expected a mapping of sections", file=path)
    return settings_from_mapping(data, source=str(path))
