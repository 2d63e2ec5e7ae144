"""The randomised arms of a snapshot: each subject's arm and stratum, the reference and experimental arm."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from audit.claims.model import ArmSettings
from audit.derive import NotApplicable
from audit.study import Study

# ADaM names the planned arm TRT01P and the actual one TRT01A (ADaM IG 1.3, ADSL); SDTM DM has ARM.
ARM_VARIABLES = ("TRT01P", "TRT01A", "ARM")


@dataclass(frozen=True)
class Arms:
    """USUBJID, ARM and STRATUM (the strata values joined by '/', null when unstratified) per subject."""

    frame: pl.DataFrame
    reference: str | None
    experimental: str | None
    stratified: bool
    source: str


def _arm_column(study: Study, settings: ArmSettings) -> tuple[str, str]:
    """(dataset, variable) holding the arm: the declared variable, else the first of ARM_VARIABLES."""
    names = [settings.variable] if settings.variable else list(ARM_VARIABLES)
    for dataset in ("ADSL", "DM"):
        for name in names:
            if study.has(dataset, "USUBJID", name):
                return dataset, name
    raise NotApplicable(f"no arm variable: ADSL/DM has none of {', '.join(names)}")


def study_arms(study: Study, settings: ArmSettings | None) -> Arms:
    """Each subject's arm and stratum; the reference arm must be one of the arms found."""
    settings = settings or ArmSettings()
    dataset, variable = _arm_column(study, settings)
    strata = list(settings.strata)
    missing = [s for s in strata if not study.has(dataset, s)]
    if missing:
        raise NotApplicable(f"stratification factor(s) {', '.join(missing)} not in {dataset}")
    stratum = pl.concat_str([pl.col(s).cast(pl.String) for s in strata], separator="/") if strata else pl.lit(None)
    frame = (study.frame(dataset).select("USUBJID", pl.col(variable).cast(pl.String).alias("ARM"),
                                         stratum.cast(pl.String).alias("STRATUM"))
             .drop_nulls("ARM").unique("USUBJID").sort("USUBJID").collect())
    found = sorted(frame["ARM"].unique().to_list())
    experimental = _experimental(settings, found)
    source = f"arms from {dataset}.{variable}" + (f", strata {' x '.join(strata)}" if strata else "")
    return Arms(frame, settings.reference, experimental, bool(strata), source)


def _experimental(settings: ArmSettings, found: list[str]) -> str | None:
    """The arm compared with the reference: declared, else the only other arm."""
    for name in (settings.reference, settings.experimental):
        if name is not None and name not in found:
            raise NotApplicable(f"arm {name!r} is not among the arms in the data ({', '.join(found)})")
    if settings.experimental or settings.reference is None:
        return settings.experimental
    others = [a for a in found if a != settings.reference]
    return others[0] if len(others) == 1 else None


def arm_subjects(arms: Arms, arm: str) -> pl.LazyFrame:
    """USUBJID of the subjects in one arm; NotApplicable when the arm is not in the data."""
    if arm not in arms.frame["ARM"].to_list():
        known = ", ".join(sorted(arms.frame["ARM"].unique().to_list()))
        raise NotApplicable(f"arm {arm!r} is not among the arms in the data ({known})")
    return arms.frame.lazy().filter(pl.col("ARM") == arm).select("USUBJID")


def compared_pair(arms: Arms) -> tuple[str, str]:
    """(reference, experimental) of a comparison; NotApplicable with more than two arms and none named."""
    if arms.reference is None:
        raise NotApplicable("a comparison needs arms.reference")
    if arms.experimental is None:
        raise NotApplicable("more than two arms: say which one is compared (arms.experimental)")
    return arms.reference, arms.experimental
