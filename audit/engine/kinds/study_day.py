"""study_day: --DY / --STDY / --ENDY agree with their --DTC and the reference start date.

SDTMIG 4.4.4: study day = date - reference + 1 on or after the reference
date, and date - reference before it; there is no day 0. Only complete dates
are checked: a partial date has no single study day.
"""

from __future__ import annotations

from typing import Literal

import polars as pl
from pydantic import Field

from audit.derive.registry import NotApplicable
from audit.engine.kinds import register
from audit.engine.kinds.base import CheckBase, Target, Violations


class StudyDay(CheckBase):
    kind: Literal["study_day"]
    reference: str = Field("DM_RFSTDTC", description="Reference start date column (joined from DM by default).")


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


@register("study_day", StudyDay, "Study day variables agree with their dates (no day 0).")
def build(params: StudyDay, target: Target) -> list[Violations]:
    pairs = _day_columns(target)
    if not pairs:
        raise NotApplicable(f"{target.dataset} has no study day variable with its date")
    ref_lo, ref_hi = target.date_bounds(params.reference)
    found = []
    for day_column, date_column in pairs:
        lo, hi = target.date_bounds(date_column)
        complete = (lo == hi) & (ref_lo == ref_hi)
        reported = pl.col(day_column).cast(pl.Int64, strict=False)
        wrong = complete & (reported != expected_study_day(lo, ref_lo))
        message = (
            f"{day_column} {{{day_column}}} does not match {date_column} {{{date_column}}} "
            f"and {params.reference} {{{params.reference}}} (day 1 = reference date, no day 0)"
        )
        rows = target.frame.filter(wrong.fill_null(False))
        found.append(Violations(rows, (day_column, date_column, params.reference), message))
    return found
