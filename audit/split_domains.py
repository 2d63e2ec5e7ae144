"""Domains split over several files (SDTMIG v3.4 section 4.1.7, "Splitting Domains").

A sponsor may deliver one domain as several datasets whose names start with
the domain code (QSCG, QSMM; rs_onco_recist, rs_onco_irecist) and whose
DOMAIN variable holds that code. Every rule reads the domain as a whole, so
the parts are put together as one dataset under the domain's name.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import polars as pl

SECTION = "SDTMIG v3.4 section 4.1.7"


class _Part(Protocol):
    @property
    def frame(self) -> pl.LazyFrame: ...

    @property
    def path(self): ...


def domain_of(stem: str, frame: pl.LazyFrame) -> str | None:
    """The domain a file is part of: its one DOMAIN value, when the stem starts with it and is longer."""
    if "DOMAIN" not in frame.collect_schema().names():
        return None
    values = frame.select(pl.col("DOMAIN").cast(pl.String).drop_nulls().unique()).collect().to_series()
    if values.len() != 1:
        return None
    domain = str(values.item()).strip().upper()
    return domain if domain and stem != domain and stem.startswith(domain) else None


def grouped(named: Sequence[tuple[str, _Part]], notes: list[str]) -> dict[str, list]:
    """Parts by dataset name, a split domain's files under its domain code (noted); sorted by name."""
    groups: dict[str, list] = {}
    for stem, part in named:
        groups.setdefault(domain_of(stem, part.frame) or stem, []).append(part)
    for domain, parts in sorted(groups.items()):
        parts.sort(key=lambda p: p.path.name)
        if len(parts) > 1:
            files = " and ".join(p.path.name for p in parts)
            notes.append(f"read {files} as one {domain} dataset: parts of a split domain (DOMAIN {domain}, {SECTION})")
        elif parts[0].path.stem.upper() != domain:
            notes.append(f"read {parts[0].path.name} as the {domain} dataset: its DOMAIN is {domain} ({SECTION})")
    return dict(sorted(groups.items()))


def combined(name: str, parts: Sequence[tuple[str, pl.LazyFrame]], notes: list[str]) -> pl.LazyFrame:
    """The parts stacked (a column one part lacks is missing there); clashing types are read as text."""
    if len(parts) == 1:
        return parts[0][1]
    parts = _empty_columns_typed(parts)
    schemas = [(file, frame.collect_schema()) for file, frame in parts]
    as_text = sorted(_clashing(schemas))
    for column in as_text:
        types = ", ".join(f"{schema[column]} in {file}" for file, schema in schemas if column in schema)
        notes.append(f"read {name}.{column} as text: its parts give it different types ({types})")
    frames = [frame.with_columns(pl.col(c).cast(pl.String) for c in as_text if c in schema)
              for (_, frame), (_, schema) in zip(parts, schemas, strict=True)]
    return pl.concat(frames, how="diagonal_relaxed")


def _empty_columns_typed(parts: Sequence[tuple[str, pl.LazyFrame]]) -> list[tuple[str, pl.LazyFrame]]:
    """A column with no value in one part (R's NA written as a double) takes the type the other parts give it."""
    empty = [set(k for k, v in frame.select(pl.all().is_null().all()).collect().row(0, named=True).items() if v)
             for _, frame in parts]
    typed: dict[str, set[pl.DataType]] = {}
    for (_, frame), blank in zip(parts, empty, strict=True):
        for column, dtype in frame.collect_schema().items():
            if column not in blank:
                typed.setdefault(column, set()).add(dtype)
    target = {c: next(iter(t)) for c, t in typed.items() if len(t) == 1}
    return [(file, frame.with_columns(pl.col(c).cast(target[c]) for c in blank if c in target))
            for (file, frame), blank in zip(parts, empty, strict=True)]


def _clashing(schemas: Sequence[tuple[str, pl.Schema]]) -> set[str]:
    """Columns whose types differ between parts and are not all numbers (which stack as numbers)."""
    types: dict[str, set[pl.DataType]] = {}
    for _, schema in schemas:
        for column, dtype in schema.items():
            types.setdefault(column, set()).add(dtype)
    return {c for c, found in types.items() if len(found) > 1 and not all(t.is_numeric() for t in found)}
