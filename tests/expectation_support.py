"""Small builders shared by the expectation tests: snapshots on disk and one-dataset runs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import polars as pl

from audit.expectations import ExpectationOutcome, load_suite, run_suites
from audit.formats import write_dataset
from audit.study import load_study


def write_snapshot(folder: Path, datasets: dict[str, pl.DataFrame], fmt: str = "parquet") -> Path:
    """Write each frame as <name>.<fmt> into the folder and return it."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, frame in datasets.items():
        write_dataset(frame, folder / f"{name.lower()}.{fmt}", name)
    return folder


def write_suite(folder: Path, dataset: str, expectations: list[dict[str, Any]], **meta: Any) -> Path:
    """Write a GX 1.x suite file checking one dataset."""
    path = folder / f"{dataset.lower()}_suite.json"
    suite = {"name": dataset.lower(), "expectations": expectations, "meta": {"dataset": dataset, **meta}}
    path.write_text(json.dumps(suite), encoding="utf-8")
    return path


def expectation(kind: str, **kwargs: Any) -> dict[str, Any]:
    """One expectation record as GX serialises it."""
    return {"type": kind, "kwargs": kwargs, "meta": {}}


def run_one(
    tmp_path: Path, frame: pl.DataFrame, record: dict[str, Any], engine: str = "native", dataset: str = "AE"
) -> ExpectationOutcome:
    """Run one expectation on one dataset written as parquet."""
    study = load_study(write_snapshot(tmp_path / "snapshot", {dataset: frame}))
    suite = load_suite(write_suite(tmp_path, dataset, [record]))
    (outcome,) = run_suites(study, [suite], engine=engine)
    return outcome


def _records(n_subjects: int, per_subject: int, domain: str) -> pl.DataFrame:
    """USUBJID, STUDYID, <DOMAIN>SEQ and a day offset for per_subject records of each subject."""
    index = pl.int_range(0, n_subjects * per_subject, eager=True)
    frame = pl.DataFrame({"_i": index // per_subject, "_k": index % per_subject})
    return frame.with_columns(
        STUDYID=pl.lit("ESCC-RT"),
        USUBJID=pl.format("ESCC-RT-{}", (pl.col("_i") + 1001).cast(pl.String)),
        **{f"{domain}SEQ": pl.col("_k") + 1},
    )


def _dtc(days: pl.Expr) -> pl.Expr:
    return (pl.date(2019, 1, 1) + pl.duration(days=days)).dt.to_string("%Y-%m-%d")


def _pick(values: list[Any], by: pl.Expr) -> pl.Expr:
    """A value chosen deterministically from a list by an integer expression."""
    return pl.lit(pl.Series(values)).get(by % len(values))


def clean_study_frames(n_subjects: int) -> dict[str, pl.DataFrame]:
    """A small, internally plausible SDTM/ADaM snapshot with the variables the suites read."""
    start = pl.col("_i") * 7 % 800
    # The last subject is a screen failure: no arm, no treatment dates (SDTMIG 5.2 DM).
    screened_out = pl.col("_i") == n_subjects - 1
    dm = _records(n_subjects, 1, "DM").with_columns(
        DOMAIN=pl.lit("DM"),
        AGE=(40 + pl.col("_i") % 40),
        AGEU=pl.lit("YEARS"),
        SEX=_pick(["M", "F"], pl.col("_i")),
        RFICDTC=_dtc(start - 10),
        RFSTDTC=pl.when(~screened_out).then(_dtc(start)),
        RFENDTC=pl.when(~screened_out).then(_dtc(start + 120)),
        RFXSTDTC=pl.when(~screened_out).then(_dtc(start)),
        RFXENDTC=pl.when(~screened_out).then(_dtc(start + 120)),
        ARMCD=pl.when(screened_out).then(pl.lit("Scrnfail")).otherwise(pl.lit("RTCI")),
        ARM=pl.when(screened_out).then(pl.lit("Screen Failure")).otherwise(pl.lit("Radiotherapy + camrelizumab")),
        ACTARMCD=pl.when(screened_out).then(pl.lit("Scrnfail")).otherwise(pl.lit("RTCI")),
        DTHFL=pl.when(pl.col("_i") % 3 == 0).then(pl.lit("Y")),
        DTHDTC=pl.when(pl.col("_i") % 3 == 0).then(_dtc(start + 300)),
    )
    ae = _records(n_subjects, 3, "AE").with_columns(
        AETERM=_pick(["Fatigue", "Anemia", "Weight loss"], pl.col("_k")),
        AEDECOD=_pick(["Fatigue", "Anemia", "Weight loss"], pl.col("_k")),
        AETOXGR=_pick(["1", "2", "3"], pl.col("_i") + pl.col("_k")),
        AESEV=_pick(["MILD", "MODERATE", "SEVERE"], pl.col("_i") + pl.col("_k")),
        AESER=pl.lit("N"),
        AESDTH=pl.lit("N"),
        AESLIFE=pl.lit("N"),
        AESHOSP=pl.lit("N"),
        AESDISAB=pl.lit("N"),
        AESCONG=pl.lit("N"),
        AESMIE=pl.lit("N"),
        AEREL=_pick(["RELATED", "NOT RELATED"], pl.col("_k")),
        AEOUT=pl.lit("RECOVERED/RESOLVED"),
        AESTDTC=_dtc(start + 10 * pl.col("_k")),
        AEENDTC=pl.when(pl.col("_k") < 2).then(_dtc(start + 10 * pl.col("_k") + 5)),
    )
    tests = ["WBC", "NEUT", "PLAT", "HGB", "ALT"]
    lb = _records(n_subjects, len(tests) * 2, "LB").with_columns(
        LBTESTCD=_pick(tests, pl.col("_k")),
        LBSTRESN=(pl.col("_k") * 3.5 + pl.col("_i") % 5).cast(pl.Float64),
        LBSTRESU=_pick(["10^9/L", "10^9/L", "10^9/L", "g/L", "U/L"], pl.col("_k")),
        LBSTNRLO=pl.lit(1.0),
        LBSTNRHI=pl.lit(400.0),
        LBDTC=_dtc(start + 21 * (pl.col("_k") // len(tests))),
        LBBLFL=pl.when(pl.col("_k") < len(tests)).then(pl.lit("Y")),
    )
    ex = _records(n_subjects, 3, "EX").with_columns(
        EXTRT=_pick(["CAMRELIZUMAB", "IRINOTECAN", "RADIOTHERAPY"], pl.col("_k")),
        EXDOSE=_pick([200.0, 125.0, 4.0], pl.col("_k")),
        EXSTDTC=_dtc(start),
        EXENDTC=_dtc(start + 100),
    )
    ds = _records(n_subjects, 2, "DS").with_columns(
        DSDECOD=_pick(["INFORMED CONSENT OBTAINED", "ENROLLED"], pl.col("_k")),
        DSCAT=pl.lit("PROTOCOL MILESTONE"),
        DSSTDTC=_dtc(start - 10 + pl.col("_k")),
    )
    tu = _records(n_subjects, 2, "TU").with_columns(
        TULNKID=_pick(["T01", "NT01"], pl.col("_k")),
        TUTESTCD=pl.lit("TUMIDENT"),
        TUSTRESC=_pick(["TARGET", "NON-TARGET"], pl.col("_k")),
        TUDTC=_dtc(start - 5),
    )
    tr = _records(n_subjects, 2, "TR").with_columns(
        TRTESTCD=_pick(["LDIAM", "SUMDIAM"], pl.col("_k")),
        TRGRPID=pl.lit("TARGET"),
        TRSTRESN=pl.lit(30.0),
        TRSTRESU=pl.lit("mm"),
        TRDTC=_dtc(start - 5),
    )
    rs = _records(n_subjects, 2, "RS").with_columns(
        RSTESTCD=_pick(["OVRLRESP", "BESTRSP"], pl.col("_k")),
        RSSTRESC=_pick(["PR", "SD", "PD"], pl.col("_i")),
        RSCAT=pl.lit("RECIST 1.1"),
        RSEVAL=pl.lit("INVESTIGATOR"),
        RSDTC=_dtc(start + 42),
    )
    adsl = dm.select("_i", "_k", "STUDYID", "USUBJID", "AGE", "SEX").with_columns(
        ITTFL=pl.lit("Y"),
        SAFFL=pl.lit("Y"),
        EFFFL=pl.lit("Y"),
        DTHFL=_pick(["Y", "N", "N"], pl.col("_i")),
    )
    adrs = _records(n_subjects, 2, "ADRS").with_columns(
        PARAMCD=_pick(["OVRLRESP", "BOR"], pl.col("_k")),
        AVALC=_pick(["PR", "SD", "PD"], pl.col("_i")),
        ANL01FL=pl.lit("Y"),
    )
    adtte = _records(n_subjects, 2, "ADTTE").with_columns(
        PARAMCD=_pick(["PFS", "OS"], pl.col("_k")),
        AVAL=(100 + pl.col("_i") % 300).cast(pl.Float64),
        CNSR=pl.col("_i") % 2,
    )
    adae = ae.select(
        "_i",
        "_k",
        "STUDYID",
        "USUBJID",
        "AESEQ",
        "AEDECOD",
        "AETOXGR",
        "AESER",
        "AEOUT",
        ATOXGRN=pl.col("AETOXGR").cast(pl.Int64),
        RELFL=pl.lit("Y"),
        TRTEMFL=pl.lit("Y"),
    )
    frames = {
        "DM": dm,
        "AE": ae,
        "LB": lb,
        "EX": ex,
        "DS": ds,
        "TU": tu,
        "TR": tr,
        "RS": rs,
        "ADSL": adsl,
        "ADRS": adrs,
        "ADTTE": adtte,
        "ADAE": adae,
    }
    return {
        name: frame.drop("_i", "_k", "ADRSSEQ", "ADTTESEQ", "ADSLSEQ", "DMSEQ", strict=False)
        for name, frame in frames.items()
    }


def _damage(frame: pl.DataFrame, rows: list[int], **values: Any) -> pl.DataFrame:
    """Overwrite the named columns at the given 0-based rows."""
    hit = pl.int_range(pl.len()).is_in(rows)
    return frame.with_columns(
        pl.when(hit).then(pl.lit(v, dtype=frame.schema[c])).otherwise(pl.col(c)).alias(c) for c, v in values.items()
    )


def damaged_study_frames(n_subjects: int) -> dict[str, pl.DataFrame]:
    """The clean study with defects every suite should find: terms, ranges, keys, ISO text, types."""
    frames = clean_study_frames(n_subjects)
    frames["DM"] = _damage(frames["DM"], [0], SEX="MALE", AGE=12).pipe(
        _damage, [1], RFSTDTC="2019-13-45 ", USUBJID=None
    )
    frames["DM"] = _damage(frames["DM"], [2], USUBJID=frames["DM"]["USUBJID"][3]).pipe(_damage, [4], RFSTDTC=None)
    frames["AE"] = _damage(frames["AE"], [0, 4], AETOXGR="6", AESER="YES").pipe(
        _damage, [1], AESEQ=1, AESTDTC="05/01/2019"
    )
    frames["AE"] = _damage(frames["AE"], [2], AEDECOD=None, AEOUT="DIED")
    frames["LB"] = _damage(frames["LB"], [0, 1, 2], LBSTRESN=-1.0).pipe(
        _damage, [3], LBSTRESN=float("nan"), LBSTRESU="mg/dL"
    )
    frames["LB"] = frames["LB"].with_columns(
        LBSEQ=pl.when(pl.int_range(pl.len()) == 5).then(None).otherwise(pl.col("LBSEQ"))
    )
    frames["EX"] = _damage(frames["EX"], [0], EXDOSE=-5.0, EXENDTC="2019-02-3O")
    frames["DS"] = _damage(frames["DS"], [0], DSCAT="MILESTONE")
    frames["TU"] = _damage(frames["TU"], [0], TUSTRESC="TARGETED", TULNKID=None)
    frames["TR"] = _damage(frames["TR"], [0], TRSTRESN=-3.0, TRSTRESU="cm")
    frames["RS"] = _damage(frames["RS"], [0, 1], RSSTRESC="UNCONFIRMED PR").pipe(_damage, [2], RSDTC="2019-06")
    frames["ADSL"] = _damage(frames["ADSL"], [0], ITTFL="YES", AGE=130).pipe(_damage, [1], SAFFL=None)
    frames["ADRS"] = _damage(frames["ADRS"], [0], AVALC="iCR")
    frames["ADTTE"] = _damage(frames["ADTTE"], [0], CNSR=2, AVAL=-1.0).pipe(_damage, [2], PARAMCD="PFS")
    frames["ADAE"] = _damage(frames["ADAE"], [0], ATOXGRN=6, AETOXGR="0").pipe(_damage, [1], AESEQ=1)
    return frames
