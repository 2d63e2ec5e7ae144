"""User settings of the CTCAE derivations (the "ctcae" section of the audit settings)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from audit.errors import AuditInputError

DEFAULT_RELATED = ("POSSIBLY RELATED", "PROBABLY RELATED", "RELATED")


class CtcaeOptions(BaseModel):
    """Protocol choices: what counts as related, the emergent window, the under-reporting grade."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    # AEREL values the protocol counts as treatment-related (domain/ctcae5.md).
    related: tuple[str, ...] = DEFAULT_RELATED
    # Treatment-emergent: on or after first dose, up to last dose + this many days.
    emergent_window_days: int = Field(30, ge=0)
    # A lab value of at least this grade with no matching AE is possible under-reporting.
    unreported_min_grade: int = Field(3, ge=2, le=4)

    @field_validator("related", mode="before")
    @classmethod
    def _upper(cls, value: Any) -> tuple[str, ...]:
        if isinstance(value, str):
            value = [value]
        return tuple(str(v).strip().upper() for v in value)

    @classmethod
    def from_section(cls, section: Mapping[str, Any]) -> CtcaeOptions:
        """Options from the "ctcae" settings section; a bad value is a user error."""
        try:
            return cls.model_validate(dict(section))
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"]) or "ctcae"
            raise AuditInputError(first["msg"], field=f"ctcae.{where}") from None
