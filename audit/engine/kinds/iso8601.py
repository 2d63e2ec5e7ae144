"""iso8601: every ISO 8601 text variable (--DTC) of a dataset holds a valid date in standard notation."""

from __future__ import annotations

from typing import Literal

import polars as pl
from pydantic import Field

from audit import dates
from audit.derive.registry import NotApplicable
from audit.engine.kinds import register
from audit.engine.kinds.base import CheckBase, Target, Violations

_PROBLEMS = {
    "invalid": (dates.is_invalid, "{column} {{{column}}} is not an ISO 8601 date"),
    "unknown_notation": (
        dates.uses_unknown_notation,
        "{column} {{{column}}} writes an unknown part as text; ISO 8601 leaves it off",
    ),
}


class Iso8601(CheckBase):
    kind: Literal["iso8601"]
    problem: Literal["invalid", "unknown_notation"] = Field(
        description="'invalid': not ISO 8601 at all; 'unknown_notation': 'UN'/'UNK' written for an unknown part."
    )
    skip: list[str] = Field(default_factory=list, description="Date variables not checked.")


@register("iso8601", Iso8601, "ISO 8601 text of every --DTC variable of the dataset.")
def build(params: Iso8601, target: Target) -> list[Violations]:
    columns = [c for c in target.own_date_columns if c not in params.skip]
    if not columns:
        raise NotApplicable(f"{target.dataset} has no ISO 8601 date variable")
    test, message = _PROBLEMS[params.problem]
    return [
        Violations(_candidates(target, c, params.problem).filter(test(pl.col(c)).fill_null(False)), (c,),
                   message.format(column=c))
        for c in columns
    ]


def _candidates(target: Target, column: str, problem: str) -> pl.LazyFrame:
    """Rows worth testing: an invalid date has no parsed bound, so millions of valid ones are skipped cheaply."""
    earliest = dates.lo_name(column)
    if problem != "invalid" or earliest not in target.schema:
        return target.frame
    return target.frame.filter(pl.col(earliest).is_null() & pl.col(column).is_not_null())
