"""A tiny snapshot folder written as parquet files, for engine and CLI tests."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from audit.formats import write_dataset

DM = [
    {"USUBJID": "S1", "RFICDTC": "2020-01-02", "RFSTDTC": "2020-01-05", "RFENDTC": "2020-03-01", "DTHDTC": None},
    {"USUBJID": "S2", "RFICDTC": "2020-01-10", "RFSTDTC": "2020-01-05", "RFENDTC": "2020-03-01", "DTHDTC": None},
]
AE = [
    {"USUBJID": "S1", "AESEQ": 1, "AESTDTC": "2020-02-10", "AEENDTC": "2020-02-01", "AESTDY": 37},
    {"USUBJID": "S1", "AESEQ": 2, "AESTDTC": "2020-02-01", "AEENDTC": "2020-02-03", "AESTDY": 28},
    {"USUBJID": "S2", "AESEQ": 1, "AESTDTC": "2020-02-01", "AEENDTC": "2020-02", "AESTDY": 28},
]
TS = [{"TSPARMCD": "DCUTDTC", "TSVAL": "2020-06-30"}]


def write_snapshot(folder: Path, **overrides: list[dict]) -> Path:
    """DM, AE and TS (cut-off 2020-06-30) as parquet; a dataset given here replaces the default."""
    folder.mkdir(parents=True, exist_ok=True)
    tables = {"DM": DM, "AE": AE, "TS": TS, **overrides}
    for name, records in tables.items():
        write_dataset(pl.DataFrame(records), folder / f"{name.lower()}.parquet", name)
    return folder
