"""User settings of the RECIST derivations (the "recist" section of the audit settings)."""

from __future__ import annotations

from typing import Any, Literal

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
    # Only this evaluator's records (RSEVAL / TREVAL / TUEVAL) when given; records naming none count too.
    evaluator: str | None = None
    # Each reader (--EVAL with --EVALID) is derived and compared on its own, never merged with another.
    # "accepted": only the adjudicated read (--ACPTFL Y) of independent readers, and readers with no --EVALID.
    readers: Literal["all", "accepted"] = "all"

    @field_validator("evaluator", mode="before")
    @classmethod
    def _upper(cls, value: Any) -> str | None:
        return None if value is None else str(value).strip().upper()
