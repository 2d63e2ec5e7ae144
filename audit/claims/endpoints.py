"""PFS and OS per subject: from ADTTE when present, else derived from SDTM.

Derivation (dates.md, time-to-event): from the start date (first dose, or
enrolment) to death (OS) or to the earlier of first PD and death (PFS).
OS without death is censored at the last date known alive (or the cut-off);
PFS without an event at the last adequate tumour assessment. Times are
days counted ADaM-style (ADT - STARTDT + 1). The result says which source
and which rules were used, because a reviewer needs to know.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import polars as pl

from audit import dates
from audit.claims.model import Endpoint, EndpointSettings
from audit.derive import DeriveContext, NotApplicable
from audit.study import Study

# Dated SDTM records that show a subject alive on that date.
_ALIVE_EVIDENCE = {
    "DM": ("RFSTDTC", "RFENDTC"), "DS": ("DSSTDTC",), "EX": ("EXSTDTC", "EXENDTC"),
    "LB": ("LBDTC",), "RS": ("RSDTC",), "TR": ("TRDTC",), "TU": ("TUDTC",),
    "AE": ("AESTDTC", "AEENDTC"),
}


@dataclass(frozen=True)
class EndpointData:
    """Per-subject time (days), event indicator, start date, and where they came from."""

    endpoint: str
    time: np.ndarray
    event: np.ndarray
    entry: tuple[date, ...]
    cutoff: date | None
    source: str
    subjects: tuple[str, ...] = ()


def _from_adtte(study: Study, endpoint: str) -> EndpointData:
    frame = (
        study.frame("ADTTE").filter(pl.col("PARAMCD") == endpoint)
        .select("USUBJID", pl.col("AVAL").cast(pl.Float64), pl.col("CNSR").cast(pl.Int64),
                (dates.as_date(pl.col("STARTDT")) if study.has("ADTTE", "STARTDT")
                 else pl.lit(None, pl.Date)).alias("STARTDT"))
        .drop_nulls(["AVAL", "CNSR"]).sort("USUBJID").collect()
    )
    if frame.height == 0:
        raise NotApplicable(f"ADTTE has no PARAMCD = {endpoint} record")
    return EndpointData(
        endpoint, frame["AVAL"].to_numpy(), (1 - frame["CNSR"]).to_numpy(),
        tuple(frame["STARTDT"].to_list()), study.cutoff,
        f"ADTTE PARAMCD = {endpoint} (AVAL, CNSR)", tuple(frame["USUBJID"].to_list()),
    )


def _first_date(frame: pl.LazyFrame, column: str, alias: str) -> pl.LazyFrame:
    return frame.group_by("USUBJID").agg(pl.col(column).min().alias(alias))


def _start_dates(study: Study, settings: EndpointSettings) -> tuple[pl.LazyFrame, str]:
    if settings.start == "enrolment":
        if study.has("ADSL", "ENRLDT"):
            frame = study.frame("ADSL").select("USUBJID", dates.as_date(pl.col("ENRLDT")).alias("START"))
            return frame, "enrolment (ADSL.ENRLDT)"
        if study.has("DS", "DSDECOD", "DSSTDTC"):
            enrolled = study.frame("DS").filter(pl.col("DSDECOD") == "ENROLLED")
            return _first_date(enrolled, "DSSTDTC_LO", "START"), "enrolment (DS ENROLLED)"
        raise NotApplicable("start at enrolment needs ADSL.ENRLDT or DS ENROLLED")
    reason = study.missing("DM", "USUBJID", "RFSTDTC")
    if reason:
        raise NotApplicable(f"start at first dose: {reason}")
    return study.frame("DM").select("USUBJID", pl.col("RFSTDTC_LO").alias("START")), "first dose (DM.RFSTDTC)"


def _deaths(study: Study) -> pl.LazyFrame:
    """Earliest recorded death date per subject: DM.DTHDTC, else DS DEATH."""
    parts = []
    if study.has("DM", "DTHDTC"):
        parts.append(study.frame("DM").select("USUBJID", pl.col("DTHDTC_LO").alias("DEATH")))
    if study.has("DS", "DSDECOD", "DSSTDTC"):
        ds = study.frame("DS").filter(pl.col("DSDECOD") == "DEATH")
        parts.append(ds.select("USUBJID", pl.col("DSSTDTC_LO").alias("DEATH")))
    if not parts:
        raise NotApplicable("deaths need DM.DTHDTC or DS (DSDECOD, DSSTDTC)")
    return _first_date(pl.concat(parts).drop_nulls("DEATH"), "DEATH", "DEATH")


def _last_alive(study: Study) -> pl.LazyFrame:
    parts = [
        study.frame(name).select("USUBJID", pl.col(f"{c}_LO").alias("SEEN"))
        for name, columns in _ALIVE_EVIDENCE.items() for c in columns if study.has(name, "USUBJID", c)
    ]
    return pl.concat(parts).drop_nulls("SEEN").group_by("USUBJID").agg(pl.col("SEEN").max())


def _tumour_assessments(study: Study) -> tuple[pl.LazyFrame, str]:
    """Overall response per assessment date (USUBJID, ADATE, RESP): RS, else derived RECIST."""
    if study.has("RS", "USUBJID", "RSTESTCD", "RSSTRESC", "RSDTC"):
        frame = study.frame("RS").filter(pl.col("RSTESTCD") == "OVRLRESP").select(
            "USUBJID", pl.col("RSDTC_LO").alias("ADATE"), pl.col("RSSTRESC").alias("RESP"))
        return frame, "RS OVRLRESP"
    try:
        derived = DeriveContext(study).derived("recist.timepoint")
    except KeyError:
        raise NotApplicable("PFS needs RS OVRLRESP or the recist.timepoint derivation") from None
    names = derived.collect_schema().names()
    date_col = next((c for c in ("ADATE", "RSDTC_LO", "TRDTC_LO", "ADT", "DATE") if c in names), None)
    resp_col = next((c for c in ("OVRLRESP", "RESP", "OVERALL") if c in names), None)
    if date_col is None or resp_col is None:
        raise NotApplicable("recist.timepoint has no date/overall response columns")
    frame = derived.select("USUBJID", pl.col(date_col).alias("ADATE"), pl.col(resp_col).alias("RESP"))
    return frame, "derived RECIST 1.1 time-point responses"


def _os_events(study: Study, settings: EndpointSettings) -> tuple[pl.LazyFrame, str]:
    deaths = _deaths(study)
    if settings.os_censoring == "cutoff":
        if study.cutoff is None:
            raise NotApplicable("OS censored at the cut-off needs a cut-off date")
        censor = pl.lit(study.cutoff, pl.Date)
        frame = study.frame("DM").select("USUBJID").join(deaths, on="USUBJID", how="left")
        note = "censored at the data cut-off"
    else:
        frame = _last_alive(study).join(deaths, on="USUBJID", how="full", coalesce=True)
        censor, note = pl.col("SEEN"), "censored at the last date known alive"
    frame = frame.with_columns(
        pl.coalesce("DEATH", censor).alias("END"), pl.col("DEATH").is_not_null().cast(pl.Int64).alias("EVENT")
    )
    return frame.select("USUBJID", "END", "EVENT"), f"OS: death (DM/DS), {note}"


def _pfs_events(study: Study, settings: EndpointSettings) -> tuple[pl.LazyFrame, str]:
    assessments, source = _tumour_assessments(study)
    first_pd = _first_date(assessments.filter(pl.col("RESP") == "PD"), "ADATE", "PD")
    adequate = assessments.filter(pl.col("RESP").is_in(["CR", "PR", "SD", "NON-CR/NON-PD"]))
    last_ok = adequate.group_by("USUBJID").agg(pl.col("ADATE").max().alias("LASTOK"))
    frame = (
        last_ok.join(first_pd, on="USUBJID", how="full", coalesce=True)
        .join(_deaths(study), on="USUBJID", how="full", coalesce=True)
        .with_columns(pl.min_horizontal("PD", "DEATH").alias("EVENTDT"))
        .with_columns(pl.coalesce("EVENTDT", "LASTOK").alias("END"),
                      pl.col("EVENTDT").is_not_null().cast(pl.Int64).alias("EVENT"))
    )
    note = f"PFS: first PD ({source}) or death, censored at the last adequate assessment"
    return frame.select("USUBJID", "END", "EVENT"), note


def _from_sdtm(study: Study, endpoint: str, settings: EndpointSettings) -> EndpointData:
    starts, start_note = _start_dates(study, settings)
    events, note = (_os_events if endpoint == "OS" else _pfs_events)(study, settings)
    frame = (
        starts.join(events, on="USUBJID", how="left")
        .with_columns(pl.coalesce("END", "START").alias("END"), pl.col("EVENT").fill_null(0))
        .with_columns(((pl.col("END") - pl.col("START")).dt.total_days() + 1).cast(pl.Float64).alias("DAYS"))
        .drop_nulls("DAYS").sort("USUBJID").collect()
    )
    if frame.height == 0:
        raise NotApplicable(f"{endpoint}: no subject has a start date")
    return EndpointData(
        endpoint, frame["DAYS"].to_numpy(), frame["EVENT"].to_numpy(), tuple(frame["START"].to_list()),
        study.cutoff, f"derived from SDTM: {note}; start at {start_note}", tuple(frame["USUBJID"].to_list()),
    )


def endpoint_data(study: Study, endpoint: Endpoint, settings: EndpointSettings) -> EndpointData:
    """Time to event for PFS or OS; ADTTE unless settings ask for SDTM or it is absent."""
    adtte = study.has("ADTTE", "USUBJID", "PARAMCD", "AVAL", "CNSR")
    if settings.source == "adtte" and not adtte:
        raise NotApplicable("ADTTE (PARAMCD, AVAL, CNSR) is not in the snapshot")
    if adtte and settings.source != "sdtm":
        return _from_adtte(study, endpoint)
    if endpoint in ("DOR", "TTR"):
        from audit.claims.response_times import response_endpoint

        return response_endpoint(study, endpoint, settings)
    return _from_sdtm(study, endpoint, settings)
