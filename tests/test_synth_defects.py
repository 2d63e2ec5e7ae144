"""The damaged copy carries exactly the defects its manifest lists, each on its own subject."""

from __future__ import annotations

import polars as pl
import pytest

from audit.synth import generate_escc, inject_defects

SEQ = {"AE": "AESEQ", "LB": "LBSEQ", "EX": "EXSEQ", "RS": "RSSEQ", "TR": "TRSEQ", "TU": "TUSEQ"}
KNOWN_RULE = r"^(DATE0(0[1-9]|1[0-6])|RECIST0(0[1-9]|1[0-6])|CTCAE0(0[1-9]|1[0-4]))$"


@pytest.fixture(scope="module")
def injected():
    clean = generate_escc()
    damaged, manifest = inject_defects(clean)
    return clean, damaged, manifest


def _record(frame: pl.DataFrame, entry: dict) -> dict:
    hit = pl.col("USUBJID") == entry["usubjid"]
    if entry["record_key"] is not None:
        hit = hit & (pl.col(SEQ[entry["dataset"]]) == entry["record_key"])
    rows = frame.filter(hit)
    assert rows.height == 1, entry["id"]
    return rows.row(0, named=True)


def test_manifest_has_at_least_twenty_kinds(injected):
    assert len({entry["kind"] for entry in injected[2]}) >= 20


def test_every_defect_hits_a_different_subject(injected):
    subjects = [entry["usubjid"] for entry in injected[2]]
    assert len(subjects) == len(set(subjects))


def test_every_entry_points_to_a_record_that_differs_from_clean(injected):
    clean, damaged, manifest = injected
    for entry in manifest:
        before, after = _record(clean[entry["dataset"]], entry), _record(damaged[entry["dataset"]], entry)
        assert {v: before[v] for v in entry["variables"]} == entry["clean"], entry["id"]
        assert {v: after[v] for v in entry["variables"]} == entry["damaged"], entry["id"]
        assert entry["clean"] != entry["damaged"], entry["id"]


def test_every_entry_names_known_rules(injected):
    for entry in injected[2]:
        assert entry["expected_rules"] and all(pl.Series(entry["expected_rules"]).str.contains(KNOWN_RULE))


def test_figure_defect_moves_orr(injected):
    clean, damaged, manifest = injected
    assert [e["expected_claims"] for e in manifest if e["expected_claims"]] == [["orr"]]

    def responders(frame):
        return frame.filter((pl.col("PARAMCD") == "BOR") & pl.col("AVALC").is_in(["CR", "PR"])).height

    assert (responders(clean["ADRS"]), responders(damaged["ADRS"])) == (20, 19)


def test_subjects_without_defects_are_untouched(injected):
    clean, damaged, manifest = injected
    touched = sorted({entry["usubjid"] for entry in manifest})
    for name, frame in clean.items():
        if "USUBJID" in frame.columns:
            keep = ~pl.col("USUBJID").is_in(touched)
            assert frame.filter(keep).equals(damaged[name].filter(keep)), name
