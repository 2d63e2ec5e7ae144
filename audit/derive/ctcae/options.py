"""User settings of the CTCAE derivations (the "ctcae" section of the audit settings)."""

from __future__ import annotations

from typing import Any

from pydantic import Field, field_validator

from audit.derive.options import SectionOptions, WholeNumber

DEFAULT_RELATED = ("POSSIBLY RELATED", "PROBABLY RELATED", "RELATED")


class CtcaeOptions(SectionOptions):
    """Protocol choices: what counts as related, the emergent window, the under-reporting grade."""

    SECTION = "ctcae"

    related: tuple[str, ...] = Field(DEFAULT_RELATED, description="AEREL values the protocol counts as "
                                                                  "treatment-related (domain/ctcae5.md).")
    emergent_window_days: WholeNumber = Field(30, ge=0, description="Treatment-emergent: on or after first dose, "
                                                                    "up to last dose + this many days.")
    unreported_min_grade: WholeNumber = Field(3, ge=2, le=4, description="A lab value of at least this grade with "
                                                                         "no matching AE is possible "
                                                                         "under-reporting (2-4).")

    @field_validator("related", mode="before")
    @classmethod
    def _upper(cls, value: Any) -> tuple[str, ...]:
        if isinstance(value, str):
            value = [value]
        return tuple(str(v).strip().upper() for v in value)
