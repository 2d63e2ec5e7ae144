"""study_day: --DY / --STDY / --ENDY agree with their --DTC and the reference start date.

SDTMIG 4.4.4: study day = date - reference + 1 on or after the reference
date, and date - reference before it; there is no day 0. Only complete dates
are checked: a partial date has no single study day; a time part does not
change the day. A --DY that holds the planned day of its visit (SV VISITDY)
instead of the actual day is worded apart, so the pattern is plain: VISITDY
is the planned study day, --DY the actual one (SDTMIG 4.4.5).
"""

from __future__ import annotations

from typing import Literal

import polars as pl
from pydantic import Field

from audit.derive.registry import NotApplicable
from audit.engine.kinds import register
from audit.engine.kinds.base import ROW, CheckBase, Target, Violations

PLANNED_DAY = "VISITDY"
PLANNED_COUNT = "N_RECORDS"
VISIT_KEYS = ("USUBJID", "VISITNUM")


class StudyDay(CheckBase):
    kind: Literal["study_day"]
    reference: str = Field("DM_RFSTDTC", description="Reference start date column (joined from DM by default).")
    planned_days: str | None = Field(
        "SV", description="Dataset giving each visit's planned study day (VISITDY by USUBJID and VISITNUM), to "
                          "name a --DY that holds the planned day instead of the actual one; null: not looked up.",
    )


def _day_columns(target: Target) -> list[tuple[str, str]]:
    """(study-day column, its date column): AESTDY -> AESTDTC, LBDY -> LBDTC."""
    pairs = []
    for column in target.schema:
        if column.endswith("DY") and f"{column[:-2]}DTC" in target.own_date_columns:
            pairs.append((column, f"{column[:-2]}DTC"))
    return pairs


def expected_study_day(day: pl.Expr, reference: pl.Expr) -> pl.Expr:
    """Study day of a date: no day 0, day 1 is the reference date."""
    offset = (day - reference).dt.total_days()
    return pl.when(offset >= 0).then(offset + 1).otherwise(offset)


def _with_planned_day(params: StudyDay, target: Target) -> tuple[pl.LazyFrame, bool]:
    """The target's rows with the planned day of their visit, when the visit and the planned days are known."""
    if PLANNED_DAY in target.schema:
        return target.frame, True
    if params.planned_days is None or target.resolve is None or any(k not in target.schema for k in VISIT_KEYS):
        return target.frame, False
    try:
        visits = target.resolve(params.planned_days)
    except NotApplicable:
        return target.frame, False
    if any(c not in visits.collect_schema() for c in (*VISIT_KEYS, PLANNED_DAY)):
        return target.frame, False
    # A visit listed twice has no single planned day: it is left out rather than guessed.
    planned = visits.select(*VISIT_KEYS, PLANNED_DAY).unique(list(VISIT_KEYS), keep="none")
    joined = target.frame.join(planned, on=list(VISIT_KEYS), how="left", maintain_order="left")
    return joined, True


def _pair_violations(
    frame: pl.LazyFrame, day_column: str, date_column: str, params: StudyDay, target: Target, planned: bool
) -> list[Violations]:
    lo, hi = target.date_bounds(date_column)
    ref_lo, ref_hi = target.date_bounds(params.reference)
    expected = f"{day_column}_DERIVED"
    reported = pl.col(day_column).cast(pl.Int64, strict=False)
    complete = (lo == hi) & (ref_lo == ref_hi)
    rows = frame.with_columns(expected_study_day(lo, ref_lo).alias(expected)).filter(
        (complete & (reported != pl.col(expected))).fill_null(False)
    )
    shown = (day_column, date_column, params.reference, expected)
    generic = (
        f"{day_column} {{{day_column}}} does not match {date_column} {{{date_column}}} and {params.reference} "
        f"{{{params.reference}}}: the study day is {{{expected}}} (day 1 = reference date, no day 0)"
    )
    if not planned:
        return [Violations(rows, shown, generic)]
    is_planned = (reported == pl.col(PLANNED_DAY).cast(pl.Int64, strict=False)).fill_null(False)
    planned_message = (
        f"{day_column} holds the planned visit day (SV {PLANNED_DAY}) instead of the actual study day on "
        f"{{{PLANNED_COUNT}}} record(s) of this subject; first: {day_column} {{{day_column}}} is the planned day of "
        f"visit {{VISITNUM}}, the actual study day of {date_column} {{{date_column}}} from {params.reference} "
        f"{{{params.reference}}} is day {{{expected}}}"
    )
    return [
        Violations(rows.filter(~is_planned), shown, generic),
        Violations(first_per_subject(rows.filter(is_planned), lo), (*shown, "VISITNUM", PLANNED_DAY, PLANNED_COUNT),
                   planned_message),
    ]


def first_per_subject(rows: pl.LazyFrame, date: pl.Expr) -> pl.LazyFrame:
    """The subject's earliest offending record, with how many records share the pattern.

    A --DY copied from VISITDY is one derivation error repeated on every visit: one
    query per subject and variable, pinned to its first record, is what a data
    manager can act on; a finding per record would bury everything else.
    """
    ordered = rows.with_columns(pl.len().over("USUBJID").alias(PLANNED_COUNT)).sort(["USUBJID", date, ROW],
                                                                                   nulls_last=True)
    return ordered.filter(pl.int_range(pl.len()).over("USUBJID") == 0)


@register("study_day", StudyDay, "Study day variables agree with their dates (no day 0).")
def build(params: StudyDay, target: Target) -> list[Violations]:
    pairs = _day_columns(target)
    if not pairs:
        raise NotApplicable(f"{target.dataset} has no study day variable with its date")
    frame, planned = _with_planned_day(params, target)
    return [v for day, date in pairs for v in _pair_violations(frame, day, date, params, target, planned)]
