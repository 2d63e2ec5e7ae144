"""chronology: dates that must come in order, compared as [earliest, latest] intervals.

A partial date is an interval (domain/dates.md): "A before B" is certainly
violated only when the earliest A is after the latest B; when the intervals
merely overlap the order cannot be confirmed, which is reported separately at
info severity ("cannot confirm order").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from itertools import product
from typing import Literal

import polars as pl
from pydantic import Field

from audit.derive.registry import NotApplicable
from audit.engine.kinds import register
from audit.engine.kinds.base import CheckBase, Target, Violations

EVERY_OWN_DATE = "*DTC"
_ITEM = re.compile(r"^(?P<name>@?[A-Za-z_][A-Za-z0-9_.]*|\*DTC)\s*(?:(?P<sign>[+-])\s*(?P<days>\d+)\s*d?)?$")
_WORDS = {"<=": "after", "<": "not before", "=": "differs from"}


class Chronology(CheckBase):
    kind: Literal["chronology"]
    order: list[str] = Field(
        min_length=2,
        description="Dates in the order they must occur. Each item: a column (joined ones prefixed, e.g. "
        "DM_RFSTDTC), optionally '- 28' / '+ 3' days; '*DTC' for each ISO 8601 column of the dataset; or an anchor "
        "'@cutoff', '@today', '@enrolment_first', '@enrolment_last'.",
    )
    relation: Literal["<=", "<", "="] = Field("<=", description="Between consecutive items: on/before, strictly "
                                                                "before, or the same date.")
    skip: list[str] = Field(default_factory=list, description="Columns '*DTC' leaves out.")
    collection_dates: bool = Field(False, description="Let '*DTC' include the collection date --DTC of an events or "
                                                      "interventions domain (one with --STDTC); by default only "
                                                      "event dates are read.")
    report_uncertain: bool = Field(True, description="Report 'cannot confirm order' (info) for overlapping "
                                                     "intervals.")


@dataclass(frozen=True)
class _Date:
    """One side of a comparison: its interval and how a finding names it."""

    label: str
    lo: pl.Expr
    hi: pl.Expr
    column: str | None


def _expand(item: str, params: Chronology, target: Target) -> list[_Date]:
    match = _ITEM.match(item.strip())
    if match is None:
        raise NotApplicable(f"cannot read chronology item {item!r}")
    name, days = match["name"], int(match["days"] or 0) * (-1 if match["sign"] == "-" else 1)
    shift = timedelta(days=days)
    suffix = f" {match['sign']} {match['days']} days" if days else ""
    if name == EVERY_OWN_DATE:
        columns = [c for c in target.own_date_columns if c not in params.skip]
        if not params.collection_dates:
            columns = [c for c in columns if not is_collection_date(c, target.own_date_columns)]
        return [_column(c, shift, suffix, target) for c in columns]
    if name.startswith("@"):
        anchor = target.anchors.get(name[1:])
        if anchor is None:
            raise NotApplicable(f"no {name[1:].replace('_', ' ')} date is configured")
        value = pl.lit(anchor + shift, dtype=pl.Date)
        return [_Date(f"{name[1:]} ({anchor.isoformat()}){suffix}", value, value, None)]
    return [_column(name, shift, suffix, target)]


def is_collection_date(column: str, own_dates: tuple[str, ...]) -> bool:
    """Whether a column is the collection date --DTC of an events or interventions domain.

    A domain with --STDTC records events or interventions, whose --DTC says when the record was
    collected, not when the event happened (SDTMIG 3.4 section 4.4); in findings --DTC is the event.
    """
    return column.endswith("DTC") and not column.endswith(("STDTC", "ENDTC")) and f"{column[:-3]}STDTC" in own_dates


def _column(column: str, shift: timedelta, suffix: str, target: Target) -> _Date:
    lo, hi = target.date_bounds(column)
    if shift:
        lo, hi = lo + shift, hi + shift
    return _Date(f"{column} ({{{column}}}){suffix}", lo, hi, column)


def _certain_and_possible(a: _Date, b: _Date, relation: str) -> tuple[pl.Expr, pl.Expr]:
    if relation == "<=":
        return a.lo > b.hi, a.hi > b.lo
    if relation == "<":
        return a.lo >= b.hi, a.hi >= b.lo
    certain = (a.lo > b.hi) | (a.hi < b.lo)
    exact_and_equal = (a.lo == a.hi) & (b.lo == b.hi) & (a.lo == b.lo)
    return certain, ~exact_and_equal


def _pair(a: _Date, b: _Date, params: Chronology, target: Target) -> list[Violations]:
    certain, possible = _certain_and_possible(a, b, params.relation)
    certain = certain.fill_null(False)
    shown = tuple(c for c in (a.column, b.column) if c is not None)
    found = [Violations(target.frame.filter(certain), shown, f"{a.label} {_WORDS[params.relation]} {b.label}")]
    if params.report_uncertain:
        uncertain = possible.fill_null(False) & ~certain
        found.append(
            Violations(
                target.frame.filter(uncertain), shown,
                f"cannot confirm order: {a.label} may be {_WORDS[params.relation]} {b.label}", severity="info",
            )
        )
    return found


@register("chronology", Chronology, "Dates in order, interval-aware for partial dates.")
def build(params: Chronology, target: Target) -> list[Violations]:
    sides = [_expand(item, params, target) for item in params.order]
    if any(not side for side in sides):
        raise NotApplicable(f"{target.dataset} has no ISO 8601 date variable to check")
    found: list[Violations] = []
    for left, right in zip(sides, sides[1:], strict=False):
        for a, b in product(left, right):
            if a.column is None or a.column != b.column:
                found.extend(_pair(a, b, params, target))
    return found
