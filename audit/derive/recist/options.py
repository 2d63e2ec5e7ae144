"""User settings of the RECIST derivations (the "recist" section of the audit settings)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, field_validator

from audit.derive.options import Flag, SectionOptions, WholeNumber


class RecistOptions(SectionOptions):
    """Protocol choices for best overall response (RECIST 1.1 section 4.4.2)."""

    SECTION = "recist"

    # Single-arm trials with response as endpoint need CR/PR confirmed; randomised trials often do not.
    confirm: Flag = Field(True, description="CR/PR count as best response only when confirmed by a later "
                                            "assessment; false: the best time-point response (randomised trials).")
    confirmation_days: WholeNumber = Field(28, ge=1, description="Days from a response to the assessment that "
                                                                 "confirms it (at least).")
    sd_min_days: WholeNumber = Field(42, ge=0, description="Days after first dose (DM RFSTDTC) before SD counts as "
                                                           "best response.")
    max_ne_between: WholeNumber = Field(1, ge=0, description="NE assessments allowed between a response and the "
                                                             "assessment confirming it.")
    evaluator: str | None = Field(None, description="Only this evaluator's records (RSEVAL / TREVAL / TUEVAL); "
                                                    "records naming none count too; null: every evaluator.")
    readers: Literal["all", "accepted"] = Field(
        "all", description="'all': each reader (--EVAL with --EVALID) is derived and compared on its own, never "
        "merged; 'accepted': only the adjudicated read (--ACPTFL Y) and readers with no --EVALID.")

    @field_validator("evaluator", mode="before")
    @classmethod
    def _upper(cls, value: Any) -> str | None:
        return None if value is None else str(value).strip().upper()
