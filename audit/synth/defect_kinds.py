"""The catalogue of injected defects: one function per kind, each damaging one fresh subject."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import polars as pl

from audit.synth.design import CUTOFF

SEQ = {"AE": "AESEQ", "LB": "LBSEQ", "EX": "EXSEQ", "RS": "RSSEQ", "TR": "TRSEQ", "TU": "TUSEQ", "DM": None}


class TooFewSubjects(ValueError):
    """A study too small to give every defect a subject of its own."""


@dataclass
class Damage:
    """The datasets being damaged, the subjects already used, and the manifest so far."""

    datasets: dict[str, pl.DataFrame]
    used: set[str] = field(default_factory=set)
    manifest: list[dict] = field(default_factory=list)

    def pick(self, name: str, condition: pl.Expr, subjects: pl.Expr | None = None) -> dict[str, Any]:
        """The first record (by USUBJID, --SEQ) meeting `condition` whose subject is still untouched."""
        frame = self.datasets[name].filter(condition & ~pl.col("USUBJID").is_in(sorted(self.used)))
        if subjects is not None:
            frame = frame.filter(pl.col("USUBJID").is_in(self.datasets["ADSL"].filter(subjects)["USUBJID"].implode()))
        key = [c for c in ("USUBJID", SEQ.get(name)) if c]
        if frame.is_empty():
            raise TooFewSubjects(f"no untouched {name} record for the next defect")
        return frame.sort(key).row(0, named=True)

    def set(self, name: str, usubjid: str, seq: int | None, values: dict[str, Any]) -> dict[str, Any]:
        """Set variables of one record; return the clean values."""
        frame = self.datasets[name]
        key = SEQ.get(name)
        hit = pl.col("USUBJID") == usubjid
        if key is not None:
            hit = hit & (pl.col(key) == seq)
        before = frame.filter(hit).row(0, named=True)
        self.datasets[name] = frame.with_columns(
            pl.when(hit).then(pl.lit(v, dtype=frame.schema[c])).otherwise(pl.col(c)).alias(c) for c, v in values.items()
        )
        return {c: before[c] for c in values}

    def record(
        self,
        kind: str,
        name: str,
        usubjid: str,
        seq: int | None,
        values: dict[str, Any],
        rules: list[str],
        claims: list[str] | None = None,
    ) -> None:
        """Apply one record's change and add its manifest entry."""
        clean = self.set(name, usubjid, seq, values)
        self.used.add(usubjid)
        self.manifest.append(
            {
                "id": f"D{len(self.manifest) + 1:02d}",
                "kind": kind,
                "dataset": name,
                "usubjid": usubjid,
                "record_key": seq,
                "variables": list(values),
                "clean": clean,
                "damaged": values,
                "expected_rules": rules,
                "expected_claims": claims or [],
            }
        )


def _d(text: str) -> date:
    return date.fromisoformat(text[:10])


def _day(text: str, start: str) -> int:
    delta = (_d(text) - _d(start)).days
    return delta + 1 if delta >= 0 else delta


def _start(damage: Damage, usubjid: str) -> str:
    return damage.datasets["DM"].filter(pl.col("USUBJID") == usubjid)["RFSTDTC"][0]


def ae_end_before_start(damage: Damage) -> None:
    row = damage.pick("AE", (pl.col("AEDECOD") == "Fatigue") & (pl.col("AEENDTC").str.len_chars() == 10))
    end = (_d(row["AESTDTC"]) - timedelta(days=3)).isoformat()
    damage.record(
        "ae_end_before_start",
        "AE",
        row["USUBJID"],
        row["AESEQ"],
        {"AEENDTC": end, "AEENDY": _day(end, _start(damage, row["USUBJID"]))},
        ["DATE003"],
    )


def partial_ae_end_before_start(damage: Damage) -> None:
    row = damage.pick("AE", (pl.col("AEDECOD") == "Nausea") & (pl.col("AESTDTC").str.slice(5, 2) != "01"))
    earlier = (_d(row["AESTDTC"]).replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
    damage.record(
        "partial_ae_end_before_start",
        "AE",
        row["USUBJID"],
        row["AESEQ"],
        {"AEENDTC": earlier, "AEENDY": None},
        ["DATE003"],
    )


def dose_after_death(damage: Damage) -> None:
    dead = pl.col("DTHFL") == "Y"
    subject = damage.pick("DM", dead & (pl.col("DTHDTC") < (CUTOFF - timedelta(days=30)).isoformat()))
    usubjid = subject["USUBJID"]
    ex = damage.datasets["EX"].filter((pl.col("USUBJID") == usubjid) & (pl.col("EXTRT") == "CAMRELIZUMAB"))
    last = ex.sort("EXSEQ").row(-1, named=True)
    when = (_d(subject["DTHDTC"]) + timedelta(days=5)).isoformat()
    day = _day(when, subject["RFSTDTC"])
    damage.record(
        "dose_after_death",
        "EX",
        usubjid,
        last["EXSEQ"],
        {"EXSTDTC": when, "EXENDTC": when, "EXSTDY": day, "EXENDY": day},
        ["DATE008"],
    )


def consent_after_first_dose(damage: Damage) -> None:
    subject = damage.pick("DM", pl.col("DTHFL").is_null())
    later = (_d(subject["RFSTDTC"]) + timedelta(days=2)).isoformat()
    # Screening labs, the baseline scan and the first dose now precede consent.
    damage.record(
        "consent_after_first_dose", "DM", subject["USUBJID"], None, {"RFICDTC": later}, ["DATE004", "DATE007"]
    )


def invalid_iso_date(damage: Damage) -> None:
    row = damage.pick("LB", pl.col("LBTESTCD") == "ALB")
    text = _d(row["LBDTC"]).strftime("%d/%m/%Y")
    damage.record("invalid_iso_date", "LB", row["USUBJID"], row["LBSEQ"], {"LBDTC": text}, ["DATE001"])


def assessment_after_cutoff(damage: Damage) -> None:
    alive = damage.datasets["ADSL"].filter(pl.col("DTHFL") == "N")["USUBJID"].implode()
    row = damage.pick("LB", pl.col("USUBJID").is_in(alive) & (pl.col("LBTESTCD") == "CREAT"))
    rows = damage.datasets["LB"].filter((pl.col("USUBJID") == row["USUBJID"]) & (pl.col("LBTESTCD") == "CREAT"))
    last = rows.sort("LBSEQ").row(-1, named=True)
    when = (CUTOFF + timedelta(days=10)).isoformat()
    damage.record(
        "assessment_after_cutoff",
        "LB",
        last["USUBJID"],
        last["LBSEQ"],
        {"LBDTC": when, "LBDY": _day(when, _start(damage, last["USUBJID"]))},
        ["DATE014"],
    )


def wrong_study_day(damage: Damage) -> None:
    row = damage.pick("LB", (pl.col("LBTESTCD") == "BILI") & (pl.col("LBDY") > 1))
    damage.record("wrong_study_day", "LB", row["USUBJID"], row["LBSEQ"], {"LBDY": row["LBDY"] - 1}, ["DATE016"])


KINDS: list[Callable[[Damage], None]] = [
    ae_end_before_start,
    partial_ae_end_before_start,
    dose_after_death,
    consent_after_first_dose,
    invalid_iso_date,
    assessment_after_cutoff,
    wrong_study_day,
]
