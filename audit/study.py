"""Load a snapshot folder into a Study: one Polars LazyFrame per dataset.

Datasets are named by their file stem in upper case (dm.xpt -> DM); the
parts of a split domain (rs_onco_recist.parquet, DOMAIN RS) load as that
domain. Columns get SDTM types and blank text is missing (audit.normalise). Every
ISO 8601 text column (--DTC, ADaM *DTC) gains <COL>_LO and <COL>_HI date
columns holding the earliest and latest date it can mean. Each file's SHA-256,
size and row count are recorded for the audit trail. The folder is only read.
"""

from __future__ import annotations

import codecs
import hashlib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import polars as pl

from audit import dates, split_domains
from audit.errors import AuditInputError, SnapshotError
from audit.formats import FORMAT_BY_SUFFIX, UTF8, LoadedDataset, NotADatasetError, read_dataset
from audit.normalise import normalised

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
    parts: tuple[str, ...] = ()  # the files of a domain split over several (SDTMIG v3.4 section 4.1.7)
    part_sha256: tuple[str, ...] = ()  # each part's SHA-256, in the order of parts
    part_rows: tuple[int, ...] = ()  # each part's row count, in the order of parts


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
    if not root.exists() and root.is_symlink():
        raise SnapshotError("snapshot is a symbolic link that resolves to nothing (a loop or a missing target)",
                            file=root)
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
    return files, notes


def _no_dataset(root: Path, notes: list[str]) -> SnapshotError:
    ignored = "; ".join(n for n in notes if n.startswith("ignored"))
    return SnapshotError(
        "snapshot folder holds no dataset (.xpt, .json, .ndjson, .parquet or .csv)"
        + (f"; {ignored}" if ignored else ""), file=root
    )


@dataclass(frozen=True)
class _Part:
    """One file as read and normalised, before split parts of a domain are put together."""

    path: Path
    frame: pl.LazyFrame
    loaded: LoadedDataset


def _read_part(path: Path, options: LoadOptions, notes: list[str]) -> _Part | None:
    try:
        loaded = read_dataset(path, options.encoding, keep_na_text=options.keep_na_text)
    except NotADatasetError as exc:
        notes.append(f"ignored {path.name}: {exc.message}")
        return None
    if loaded.encoding and loaded.encoding not in (UTF8, "utf-8-sig") and not options.encoding:
        notes.append(f"read {path.name} as {loaded.encoding} (not valid UTF-8)")
    notes.extend(loaded.notes)
    frame, column_notes = normalised(loaded.frame, path.name)
    notes.extend(column_notes)
    return _Part(path, frame, loaded)


def _materialised(name: str, parts: list[_Part], notes: list[str]) -> tuple[pl.DataFrame, pl.Schema, tuple[str, ...]]:
    """The dataset in memory with its date bounds, its own schema and its ISO 8601 text columns."""
    try:
        combined = split_domains.combined(name, [(p.path.name, p.frame) for p in parts], notes)
        # Materialise once: every rule reads each dataset, and re-running the scan and the
        # date parsing per rule would cost far more than holding the data in memory.
        base = combined.collect()
        date_columns = tuple(c for c, t in base.schema.items() if dates.is_date_text_column(c) and t == pl.String)
        return dates.add_date_bounds(base, list(date_columns)), base.schema, date_columns
    except SnapshotError:
        raise
    except Exception as exc:  # malformed content discovered only on a full scan
        raise SnapshotError(f"cannot read dataset: {str(exc).splitlines()[0]}", file=parts[0].path) from exc


def _load_one(name: str, parts: list[_Part], notes: list[str]) -> tuple[pl.LazyFrame, DatasetInfo]:
    first = parts[0]
    data, schema, date_columns = _materialised(name, parts, notes)
    info = DatasetInfo(
        name=name,
        path=first.path,
        format=FORMAT_BY_SUFFIX[first.path.suffix.lower()],
        sha256=_digest(parts),
        size_bytes=sum(p.path.stat().st_size for p in parts),
        n_rows=data.height,
        columns=tuple(schema.names()),
        date_columns=date_columns,
        labels={k: v for p in reversed(parts) for k, v in p.loaded.labels.items()},
        dataset_label=first.loaded.dataset_label,
        encoding=first.loaded.encoding,
        **(_part_facts(parts) if len(parts) > 1 else {}),
    )
    return data.lazy(), info


def _part_facts(parts: list[_Part]) -> dict[str, tuple]:
    """Name, SHA-256 and rows of each file of a split domain, for the audit trail."""
    return {
        "parts": tuple(p.path.name for p in parts),
        "part_sha256": tuple(sha256_of(p.path) for p in parts),
        "part_rows": tuple(int(p.frame.select(pl.len()).collect().item()) for p in parts),
    }


def _digest(parts: list[_Part]) -> str:
    """The file's SHA-256; for a split domain, the SHA-256 of its parts' names and digests."""
    if len(parts) == 1:
        return sha256_of(parts[0].path)
    lines = "".join(f"{sha256_of(p.path)}  {p.path.name}\n" for p in parts)
    return hashlib.sha256(lines.encode("utf-8")).hexdigest()


def _calendar_dates(values: pl.Series) -> pl.Series:
    """Text read as YYYY-MM-DD dates; null where it is not one, or its year (0000) has no Python date."""
    parsed = values.cast(pl.String).str.slice(0, 10).str.to_date("%Y-%m-%d", strict=False)
    return parsed.filter(parsed.dt.year() >= 1)


def _cutoff_from_data(datasets: dict[str, pl.LazyFrame], info: dict[str, DatasetInfo]):
    """A cut-off the snapshot carries: TS DCUTDTC, else ADSL DCUTDT/DCUTDTC; a value that is no date is skipped."""
    if "TS" in info and {"TSPARMCD", "TSVAL"} <= set(info["TS"].columns):
        value = (
            datasets["TS"].filter(pl.col("TSPARMCD").cast(pl.String) == "DCUTDTC").select("TSVAL").collect()
        )
        parsed = _calendar_dates(value.to_series().head(1))
        if parsed.len():
            return parsed.item(0), "TS.TSPARMCD=DCUTDTC"
    for column in ("DCUTDT", "DCUTDTC"):
        if "ADSL" in info and column in info["ADSL"].columns:
            values = datasets["ADSL"].select(pl.col(column).cast(pl.String)).unique().collect()
            parsed = _calendar_dates(values.to_series())
            if parsed.len():
                return parsed.max(), f"ADSL.{column}"
    return None, None


def _check_encoding(encoding: str | None) -> None:
    """An encoding Python does not know is a usage error, before any file is read."""
    if encoding is None:
        return
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise AuditInputError(f"unknown text encoding {encoding!r} (e.g. utf-8, cp1252, latin-1)",
                              field="--encoding") from None


@dataclass(frozen=True)
class LoadOptions:
    """How the files' text is read: a declared encoding, and whether CSV "NA" is text."""

    encoding: str | None = None
    keep_na_text: bool = False


def load_study(
    root: str | Path, *, cutoff: date | None = None, encoding: str | None = None, keep_na_text: bool = False
) -> Study:
    """Load every dataset file of a snapshot folder (read-only)."""
    root = Path(root)
    _check_encoding(encoding)
    files, notes = _dataset_files(root)
    options = LoadOptions(encoding, keep_na_text)
    read = [part for path in files.values() if (part := _read_part(path, options, notes)) is not None]
    if not read:
        raise _no_dataset(root, notes)
    datasets: dict[str, pl.LazyFrame] = {}
    info: dict[str, DatasetInfo] = {}
    for name, parts in split_domains.grouped([(p.path.stem.upper(), p) for p in read], notes).items():
        datasets[name], info[name] = _load_one(name, parts, notes)
    source = "given" if cutoff is not None else None
    if cutoff is None:
        cutoff, source = _cutoff_from_data(datasets, info)
    return Study(root, datasets, info, cutoff, source, tuple(notes))
