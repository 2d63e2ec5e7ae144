"""User settings of the RECIST derivations (the "recist" section of the audit settings)."""

from __future__ import annotations

from typing import Any

from pydantic import Field, field_validator

from audit.derive.options import SectionOptions


class RecistOptions(SectionOptions):
    """Protocol choices for best overall response (RECIST 1.1 section 4.4.2)."""

    SECTION = "recist"

    # Single-arm trials with response as endpoint need CR/PR confirmed; randomised trials often do not.
    confirm: bool = True
    # A confirming assessment lies at least this many days after the first response.
    confirmation_days: int = Field(28, ge=1)
    # SD counts as best response only at this many days or more after first dose (RFSTDTC).
    sd_min_days: int = Field(42, ge=0)
    # How many NE time points may lie between a response and the assessment confirming it.
    max_ne_between: int = Field(1, ge=0)
    # Whose assessments are audited (RSEVAL / TREVAL / TUEVAL); records without an evaluator count too.
    evaluator: str = "INVESTIGATOR"

    @field_validator("evaluator", mode="before")
    @classmethod
    def _upper(cls, value: Any) -> str:
        return str(value).strip().upper()
