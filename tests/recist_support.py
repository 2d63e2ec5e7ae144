"""Tiny RECIST snapshots built from per-visit lesion sizes, for the RECIST derivation tests."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from typing import Any

import polars as pl
from rule_fixture_support import study_from_records

from audit.derive import DeriveContext
from audit.study import Study

START = date(2020, 1, 1)
SUBJECT = "S1"


def _day(day: int) -> str:
    return (START + timedelta(days=day)).isoformat()


def tumour_records(
    targets: Mapping[str, tuple[str, Sequence[float | str | None]]],
    days: Sequence[int],
    non_targets: Mapping[str, Sequence[str | None]] | None = None,
    new_at: Sequence[int] = (),
    irradiated: Mapping[str, str] | None = None,
    test_code: str = "LDIAM",
) -> dict[str, list[dict[str, Any]]]:
    """DM, TU, SUPPTU and TR of one subject: visit k on day days[k] (visit 0 is baseline)."""
    tu, supptu, tr = [], [], []
    lesions = [(k, "TARGET", loc) for k, (loc, _) in targets.items()]
    lesions += [(k, "NON-TARGET", "LYMPH NODE") for k in (non_targets or {})]
    for seq, (link, role, loc) in enumerate(lesions, start=1):
        tu.append({"USUBJID": SUBJECT, "TUSEQ": seq, "TULNKID": link, "TUTESTCD": "TUMIDENT", "TUSTRESC": role,
                   "TULOC": loc, "TUDTC": _day(days[0]), "VISITNUM": 0})
        if irradiated and link in irradiated:
            supptu.append({"USUBJID": SUBJECT, "RDOMAIN": "TU", "IDVAR": "TUSEQ", "IDVARVAL": str(seq),
                           "QNAM": "IRRADFL", "QVAL": irradiated[link]})
    for visit in new_at:
        tu.append({"USUBJID": SUBJECT, "TUSEQ": len(tu) + 1, "TULNKID": f"NEW{visit}", "TUTESTCD": "TUMIDENT",
                   "TUSTRESC": "NEW", "TULOC": "LIVER", "TUDTC": _day(days[visit]), "VISITNUM": visit})
    for visit, day in enumerate(days):
        for link, (loc, sizes) in targets.items():
            size = sizes[visit]
            code = "SAXIS" if loc == "LYMPH NODE" else test_code
            number = size if isinstance(size, int | float) else None
            text = size if isinstance(size, str) else (None if size is None else str(size))
            tr.append({"TRLNKID": link, "TRGRPID": "TARGET", "TRTESTCD": code, "TRSTRESN": number,
                       "TRSTRESC": text, "VISITNUM": visit, "TRDTC": _day(day)})
        for link, states in (non_targets or {}).items():
            tr.append({"TRLNKID": link, "TRGRPID": "NON-TARGET", "TRTESTCD": "TUMSTATE", "TRSTRESN": None,
                       "TRSTRESC": states[visit], "VISITNUM": visit, "TRDTC": _day(day)})
    tr = [{"USUBJID": SUBJECT, "TRSEQ": i, **r} for i, r in enumerate(tr, start=1)]
    dm = [{"USUBJID": SUBJECT, "RFSTDTC": START.isoformat()}]
    records = {"DM": dm, "TU": tu, "TR": tr}
    if supptu:
        records["SUPPTU"] = supptu
    return records


def derived(records: Mapping[str, Sequence[Mapping[str, Any]]], name: str, **recist: Any) -> pl.DataFrame:
    """One derived frame of a snapshot built from records, under the given recist settings."""
    study: Study = study_from_records(records)
    return DeriveContext(study, {"recist": recist}).derived(name).collect()


def visit_values(records: Mapping[str, Sequence[Mapping[str, Any]]], column: str) -> list[Any]:
    """A column of recist.timepoint after baseline, in visit order."""
    frame = derived(records, "recist.timepoint").sort("VISITNUM")
    return frame.filter(pl.col("VISITNUM") > 0)[column].to_list()
