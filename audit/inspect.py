"""Summaries of a loaded snapshot: what `trial-audit inspect` shows."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date

import polars as pl

from audit import dates
from audit.study import SUBJECT_KEY, Study


@dataclass(frozen=True)
class DatasetSummary:
    """One dataset as a monitor first sees it."""

    name: str
    file: str
    format: str
    records: int
    variables: int
    subjects: int | None
    first_date: date | None
    last_date: date | None
    invalid_dates: int
    sha256: str
    size_bytes: int
    encoding: str | None


def _date_stats(study: Study, name: str) -> tuple[date | None, date | None, int]:
    columns = study.info[name].date_columns
    if not columns:
        return None, None, 0
    frame = study.frame(name)
    row = frame.select(
        pl.min_horizontal([pl.col(dates.lo_name(c)).min() for c in columns]).alias("first"),
        pl.max_horizontal([pl.col(dates.hi_name(c)).max() for c in columns]).alias("last"),
        pl.sum_horizontal([dates.is_invalid(pl.col(c)).sum() for c in columns]).alias("invalid"),
    ).collect()
    return row.item(0, "first"), row.item(0, "last"), int(row.item(0, "invalid") or 0)


def summarise(study: Study) -> list[DatasetSummary]:
    """One summary per dataset, sorted by dataset name."""
    summaries = []
    for name in study.names:
        info = study.info[name]
        subjects = None
        if SUBJECT_KEY in info.columns:
            subjects = int(study.frame(name).select(pl.col(SUBJECT_KEY).n_unique()).collect().item())
        first, last, invalid = _date_stats(study, name)
        summaries.append(
            DatasetSummary(
                name=name,
                file=" + ".join(info.parts) if info.parts else info.path.name,
                format=info.format,
                records=info.n_rows,
                variables=len(info.columns),
                subjects=subjects,
                first_date=first,
                last_date=last,
                invalid_dates=invalid,
                sha256=info.sha256,
                size_bytes=info.size_bytes,
                encoding=info.encoding,
            )
        )
    return summaries


def summary_document(study: Study) -> dict:
    """A JSON-ready description of the snapshot (deterministic key order)."""
    return {
        "snapshot": str(study.root),
        "cutoff": study.cutoff.isoformat() if study.cutoff else None,
        "cutoff_source": study.cutoff_source,
        "notes": list(study.notes),
        "datasets": [
            {
                **asdict(s),
                "first_date": s.first_date.isoformat() if s.first_date else None,
                "last_date": s.last_date.isoformat() if s.last_date else None,
            }
            for s in summarise(study)
        ],
    }
