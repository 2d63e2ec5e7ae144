"""What a derivation promises: its output columns, record key, inputs and options, declared beside it.

A Contract is to a derived frame what a DataFrameSchema is to a frame: the
columns it holds (name, dtype, one-line meaning, guideline section), the
column findings pin to, the datasets and variables it reads, the derivations
it builds on and the options model of its settings section. Rules are
checked against it when they are loaded (a typo'd column is an input error,
not a run-time failure), `rules explain` prints from it, and a test compares
it with the frames the derivations really produce, so it cannot drift.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import polars as pl

from audit.dates import hi_name, lo_name
from audit.derive.options import SectionOptions


@dataclass(frozen=True)
class Column:
    """One output column of a derived frame."""

    name: str
    dtype: pl.DataType
    meaning: str
    section: str = ""  # guideline section the value follows; the contract's when empty
    optional: bool = False  # present only when the snapshot holds its source (AESMIE, ADRS, TUDTC...)


def col(name: str, dtype: pl.DataType | type[pl.DataType], meaning: str, section: str = "", *,
        optional: bool = False) -> Column:
    """A Column; dtype classes (pl.String) are taken as their instance."""
    return Column(name, dtype() if isinstance(dtype, type) else dtype, meaning, section, optional)


def date_bounds(name: str, what: str, section: str = "", *, optional: bool = False) -> tuple[Column, ...]:
    """An ISO 8601 text column with the earliest and latest day it can mean (dates.md)."""
    return (col(name, pl.String, what, section, optional=optional),
            col(lo_name(name), pl.Date, f"earliest day {name} can mean (partial dates are intervals)", "dates.md",
                optional=optional),
            col(hi_name(name), pl.Date, f"latest day {name} can mean (partial dates are intervals)", "dates.md",
                optional=optional))


@dataclass(frozen=True)
class Contract:
    """The declared schema and inputs of one derivation."""

    columns: tuple[Column, ...]
    key: str  # the record key of findings (engine: key_column); "ROW" for the row number
    reads: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # dataset -> variables it reads
    derived_from: tuple[str, ...] = ()  # other derivations it builds on
    options: type[SectionOptions] | None = None
    section: str = ""  # guideline (document and section) the frame follows
    name: str = ""  # set when registered
    function: str = ""  # module:function, set when registered

    def __post_init__(self) -> None:
        names = [c.name for c in self.columns]
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            raise ValueError(f"columns declared twice: {', '.join(twice)}")
        if self.key != "ROW" and self.key not in names:
            raise ValueError(f"record key {self.key} is not a declared column")

    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column | None:
        return next((c for c in self.columns if c.name == name), None)

    def section_of(self, column: Column) -> str:
        return column.section or self.section

    def problems(self, schema: Mapping[str, pl.DataType]) -> list[str]:
        """How a collected schema departs from the declaration (names, order-free, and dtypes)."""
        found: list[str] = []
        for column in self.columns:
            if column.name not in schema:
                if not column.optional:
                    found.append(f"declared column {column.name} is missing")
            elif schema[column.name] != column.dtype:
                found.append(f"{column.name} is {schema[column.name]}, declared {column.dtype}")
        found += [f"column {n} ({schema[n]}) is not declared" for n in schema if self.column(n) is None]
        return found


def suggestion(name: str, known: Iterable[str]) -> str:
    """' (did you mean X?)' for a near miss, else the known names."""
    known = list(known)
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    if close:
        return f" (did you mean {close[0]}?)"
    return f" (known: {', '.join(known)})" if known else ""
