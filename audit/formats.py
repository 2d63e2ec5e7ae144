"""Read and write one dataset in each supported snapshot format.

Formats: SAS XPT (pyreadstat), CDISC Dataset-JSON 1.1 (.json and .ndjson; a
small reader of our own, since no maintained Python package reads 1.1),
Parquet and CSV (Polars). Readers return a LazyFrame, the variable labels the
format carries and the text encoding used; they never write anything beside
the file they read.

Text that is not UTF-8 is read as delivered: a byte-order mark names UTF-16
or UTF-32, otherwise UTF-8 is tried, then cp1252 (what SAS on Windows
writes), then latin-1, which decodes any byte.
"""

from __future__ import annotations

import codecs
import io
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from audit.dates import is_date_text_column
from audit.errors import SnapshotError
from audit.normalise import is_key

FORMAT_BY_SUFFIX = {
    ".xpt": "xpt",
    ".json": "json",
    ".ndjson": "ndjson",
    ".parquet": "parquet",
    ".csv": "csv",
}
WRITE_FORMATS = ("csv", "parquet", "xpt", "json")
DATASET_JSON_VERSION = "1.1.0"
UTF8 = "utf-8"
FALLBACK_ENCODINGS = ("cp1252", "latin-1")
# Longest mark first: the UTF-32 LE mark begins with the UTF-16 LE one.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
)
# R and many exports write a missing value as NA; read as text only on request.
NA_TEXT = "NA"

# Dataset-JSON 1.1 dataType -> Polars dtype.
_JSON_TYPES: dict[str, pl.DataType] = {
    "string": pl.String(),
    "integer": pl.Int64(),
    "float": pl.Float64(),
    "double": pl.Float64(),
    "decimal": pl.Float64(),
    "boolean": pl.Boolean(),
    "date": pl.String(),
    "datetime": pl.String(),
    "time": pl.String(),
    "URI": pl.String(),
}


class NotADatasetError(SnapshotError):
    """A file with a dataset suffix that holds something else (a .json manifest): skipped with a note."""


@dataclass(frozen=True)
class ReadOptions:
    """How text in the files is read: the declared encoding, and whether CSV "NA" stays text."""

    encoding: str | None = None
    keep_na_text: bool = False


@dataclass(frozen=True)
class LoadedDataset:
    """A dataset read lazily, with what its format told us about it."""

    frame: pl.LazyFrame
    labels: dict[str, str] = field(default_factory=dict)
    dataset_label: str | None = None
    encoding: str | None = None
    notes: tuple[str, ...] = ()  # what the reader could not read as declared


def read_dataset(path: Path, encoding: str | None = None, *, keep_na_text: bool = False) -> LoadedDataset:
    """Read one dataset file; raise SnapshotError naming the file if it is unreadable."""
    fmt = FORMAT_BY_SUFFIX.get(path.suffix.lower())
    reader = {
        "xpt": _read_xpt,
        "json": _read_dataset_json,
        "ndjson": _read_dataset_ndjson,
        "parquet": _read_parquet,
        "csv": _read_csv,
    }.get(fmt or "")
    if reader is None:
        raise SnapshotError(f"not a supported dataset format ({path.suffix})", file=path)
    try:
        return reader(path, ReadOptions(encoding, keep_na_text))
    except SnapshotError:
        raise
    except Exception as exc:  # a corrupt file: name it, keep the library's reason
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise SnapshotError(f"cannot read {fmt} dataset: {reason}", file=path) from exc


def _integral_floats_to_int(frame: pl.DataFrame) -> pl.DataFrame:
    """XPT stores every number as a double; give whole-number columns an integer type."""
    casts = []
    for name, dtype in frame.schema.items():
        if dtype == pl.Float64:
            column = frame.get_column(name).drop_nulls()
            if column.len() and bool((column == column.round(0)).all()) and column.abs().max() < 2**53:
                casts.append(pl.col(name).cast(pl.Int64))
    return frame.with_columns(casts) if casts else frame


def _xpt_with(path: Path, encoding: str):
    import pyreadstat

    return pyreadstat.read_xport(str(path), output_format="polars", encoding=encoding)


def _read_xpt(path: Path, options: ReadOptions) -> LoadedDataset:
    from pyreadstat import ReadstatError

    tried = [options.encoding] if options.encoding else [UTF8, *FALLBACK_ENCODINGS]
    for encoding in tried:
        try:
            data, meta = _xpt_with(path, encoding)
            break
        except (ReadstatError, UnicodeDecodeError, LookupError) as exc:
            if isinstance(exc, ReadstatError) and "encoding" not in str(exc):
                raise  # not a decoding problem: a corrupt file
            if encoding == tried[-1]:
                raise SnapshotError(f"cannot decode xpt text as {encoding}: {exc}", file=path) from exc
    data = _integral_floats_to_int(data)
    labels = {k: v for k, v in (meta.column_names_to_labels or {}).items() if v}
    return LoadedDataset(data.lazy(), labels, meta.file_label or None, encoding)


def _decoded(path: Path, declared: str | None) -> tuple[str, str]:
    """The file's text and the encoding that read it (the declared one, a BOM's, UTF-8 or a fallback)."""
    raw = path.read_bytes()
    if declared:
        try:
            return raw.decode(declared), declared
        except (UnicodeDecodeError, LookupError) as exc:
            raise SnapshotError(f"cannot decode as {declared}: {exc}", file=path) from exc
    for bom, encoding in _BOMS:
        if raw.startswith(bom):
            return raw.decode(encoding), encoding
    for encoding in (UTF8, *FALLBACK_ENCODINGS):
        try:
            return raw.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise SnapshotError("cannot decode the text", file=path)  # unreachable: latin-1 decodes any byte


def _is_plain_utf8(path: Path) -> bool:
    """True when the bytes are UTF-8 without a byte-order mark (Polars can scan them directly)."""
    decoder = codecs.getincrementaldecoder(UTF8)()
    with path.open("rb") as handle:
        first = handle.read(4)
        if any(first.startswith(bom) for bom, _ in _BOMS):
            return False
        try:
            decoder.decode(first)
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return False
    return True


def _checked_shape(document: dict, path: Path) -> list:
    """The rows of a Dataset-JSON document whose columns and rows have the shape the standard gives them."""
    columns, rows = document["columns"], document.get("rows", [])
    if not isinstance(columns, list) or not all(isinstance(c, dict) for c in columns):
        raise SnapshotError("expected a list of column objects", file=path, field="columns")
    if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
        raise SnapshotError("expected a list of rows, each a list of values", file=path, field="rows")
    if not isinstance(document.get("label", ""), str | None):
        raise SnapshotError("expected text", file=path, field="label")
    return rows


def _json_schema(columns: list[dict], path: Path) -> tuple[dict[str, pl.DataType], dict[str, str]]:
    schema: dict[str, pl.DataType] = {}
    labels: dict[str, str] = {}
    for column in columns:
        name = column.get("name")
        if not name or not isinstance(name, str):
            raise SnapshotError("Dataset-JSON column without a name", file=path, field="columns")
        if name in schema:
            raise SnapshotError(f"column {name!r} is declared twice", file=path, field="columns")
        data_type = column.get("dataType", "string")
        schema[name] = _JSON_TYPES.get(data_type if isinstance(data_type, str) else "string", pl.String())
        if column.get("label"):
            labels[name] = str(column["label"])
    return schema, labels


def _frame_from_rows(rows: list, schema: dict[str, pl.DataType], path: Path) -> tuple[pl.DataFrame, list[str]]:
    width = len(schema)
    if any(len(row) != width for row in rows):
        raise SnapshotError(f"a row does not have the {width} values its columns declare", file=path)
    try:
        return pl.DataFrame(rows, schema=schema, orient="row"), []
    except (pl.exceptions.ComputeError, TypeError, OverflowError):
        return _frame_through_text(rows, schema, path)


def _frame_through_text(rows: list, schema: dict[str, pl.DataType], path: Path) -> tuple[pl.DataFrame, list[str]]:
    """Rows whose values do not all fit the declared types: a blank ("") is missing, other misfits keep the text."""
    text = pl.DataFrame(rows, schema={name: pl.String for name in schema}, orient="row", strict=False)
    notes: list[str] = []
    casts = []
    for name, dtype in schema.items():
        if dtype == pl.String:
            continue
        stripped = pl.col(name).str.strip_chars()
        value = stripped.str.to_lowercase() == "true" if dtype == pl.Boolean else stripped.cast(dtype, strict=False)
        misfits = text.select((stripped.is_not_null() & (stripped != "") & value.is_null()).sum()).item()
        if misfits:
            notes.append(f"kept {path.name} column {name} as text: {misfits} values are not {_json_type(dtype)}")
        else:
            casts.append(pl.when(stripped == "").then(None).otherwise(value).alias(name))
    return text.with_columns(casts), notes


def _read_dataset_json(path: Path, options: ReadOptions) -> LoadedDataset:
    text, encoding = _decoded(path, options.encoding)
    document = json.loads(text)
    if not isinstance(document, dict) or "columns" not in document:
        raise NotADatasetError("not a Dataset-JSON 1.1 document (no 'columns')", file=path)
    rows = _checked_shape(document, path)
    schema, labels = _json_schema(document["columns"], path)
    frame, notes = _frame_from_rows(rows, schema, path)
    return LoadedDataset(frame.lazy(), labels, document.get("label"), encoding, tuple(notes))


def _read_dataset_ndjson(path: Path, options: ReadOptions) -> LoadedDataset:
    text, encoding = _decoded(path, options.encoding)
    lines = text.splitlines()
    header = json.loads(lines[0]) if lines else None
    if not isinstance(header, dict) or "columns" not in header:
        raise NotADatasetError("not a Dataset-JSON 1.1 NDJSON file (first line has no 'columns')", file=path)
    rows = [json.loads(line) for line in lines[1:] if line.strip()]
    _checked_shape({**header, "rows": rows}, path)
    schema, labels = _json_schema(header["columns"], path)
    frame, notes = _frame_from_rows(rows, schema, path)
    return LoadedDataset(frame.lazy(), labels, header.get("label"), encoding, tuple(notes))


def _read_parquet(path: Path, options: ReadOptions) -> LoadedDataset:
    frame = pl.scan_parquet(path)
    frame.collect_schema()  # fail here, naming the file, if the footer is corrupt
    return LoadedDataset(frame, {}, None, None)


def _read_csv(path: Path, options: ReadOptions) -> LoadedDataset:
    nulls = [""] if options.keep_na_text else ["", NA_TEXT]
    settings = dict(infer_schema_length=10_000, null_values=nulls, try_parse_dates=False)
    if options.encoding is None and _is_plain_utf8(path):
        source, encoding = path, UTF8
    else:
        text, encoding = _decoded(path, options.encoding)
        source = io.BytesIO(text.encode(UTF8))
    frame = pl.scan_csv(source, schema_overrides=_text_columns(source), **settings)
    frame.collect_schema()
    return LoadedDataset(frame, {}, None, encoding)


def _text_columns(source: Path | io.BytesIO) -> dict[str, pl.DataType]:
    """Identifiers and *DTC read as text from the start: "0015" must not become 15, nor "2019" a number."""
    names = pl.scan_csv(source, n_rows=0, infer_schema=False).collect_schema().names()
    if isinstance(source, io.BytesIO):
        source.seek(0)
    return {name: pl.String() for name in names if is_key(name) or is_date_text_column(name)}


# --------------------------------------------------------------------------- writers


def write_dataset(
    frame: pl.DataFrame,
    path: Path,
    name: str,
    *,
    label: str | None = None,
    column_labels: dict[str, str] | None = None,
) -> Path:
    """Write one dataset in the format its suffix names; deterministic bytes for the same frame."""
    fmt = FORMAT_BY_SUFFIX.get(path.suffix.lower())
    if fmt == "csv":
        frame.write_csv(path)
    elif fmt == "parquet":
        frame.write_parquet(path, statistics=True, compression="zstd")
    elif fmt == "xpt":
        _write_xpt(frame, path, name, label, column_labels or {})
    elif fmt in {"json", "ndjson"}:
        _write_dataset_json(frame, path, name, label, column_labels or {}, ndjson=fmt == "ndjson")
    else:
        raise ValueError(f"cannot write {path.suffix!r}: choose one of {', '.join(WRITE_FORMATS)}")
    return path


XPT_NAME_LENGTH = 8
XPT_LABEL_LENGTH = 40


def _write_xpt(frame: pl.DataFrame, path: Path, name: str, label: str | None, labels: dict) -> None:
    import pyreadstat

    # SAS transport version 5 holds names of 8 characters and labels of 40; renaming would
    # silently change the variables a reader looks for, so a longer name is refused.
    long_names = [c for c in frame.columns if len(c) > XPT_NAME_LENGTH]
    if long_names:
        raise ValueError(f"XPT (SAS transport v5) allows variable names of at most {XPT_NAME_LENGTH} "
                         f"characters; {', '.join(long_names[:5])} are longer: write .parquet, .csv or .json")
    labels = {c: (t[:XPT_LABEL_LENGTH] if t else t) for c, t in labels.items()}
    dates = [c for c, t in frame.schema.items() if t in (pl.Date, pl.Datetime)]
    variable_format = {c: "DATE9." for c in dates}
    pyreadstat.write_xport(
        frame,
        str(path),
        file_label=(label or "")[:XPT_LABEL_LENGTH],
        column_labels={c: labels.get(c) for c in frame.columns},
        table_name=name[:8].upper(),
        file_format_version=5,
        variable_format=variable_format or None,
    )


def _json_type(dtype: pl.DataType) -> str:
    if dtype.is_integer():
        return "integer"
    if dtype.is_float():
        return "double"
    if dtype == pl.Boolean:
        return "boolean"
    if dtype == pl.Date:
        return "date"
    if dtype == pl.Datetime:
        return "datetime"
    return "string"


def _json_rows(frame: pl.DataFrame) -> Iterable[list]:
    temporal = [pl.col(c).cast(pl.String) for c, t in frame.schema.items() if t.is_temporal()]
    return frame.with_columns(temporal).rows() if temporal else frame.rows()


def _write_dataset_json(
    frame: pl.DataFrame, path: Path, name: str, label: str | None, labels: dict, *, ndjson: bool
) -> None:
    columns = [
        {
            "itemOID": f"IT.{name.upper()}.{column}",
            "name": column,
            "label": labels.get(column, column),
            "dataType": _json_type(dtype),
            **({"keySequence": 1} if column == "USUBJID" else {}),
        }
        for column, dtype in frame.schema.items()
    ]
    header = {
        "datasetJSONCreationDateTime": "2000-01-01T00:00:00",
        "datasetJSONVersion": DATASET_JSON_VERSION,
        "itemGroupOID": f"IG.{name.upper()}",
        "records": frame.height,
        "name": name.upper(),
        "label": label or name.upper(),
        "columns": columns,
    }
    rows = [list(row) for row in _json_rows(frame)]
    with path.open("w", encoding="utf-8") as handle:
        if ndjson:
            handle.write(json.dumps(header) + "\n")
            for row in rows:
                handle.write(json.dumps(row) + "\n")
        else:
            json.dump({**header, "rows": rows}, handle)
