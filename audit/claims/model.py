"""The claims file: published figures as printed, and what each one measures.

Printed numbers stay TEXT ("40.8", "27.3-55.7", "6.9 months"): their
precision is part of the claim. A claims file is user input, so every model
forbids unknown keys and a validation error names the file, claim and field.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from audit.errors import ClaimsFileError
from audit.userfiles import read_document

Endpoint = Literal["PFS", "OS", "DOR", "TTR"]
ARM_DESCRIPTION = "The arm (a value of the arm variable) this figure is for; none: all subjects."


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class AdverseEventCondition(_Strict):
    """Which adverse events count: relatedness, CTCAE grades, terms or groupings."""

    related: bool | None = Field(None, description="True: treatment-related only; False: unrelated only.")
    grades: list[int] | None = Field(None, description="CTCAE grades that count, e.g. [3, 4].")
    terms: list[str] | None = Field(
        None, description="AEDECOD terms or names of groupings defined in the claims file."
    )
    treatment_emergent: bool | None = Field(None, description="True: TRTEMFL = Y only (ADAE).")

    @field_validator("grades")
    @classmethod
    def _grades_in_range(cls, grades: list[int] | None) -> list[int] | None:
        if grades is not None and any(g < 1 or g > 5 for g in grades):
            raise ValueError("CTCAE grades are 1 to 5")
        return grades


class ResponseCondition(_Strict):
    """Subjects whose best response (ADRS PARAMCD) is in a set of values."""

    parameter: str = Field("BOR", description="ADRS PARAMCD: BOR, or ABSBOR for abscopal response.")
    values: list[str] = Field(..., min_length=1, description="Responses that count, e.g. [CR, PR].")


Flag = Annotated[str, Field(min_length=1)]


class Proportion(_Strict):
    """Percentage of a population meeting a response or adverse-event condition."""

    type: Literal["proportion"]
    response: ResponseCondition | None = None
    adverse_event: AdverseEventCondition | None = None
    population: str = Field("ITTFL", min_length=1, description="ADSL flag (ITTFL, SAFFL, EFFFL) or 'all'.")
    alternatives: list[Flag] = Field(
        default_factory=list, description="Other denominators the paper may have used."
    )
    arm: str | None = Field(None, description=ARM_DESCRIPTION)


class Count(_Strict):
    """Number of subjects in a population, or meeting an adverse-event condition."""

    type: Literal["count"]
    population: str = Field("ITTFL", min_length=1)
    adverse_event: AdverseEventCondition | None = None
    alternatives: list[Flag] = Field(default_factory=list)
    arm: str | None = Field(None, description=ARM_DESCRIPTION)


class KMMedian(_Strict):
    """Kaplan-Meier median of a time-to-event endpoint, in months, with its CI."""

    type: Literal["km_median"]
    endpoint: Endpoint
    arm: str | None = Field(None, description=ARM_DESCRIPTION)


class MedianFollowup(_Strict):
    """Median follow-up in months for an endpoint (OS unless said otherwise)."""

    type: Literal["median_followup"]
    endpoint: Endpoint = "OS"
    arm: str | None = Field(None, description=ARM_DESCRIPTION)


class LandmarkRate(_Strict):
    """Kaplan-Meier survival at a fixed time, printed as a percentage ("12-month OS 52.3%")."""

    type: Literal["landmark_rate"]
    endpoint: Endpoint
    time: float = Field(..., gt=0, description="The landmark, e.g. 12.")
    unit: Literal["months", "days", "weeks", "years"] = "months"
    arm: str | None = Field(None, description=ARM_DESCRIPTION)


class HazardRatio(_Strict):
    """Cox hazard ratio of the experimental arm against the reference arm (claims.arms)."""

    type: Literal["hazard_ratio"]
    endpoint: Endpoint


class PValue(_Strict):
    """p-value comparing the arms on an endpoint: log-rank test or a Cox model test."""

    type: Literal["p_value"]
    endpoint: Endpoint


class _ArmComparison(_Strict):
    """A rate compared between the experimental and the reference arm."""

    response: ResponseCondition | None = None
    adverse_event: AdverseEventCondition | None = None
    population: str = Field("ITTFL", min_length=1, description="ADSL flag (ITTFL, SAFFL, EFFFL) or 'all'.")


class RateDifference(_ArmComparison):
    """Experimental minus reference rate, in percentage points, with its CI."""

    type: Literal["rate_difference"]


class OddsRatio(_ArmComparison):
    """Odds ratio of the experimental against the reference arm (Mantel-Haenszel over strata)."""

    type: Literal["odds_ratio"]


class RelativeRisk(_ArmComparison):
    """Ratio of the experimental to the reference arm's rate."""

    type: Literal["relative_risk"]


class DateRange(_Strict):
    """First and last date of an event across subjects (enrolment)."""

    type: Literal["date_range"]
    event: Literal["enrolment"] = "enrolment"


class DataCutoff(_Strict):
    """The data cut-off date of the analysis (TS DCUTDTC, else ADSL DCUTDT)."""

    type: Literal["data_cutoff"]


class Ranking(_Strict):
    """Most common adverse events, ranked by the number of subjects."""

    type: Literal["ranking"]
    adverse_event: AdverseEventCondition = Field(default_factory=AdverseEventCondition)
    top: int | None = Field(None, ge=1, description="How many leading terms; default: as many as printed.")


class NoneObserved(_Strict):
    """A claim that no subject met a condition ("no treatment-related deaths")."""

    type: Literal["none"]
    adverse_event: AdverseEventCondition


Measure = Annotated[
    Proportion | Count | KMMedian | MedianFollowup | DateRange | DataCutoff | Ranking | NoneObserved
    | LandmarkRate | HazardRatio | PValue | RateDifference | OddsRatio | RelativeRisk,
    Field(discriminator="type"),
]
COMPARISONS = ("hazard_ratio", "p_value", "rate_difference", "odds_ratio", "relative_risk")
MEASURE_TYPES = ("proportion", "count", "km_median", "median_followup", "date_range", "data_cutoff", "ranking",
                 "none", "landmark_rate", *COMPARISONS)
# Measures a printed interquartile range may accompany.
WITH_IQR = ("median_followup",)


# A printed figure is short and no printed number has 16 digits; longer text is not a figure
# (and a 100,000-digit number would make every check of it slow).
MAX_PRINTED_LENGTH = 500
_LONG_NUMBER = re.compile(r"\d{16}")


class Claim(_Strict):
    """One published figure exactly as printed, and what it measures."""

    id: str = Field(..., pattern=r"^[A-Za-z0-9_.-]+$")
    text: str = Field(..., min_length=1, description='The figure as printed: "40.8", "6.9 months".')
    ci: str | None = Field(None, description='Its confidence interval as printed: "27.3-55.7", "20.5-NR".')
    p: str | None = Field(None, description='A p-value printed with it: "0.0010", "<0.001".')
    count: str | None = Field(None, pattern=r"^\d+$", description='A count printed beside a percentage: "31".')
    iqr: str | None = Field(None, description='Its interquartile range as printed: "4.1-12.8" (median follow-up).')
    measure: Measure
    method: dict[str, str] | None = Field(
        None, description="Declared method per dimension, e.g. {binomial: wilson_cc}."
    )
    todo: str | None = Field(None, description="What is left to fill in (drafted claims).")

    @field_validator("text", "ci", "p", "count", "iqr")
    @classmethod
    def _printed_figure(cls, value: str | None) -> str | None:
        if value is not None and len(value) > MAX_PRINTED_LENGTH:
            raise ValueError(f"a printed figure has at most {MAX_PRINTED_LENGTH} characters, found {len(value):,}")
        if value is not None and _LONG_NUMBER.search(value):
            raise ValueError("a printed number has at most 15 digits")
        return value

    @model_validator(mode="after")
    def _iqr_where_printed(self) -> Claim:
        if self.iqr is not None and self.measure.type not in WITH_IQR:
            raise ValueError(f"an interquartile range is checked only for {', '.join(WITH_IQR)}, "
                             f"not {self.measure.type}")
        return self


class EndpointSettings(_Strict):
    """How PFS/OS are derived when ADTTE is absent."""

    start: Literal["treatment", "enrolment"] = "treatment"
    os_censoring: Literal["last_known_alive", "cutoff"] = "last_known_alive"
    pfs_censoring: Literal["last_assessment", "start"] = "last_assessment"
    source: Literal["auto", "adtte", "sdtm"] = "auto"


class ArmSettings(_Strict):
    """The randomised arms: which variable holds them, the reference arm and the stratification factors."""

    variable: str | None = Field(
        None, description="ADSL (or DM) variable of the arm; default: the first of TRT01P, TRT01A, ARM."
    )
    reference: str | None = Field(None, description="The control arm, e.g. Chemotherapy.")
    experimental: str | None = Field(None, description="The arm compared with it; default: the other arm.")
    strata: list[str] = Field(default_factory=list, description="ADSL variables randomisation was stratified by.")


class ClaimsFile(_Strict):
    """A study's published figures, with the groupings and settings they rely on."""

    study: str | None = None
    source: str | None = Field(None, description="Where the figures were published.")
    groupings: dict[str, Annotated[list[str], Field(min_length=1)]] = Field(
        default_factory=dict, description="Named sets of AE terms, e.g. myelosuppression."
    )
    endpoints: EndpointSettings = Field(default_factory=EndpointSettings)
    arms: ArmSettings | None = Field(None, description="The arms, for per-arm figures and comparisons.")
    claims: list[Claim] = Field(..., min_length=1)

    @field_validator("claims")
    @classmethod
    def _unique_ids(cls, claims: list[Claim]) -> list[Claim]:
        seen: set[str] = set()
        for claim in claims:
            if claim.id in seen:
                raise ValueError(f"claim id {claim.id!r} is given twice")
            seen.add(claim.id)
        return claims


def claims_schema() -> dict:
    """JSON Schema of the claims file, for editors and validators."""
    return ClaimsFile.model_json_schema()


def _location(error: dict, document: dict) -> tuple[str | None, str]:
    """The claim id and dotted field a pydantic error points at."""
    loc = [str(p) for p in error["loc"]]
    claim_id = None
    if len(loc) >= 2 and loc[0] == "claims" and loc[1].isdigit():
        claims = document.get("claims") or []
        index = int(loc[1])
        if index < len(claims) and isinstance(claims[index], dict):
            claim_id = claims[index].get("id") or f"#{index + 1}"
        loc = loc[2:]
    kinds = set(MEASURE_TYPES)
    # pydantic names the measure's type after "measure" (measure.count.population); a field named like a
    # type elsewhere (a claim's count) is kept.
    kept = [p for i, p in enumerate(loc) if not (p in kinds and i and loc[i - 1] == "measure")]
    return claim_id, ".".join(kept) or "(top level)"


def parse_claims(document: object, file: str | Path = "<claims>") -> ClaimsFile:
    """Validate a loaded YAML/JSON document; errors name file, claim id and field."""
    if not isinstance(document, dict):
        raise ClaimsFileError("expected a mapping with a 'claims' list", file=file)
    try:
        return ClaimsFile.model_validate(document)
    except ValidationError as exc:
        error = exc.errors()[0]
        claim_id, where = _location(error, document)
        found = error.get("input")
        found_text = "" if isinstance(found, dict | list) else f" (found {found!r})"
        field = f"claims[{claim_id}].{where}" if claim_id else where
        raise ClaimsFileError(f"{error['msg']}{found_text}", file=file, field=field) from None


def load_claims(path: str | Path) -> ClaimsFile:
    """Read a claims file (YAML or JSON)."""
    path = Path(path)
    document = read_document(path, "claims file", ClaimsFileError)
    return parse_claims(document, path)
