"""Write a generated snapshot to a folder in one of the supported formats, byte-for-byte reproducibly."""

from __future__ import annotations

import re
from pathlib import Path

import polars as pl

from audit.formats import WRITE_FORMATS, write_dataset

DATASET_LABELS = {
    "DM": "Demographics",
    "DS": "Disposition",
    "EX": "Exposure",
    "AE": "Adverse Events",
    "LB": "Laboratory Test Results",
    "TU": "Tumor/Lesion Identification",
    "SUPPTU": "Supplemental Qualifiers for TU",
    "TR": "Tumor/Lesion Results",
    "RS": "Disease Response",
    "TS": "Trial Summary",
    "ADSL": "Subject-Level Analysis Dataset",
    "ADRS": "Response Analysis Dataset",
    "ADTTE": "Time-to-Event Analysis Dataset",
    "ADAE": "Adverse Event Analysis Dataset",
}
# SAS transport headers carry a creation time; a fixed one keeps the bytes reproducible.
_XPT_STAMP = re.compile(rb"\d{2}[A-Z]{3}\d{2}:\d{2}:\d{2}:\d{2}")
_FIXED_STAMP = b"01JAN00:00:00:00"


def write_snapshot(datasets: dict[str, pl.DataFrame], out_dir: Path | str, fmt: str = "csv") -> list[Path]:
    """Write each dataset as <name>.<fmt> (lower-case name) into out_dir; return the paths written."""
    if fmt not in WRITE_FORMATS:
        raise ValueError(f"unknown format {fmt!r}: choose one of {', '.join(WRITE_FORMATS)}")
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name in sorted(datasets):
        path = folder / f"{name.lower()}.{fmt}"
        write_dataset(datasets[name], path, name, label=DATASET_LABELS.get(name, name))
        if fmt == "xpt":
            _fix_xpt_timestamps(path)
        written.append(path)
    return written


def _fix_xpt_timestamps(path: Path) -> None:
    """Replace the created/modified stamps of the first header records (the data are untouched)."""
    data = path.read_bytes()
    head_end = data.find(b"HEADER RECORD*******OBS     HEADER RECORD")
    head_end = len(data) if head_end < 0 else head_end
    head = _XPT_STAMP.sub(_FIXED_STAMP, data[:head_end])
    path.write_bytes(head + data[head_end:])
