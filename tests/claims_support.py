"""A ten-subject snapshot whose figures are known by construction, for claims tests."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import polars as pl

from audit.claims.model import parse_claims
from audit.formats import write_dataset

SUBJECTS = [f"S{i:02d}" for i in range(1, 11)]
START = date(2020, 1, 6)
# Best overall response: 4 responders (CR+PR), 3 SD, 3 PD -> ORR 4/10, DCR 7/10.
BOR = ["CR", "PR", "PR", "PR", "SD", "SD", "SD", "PD", "PD", "PD"]
ABSBOR = ["PR", "PR", "SD", "SD", "SD", "PD", "PD", "PD", "NE", "NE"]
# Days from first dose; OS event for 7 subjects, PFS event for 8.
OS_DAYS = [420, 150, 300, 360, 210, 240, 500, 90, 130, 600]
OS_CNSR = [1, 0, 0, 0, 0, 0, 1, 0, 0, 1]
PFS_DAYS = [400, 60, 150, 200, 120, 180, 330, 40, 55, 520]
PFS_CNSR = [1, 0, 0, 0, 0, 0, 0, 0, 0, 1]
# (subject, term, grade, relationship)
ADVERSE_EVENTS = [
    ("S01", "WHITE BLOOD CELL DECREASED", 3, "RELATED"),
    ("S02", "WHITE BLOOD CELL DECREASED", 3, "POSSIBLY RELATED"),
    ("S02", "ANEMIA", 2, "RELATED"),
    ("S03", "NEUTROPHIL COUNT DECREASED", 4, "RELATED"),
    ("S04", "ANEMIA", 1, "RELATED"),
    ("S05", "FATIGUE", 1, "NOT RELATED"),
    ("S06", "FATIGUE", 2, "RELATED"),
    ("S07", "WEIGHT LOSS", 1, "RELATED"),
    ("S08", "WEIGHT LOSS", 2, "RELATED"),
    ("S09", "WEIGHT LOSS", 3, "NOT RELATED"),
    ("S10", "PLATELET COUNT DECREASED", 1, "RELATED"),
]
GROUPINGS = {"myelosuppression": ["WHITE BLOOD CELL DECREASED", "NEUTROPHIL COUNT DECREASED",
                                  "PLATELET COUNT DECREASED", "ANEMIA"]}


def _day(offset: int) -> str:
    return (START + timedelta(days=offset)).isoformat()


def _adam() -> dict[str, pl.DataFrame]:
    adsl = pl.DataFrame({
        "USUBJID": SUBJECTS, "ITTFL": ["Y"] * 10, "SAFFL": ["Y"] * 10,
        "EFFFL": ["Y"] * 8 + ["N"] * 2,
        "ENRLDT": [START - timedelta(days=3) + timedelta(days=20 * i) for i in range(10)],
    })
    adrs = pl.DataFrame({
        "USUBJID": SUBJECTS * 2, "PARAMCD": ["BOR"] * 10 + ["ABSBOR"] * 10, "AVALC": BOR + ABSBOR,
    })
    adtte = pl.DataFrame({
        "USUBJID": SUBJECTS * 2, "PARAMCD": ["PFS"] * 10 + ["OS"] * 10,
        "AVAL": [float(d) for d in PFS_DAYS + OS_DAYS], "CNSR": PFS_CNSR + OS_CNSR,
    })
    adae = pl.DataFrame({
        "USUBJID": [a[0] for a in ADVERSE_EVENTS], "AEDECOD": [a[1] for a in ADVERSE_EVENTS],
        "ATOXGRN": [a[2] for a in ADVERSE_EVENTS],
        "RELFL": ["N" if a[3] == "NOT RELATED" else "Y" for a in ADVERSE_EVENTS],
    })
    return {"adsl": adsl, "adrs": adrs, "adtte": adtte, "adae": adae}


def _sdtm() -> dict[str, pl.DataFrame]:
    """DM/DS/RS/AE whose derived OS/PFS equal the ADTTE above (ADaM day counting)."""
    death = [None if c else _day(d - 1) for d, c in zip(OS_DAYS, OS_CNSR, strict=True)]
    dm = pl.DataFrame({"USUBJID": SUBJECTS, "RFSTDTC": [START.isoformat()] * 10, "DTHDTC": death},
                      schema_overrides={"DTHDTC": pl.String})
    last_seen = [_day(d - 1) for d in OS_DAYS]
    ds = pl.DataFrame({"USUBJID": SUBJECTS, "DSDECOD": ["LAST CONTACT"] * 10, "DSSTDTC": last_seen})
    rs_rows = []
    for subject, days, cnsr, os_days, os_cnsr in zip(
        SUBJECTS, PFS_DAYS, PFS_CNSR, OS_DAYS, OS_CNSR, strict=True
    ):
        progressed = cnsr == 0 and not (os_cnsr == 0 and os_days == days)
        rs_rows.append((subject, _day(days - 1), "PD" if progressed else "SD"))
    rs = pl.DataFrame(rs_rows, schema=["USUBJID", "RSDTC", "RSSTRESC"], orient="row").with_columns(
        pl.lit("OVRLRESP").alias("RSTESTCD"))
    ae = pl.DataFrame({
        "USUBJID": [a[0] for a in ADVERSE_EVENTS], "AEDECOD": [a[1] for a in ADVERSE_EVENTS],
        "AETOXGR": [str(a[2]) for a in ADVERSE_EVENTS], "AEREL": [a[3] for a in ADVERSE_EVENTS],
    })
    return {"dm": dm, "ds": ds, "rs": rs, "ae": ae}


def write_snapshot(folder: Path, *, adam: bool = True, sdtm: bool = True) -> Path:
    """Write the ten-subject snapshot (ADaM and/or SDTM) as parquet files."""
    folder.mkdir(parents=True, exist_ok=True)
    frames = {**(_adam() if adam else {}), **(_sdtm() if sdtm else {})}
    for name, frame in frames.items():
        write_dataset(frame, folder / f"{name}.parquet", name.upper())
    return folder


def claims_file(*claims: dict, groupings: dict | None = None, **settings):
    """A validated ClaimsFile from inline claim dicts."""
    document = {"claims": list(claims), "groupings": groupings or GROUPINGS}
    if settings:
        document["endpoints"] = settings
    return parse_claims(document, "test-claims.yaml")


TWOARM = Path(__file__).resolve().parent / "fixtures" / "reference" / "twoarm"


def write_twoarm_snapshot(folder: Path, dataset: str = "veteran_trt") -> Path:
    """An ADSL/ADTTE snapshot of one R two-arm reference dataset: TRT01P the arm, STRATA1 the R stratum."""
    source = pl.read_csv(TWOARM / f"{dataset}.csv", schema_overrides={"strat": pl.String})
    subjects = [f"R{i:04d}" for i in range(1, source.height + 1)]
    adsl = pl.DataFrame({"USUBJID": subjects, "TRT01P": source["arm"], "STRATA1": source["strat"],
                         "ITTFL": ["Y"] * source.height})
    adtte = pl.DataFrame({"USUBJID": subjects, "PARAMCD": ["OS"] * source.height,
                          "AVAL": source["time"].cast(pl.Float64), "CNSR": 1 - source["event"]})
    folder.mkdir(parents=True, exist_ok=True)
    write_dataset(adsl, folder / "adsl.parquet", "ADSL")
    write_dataset(adtte, folder / "adtte.parquet", "ADTTE")
    return folder


def write_response_snapshot(folder: Path, arms: dict[str, tuple[int, int]]) -> Path:
    """ADSL and ADRS with k of n responders (BOR PR) per arm, e.g. {"E": (56, 70), "C": (48, 80)}."""
    rows = [(f"{arm}{i:03d}", arm, "PR" if i < k else "PD") for arm, (k, n) in arms.items() for i in range(n)]
    subjects, arm_of, bor = (list(column) for column in zip(*rows, strict=True))
    folder.mkdir(parents=True, exist_ok=True)
    strata = ["a" if int(s[-3:]) % 2 == 0 else "b" for s in subjects]  # every other subject per arm
    write_dataset(pl.DataFrame({"USUBJID": subjects, "TRT01P": arm_of, "STRATA1": strata,
                                "ITTFL": ["Y"] * len(rows)}), folder / "adsl.parquet", "ADSL")
    write_dataset(pl.DataFrame({"USUBJID": subjects, "PARAMCD": ["BOR"] * len(rows), "AVALC": bor}),
                  folder / "adrs.parquet", "ADRS")
    return folder
