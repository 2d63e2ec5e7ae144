"""Duration of response and time to response per responder, derived from tumour assessments (RS).

Used when ADTTE has no DOR/TTR parameter. Responders are the subjects whose
best overall response is CR or PR (ADRS/RS BESTRSP, as the sponsor confirmed
it), else any time-point CR or PR. Duration of response runs from the first
CR/PR to the first PD after it or death, censored at the last adequate
assessment (FDA Clinical Trial Endpoints guidance 2018, table 2; RECIST 1.1
section 4.3); time to response from the start date to the first CR/PR, an
event for every responder. Days are counted ADaM-style (end - start + 1).
"""

from __future__ import annotations

import polars as pl

from audit.claims import endpoints
from audit.claims.endpoints import EndpointData
from audit.claims.model import EndpointSettings, ResponseCondition
from audit.derive import NotApplicable
from audit.study import Study

_RESPONSES = ("CR", "PR")
_ADEQUATE = ("CR", "PR", "SD", "NON-CR/NON-PD")


def _responders(study: Study, assessments: pl.LazyFrame) -> tuple[pl.LazyFrame, str]:
    """USUBJID of responders: confirmed best response when recorded, else any time-point CR/PR."""
    from audit.claims.measures import responders

    if _best_response_recorded(study):
        chosen, note = responders(study, ResponseCondition(values=list(_RESPONSES)))
        return chosen.select("USUBJID").unique(), f"responders: {note}"
    timepoint = assessments.filter(pl.col("RESP").is_in(_RESPONSES)).select("USUBJID").unique()
    return timepoint, "responders: any time-point CR/PR (unconfirmed)"


def _best_response_recorded(study: Study) -> bool:
    """Does the snapshot hold a best overall response per subject (ADRS BOR or RS BESTRSP records)?"""
    if study.has("ADRS", "USUBJID", "PARAMCD", "AVALC"):
        frame = study.frame("ADRS").filter(pl.col("PARAMCD") == "BOR")
    elif study.has("RS", "USUBJID", "RSTESTCD", "RSSTRESC"):
        frame = study.frame("RS").filter(pl.col("RSTESTCD") == "BESTRSP")
    else:
        return False
    return frame.select(pl.len()).collect().item() > 0


def response_endpoint(study: Study, endpoint: str, settings: EndpointSettings) -> EndpointData:
    """DOR or TTR of every responder, from RS (or derived RECIST) time-point responses."""
    assessments, source = endpoints._tumour_assessments(study)
    responders, responder_note = _responders(study, assessments)
    first = endpoints._first_date(
        assessments.filter(pl.col("RESP").is_in(_RESPONSES)).join(responders, on="USUBJID", how="semi"),
        "ADATE", "FIRSTRESP")
    if endpoint == "TTR":
        starts, start_note = endpoints._start_dates(study, settings)
        frame = first.join(starts, on="USUBJID", how="inner").with_columns(
            pl.col("START").alias("ENTRY"), pl.col("FIRSTRESP").alias("END"), pl.lit(1).alias("EVENT"))
        note = f"TTR: start at {start_note} to the first CR/PR ({source}); {responder_note}"
    else:
        frame = _duration(study, assessments, first)
        note = (f"DOR: first CR/PR to PD ({source}) or death, censored at the last adequate assessment; "
                f"{responder_note}")
    frame = (frame.with_columns(((pl.col("END") - pl.col("ENTRY")).dt.total_days() + 1).cast(pl.Float64)
                                .alias("DAYS"))
             .drop_nulls("DAYS").sort("USUBJID").collect())
    if frame.height == 0:
        raise NotApplicable(f"{endpoint}: no responder in the snapshot")
    return EndpointData(endpoint, frame["DAYS"].to_numpy(), frame["EVENT"].to_numpy(),
                        tuple(frame["ENTRY"].to_list()), study.cutoff, f"derived from SDTM: {note}",
                        tuple(frame["USUBJID"].to_list()))


def _duration(study: Study, assessments: pl.LazyFrame, first: pl.LazyFrame) -> pl.LazyFrame:
    """Per responder: ENTRY (first response), END (PD, death or last adequate assessment), EVENT."""
    after = assessments.join(first, on="USUBJID", how="inner").filter(pl.col("ADATE") >= pl.col("FIRSTRESP"))
    progression = endpoints._first_date(after.filter(pl.col("RESP") == "PD"), "ADATE", "PD")
    last_ok = after.filter(pl.col("RESP").is_in(_ADEQUATE)).group_by("USUBJID").agg(
        pl.col("ADATE").max().alias("LASTOK"))
    return (first.join(progression, on="USUBJID", how="left").join(last_ok, on="USUBJID", how="left")
            .join(endpoints._deaths(study), on="USUBJID", how="left")
            .with_columns(pl.min_horizontal("PD", "DEATH").alias("EVENTDT"))
            .with_columns(pl.col("FIRSTRESP").alias("ENTRY"), pl.coalesce("EVENTDT", "LASTOK").alias("END"),
                          pl.col("EVENTDT").is_not_null().cast(pl.Int64).alias("EVENT")))
