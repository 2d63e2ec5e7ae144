"""Build a Study in memory from inline records, as rule fixture files write them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

import polars as pl

from audit import dates
from audit.study import DatasetInfo, Study


def _text(value: Any) -> Any:
    # YAML reads 2020-01-05 as a date; SDTM dates are text.
    return value.isoformat() if isinstance(value, date | datetime) else value


def _frame(records: Sequence[Mapping[str, Any]]) -> pl.DataFrame:
    columns = list(dict.fromkeys(c for r in records for c in r))
    data = {c: [_text(r.get(c)) for r in records] for c in columns}
    return pl.DataFrame(data, strict=False)


def study_from_records(datasets: Mapping[str, Sequence[Mapping[str, Any]]], cutoff: date | None = None) -> Study:
    """A Study whose datasets are the given records (date bounds added like the loader does)."""
    frames: dict[str, pl.LazyFrame] = {}
    info: dict[str, DatasetInfo] = {}
    for name, records in datasets.items():
        frame = _frame(records)
        date_columns = tuple(c for c, t in frame.schema.items() if dates.is_date_text_column(c) and t == pl.String)
        upper = name.upper()
        frames[upper] = dates.with_date_bounds(frame.lazy(), list(date_columns))
        info[upper] = DatasetInfo(
            name=upper, path=Path(f"{name.lower()}.parquet"), format="parquet", sha256="0" * 64,
            size_bytes=0, n_rows=frame.height, columns=tuple(frame.columns), date_columns=date_columns,
        )
    return Study(Path("inline"), frames, info, cutoff, "given" if cutoff else None)
