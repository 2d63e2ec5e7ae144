"""Load a snapshot folder into a Study: one Polars LazyFrame per dataset.

Datasets are named by their file stem in upper case (dm.xpt -> DM). Every
ISO 8601 text column (--DTC, ADaM *DTC) gains <COL>_LO and <COL>_HI date
columns holding the earliest and latest date it can mean. Each file's SHA-256,
size and row count are recorded for the audit trail. The folder is only read.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import polars as pl

from audit import dates
from audit.errors import SnapshotError
from audit.formats import FORMAT_BY_SUFFIX, read_dataset

SUBJECT_KEY = "USUBJID"


@dataclass(frozen=True)
class DatasetInfo:
    """What the audit trail records about one dataset file."""

    name: str
    path: Path
    format: str
    sha256: str
    size_bytes: int
    n_rows: int
    columns: tuple[str, ...]
    date_columns: tuple[str, ...]
    labels: dict[str, str] = field(default_factory=dict)
    dataset_label: str | None = None
    encoding: str | None = None


@dataclass(frozen=True)
class Study:
    """A loaded snapshot: lazy datasets, their file facts and the data cut-off."""

    root: Path
    datasets: dict[str, pl.LazyFrame]
    info: dict[str, DatasetInfo]
    cutoff: date | None = None
    cutoff_source: str | None = None
    notes: tuple[str, ...] = ()

    def has(self, name: str, *columns: str) -> bool:
        """True if the dataset exists and has every named column."""
        info = self.info.get(name.upper())
        return info is not None and all(c in info.columns for c in columns)

    def frame(self, name: str) -> pl.LazyFrame:
        """The dataset as a LazyFrame (with date bounds); KeyError if absent."""
        return self.datasets[name.upper()]

    def columns(self, name: str) -> tuple[str, ...]:
        """The dataset's original columns (without derived date bounds)."""
        return self.info[name.upper()].columns

    def missing(self, name: str, *columns: str) -> str | None:
        """Why a dataset/columns cannot be used here, or None when they can."""
        if name.upper() not in self.info:
            return f"dataset {name.upper()} is not in the snapshot"
        absent = [c for c in columns if c not in self.info[name.upper()].columns]
        if absent:
            return f"{name.upper()} has no variable {', '.join(absent)}"
        return None

    @property
    def names(self) -> list[str]:
        return sorted(self.datasets)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _dataset_files(root: Path) -> tuple[dict[str, Path], list[str]]:
    if not root.exists():
        raise SnapshotError("snapshot folder does not exist", file=root)
    if not root.is_dir():
        raise SnapshotError("snapshot is not a folder", file=root)
    files: dict[str, Path] = {}
    notes: list[str] = []
    # Hidden files (.DS_Store, tool markers) are not part of a snapshot.
    for path in sorted(p for p in root.iterdir() if p.is_file() and not p.name.startswith(".")):
        if path.suffix.lower() not in FORMAT_BY_SUFFIX:
            notes.append(f"ignored {path.name}: not a dataset file")
            continue
        name = path.stem.upper()
        if name in files:
            raise SnapshotError(
                f"dataset {name} is given twice ({files[name].name} and {path.name}); keep one",
                file=root,
            )
        files[name] = path
    if not files:
        raise SnapshotError(
            "snapshot folder holds no dataset (.xpt, .json, .ndjson, .parquet or .csv)", file=root
        )
    return files, notes


def _load_one(name: str, path: Path, encoding: str | None) -> tuple[pl.LazyFrame, DatasetInfo]:
    loaded = read_dataset(path, encoding)
    schema = loaded.frame.collect_schema()
    date_columns = tuple(
        c for c, t in schema.items() if dates.is_date_text_column(c) and t == pl.String
    )
    # Materialise once: every rule reads each dataset, and re-running the scan and the
    # date parsing per rule would cost far more than holding the data in memory.
    try:
        data = dates.with_date_bounds(loaded.frame, list(date_columns)).collect()
    except Exception as exc:  # malformed content discovered only on a full scan
        raise SnapshotError(f"cannot read dataset: {str(exc).splitlines()[0]}", file=path) from exc
    frame = data.lazy()
    n_rows = data.height
    info = DatasetInfo(
        name=name,
        path=path,
        format=FORMAT_BY_SUFFIX[path.suffix.lower()],
        sha256=sha256_of(path),
        size_bytes=path.stat().st_size,
        n_rows=n_rows,
        columns=tuple(schema.names()),
        date_columns=date_columns,
        labels=loaded.labels,
        dataset_label=loaded.dataset_label,
        encoding=loaded.encoding,
    )
    return frame, info


def _cutoff_from_data(datasets: dict[str, pl.LazyFrame], info: dict[str, DatasetInfo]):
    """A cut-off the snapshot carries: TS DCUTDTC, else ADSL DCUTDT/DCUTDTC."""
    if "TS" in info and {"TSPARMCD", "TSVAL"} <= set(info["TS"].columns):
        value = (
            datasets["TS"].filter(pl.col("TSPARMCD") == "DCUTDTC").select("TSVAL").collect()
        )
        if value.height:
            parsed = pl.Series([value.item(0, 0)]).str.to_date(strict=False).item()
            if parsed is not None:
                return parsed, "TS.TSPARMCD=DCUTDTC"
    for column in ("DCUTDT", "DCUTDTC"):
        if "ADSL" in info and column in info["ADSL"].columns:
            values = datasets["ADSL"].select(pl.col(column).cast(pl.String)).unique().collect()
            parsed = values.to_series().str.slice(0, 10).str.to_date(strict=False).drop_nulls()
            if parsed.len():
                return parsed.max(), f"ADSL.{column}"
    return None, None


def load_study(
    root: str | Path, *, cutoff: date | None = None, encoding: str | None = None
) -> Study:
    """Load every dataset file of a snapshot folder (read-only)."""
    root = Path(root)
    files, notes = _dataset_files(root)
    datasets: dict[str, pl.LazyFrame] = {}
    info: dict[str, DatasetInfo] = {}
    for name, path in files.items():
        datasets[name], info[name] = _load_one(name, path, encoding)
        if info[name].encoding and info[name].encoding != "utf-8" and path.suffix.lower() == ".csv":
            notes.append(f"read {path.name} as {info[name].encoding} (not valid UTF-8)")
    source = "given" if cutoff is not None else None
    if cutoff is None:
        cutoff, source = _cutoff_from_data(datasets, info)
    return Study(root, datasets, info, cutoff, source, tuple(notes))
