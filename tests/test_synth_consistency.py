"""The clean reference snapshot is internally consistent, checked with small code of its own."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from audit.synth import generate_escc

CUTOFF = "2022-06-30"
LAB_TERMS = {
    "White blood cell decreased": "WBC",
    "Neutrophil count decreased": "NEUT",
    "Lymphocyte count decreased": "LYM",
    "Platelet count decreased": "PLAT",
    "Anemia": "HGB",
    "Alanine aminotransferase increased": "ALT",
    "Aspartate aminotransferase increased": "AST",
}
LOW_CUTS = {
    "WBC": [3.0, 2.0, 1.0],
    "NEUT": [1.5, 1.0, 0.5],
    "LYM": [0.8, 0.5, 0.2],
    "PLAT": [75, 50, 25],
    "HGB": [100, 80],
}


@pytest.fixture(scope="module")
def snap():
    return generate_escc()


def lab_grade(test: str, value: float, lln: float, uln: float) -> int:
    """CTCAE v5 grade of one value (normal baseline)."""
    if test in LOW_CUTS:
        if value >= lln:
            return 0
        return 1 + sum(value < cut for cut in LOW_CUTS[test])
    if value <= uln:
        return 0
    return 1 + sum(value > f * uln for f in (3.0, 5.0, 20.0))


def test_reported_sum_equals_recomputed_sum_of_targets(snap):
    tr = snap["TR"]
    recomputed = (
        tr.filter(pl.col("TRTESTCD").is_in(["LDIAM", "SAXIS"]))
        .group_by("USUBJID", "VISITNUM")
        .agg(pl.col("TRSTRESN").sum().alias("SUM"))
    )
    reported = tr.filter(pl.col("TRTESTCD") == "SUMDIAM").select("USUBJID", "VISITNUM", "TRSTRESN")
    joined = reported.join(recomputed, on=["USUBJID", "VISITNUM"])
    assert joined.height == reported.height and (joined["TRSTRESN"] == joined["SUM"]).all()


def test_targets_are_measurable_few_and_spread_over_organs(snap):
    tu = snap["TU"].filter(pl.col("TUSTRESC") == "TARGET")
    assert tu.group_by("USUBJID").len()["len"].max() <= 5
    assert tu.group_by("USUBJID", "TULOC").len()["len"].max() <= 2
    base = snap["TR"].filter((pl.col("VISITNUM") == 0) & pl.col("TRTESTCD").is_in(["LDIAM", "SAXIS"]))
    assert base.filter((pl.col("TRTESTCD") == "LDIAM") & (pl.col("TRSTRESN") < 10)).height == 0
    assert base.filter((pl.col("TRTESTCD") == "SAXIS") & (pl.col("TRSTRESN") < 15)).height == 0


def test_every_subject_has_an_out_of_field_target(snap):
    supp = snap["SUPPTU"].filter(pl.col("QVAL") == "N").select("USUBJID", pl.col("IDVARVAL").cast(pl.Int64))
    tu = snap["TU"].filter(pl.col("TUSTRESC") == "TARGET").select("USUBJID", pl.col("TUSEQ").alias("IDVARVAL"))
    assert tu.join(supp, on=["USUBJID", "IDVARVAL"])["USUBJID"].n_unique() == 49


def test_baseline_scan_within_28_days_before_first_dose(snap):
    dm = snap["DM"].select("USUBJID", pl.col("RFSTDTC").str.to_date())
    base = snap["TR"].filter(pl.col("VISITNUM") == 0).select("USUBJID", pl.col("TRDTC").str.to_date()).unique()
    gap = base.join(dm, on="USUBJID").select((pl.col("RFSTDTC") - pl.col("TRDTC")).dt.total_days())
    assert gap.to_series().is_between(0, 28).all()


def test_progression_reported_only_with_20_percent_and_5_mm_over_nadir(snap):
    sums = (
        snap["TR"]
        .filter(pl.col("TRTESTCD") == "SUMDIAM")
        .sort("USUBJID", "VISITNUM")
        .with_columns(pl.col("TRSTRESN").cum_min().shift(1).over("USUBJID").alias("NADIR"))
    )
    target = snap["RS"].filter(pl.col("RSTESTCD") == "TRGRESP").select("USUBJID", "VISITNUM", "RSSTRESC")
    joined = sums.join(target, on=["USUBJID", "VISITNUM"])
    rule = (pl.col("TRSTRESN") >= 1.2 * pl.col("NADIR")) & (pl.col("TRSTRESN") - pl.col("NADIR") >= 5)
    assert joined.filter((pl.col("RSSTRESC") == "PD") != rule).height == 0


def test_pfs_events_are_first_pd_or_death(snap):
    dm = snap["DM"].select("USUBJID", "RFSTDTC", "DTHDTC")
    pd = (
        snap["RS"]
        .filter((pl.col("RSTESTCD") == "OVRLRESP") & (pl.col("RSSTRESC") == "PD"))
        .group_by("USUBJID")
        .agg(pl.col("RSDTC").min())
    )
    expected = dm.join(pd, on="USUBJID", how="left").select(
        "USUBJID", pl.min_horizontal(pl.col("RSDTC").str.to_date(), pl.col("DTHDTC").str.to_date()).alias("EVENT")
    )
    pfs = snap["ADTTE"].filter((pl.col("PARAMCD") == "PFS") & (pl.col("CNSR") == 0)).select("USUBJID", "ADT")
    joined = expected.drop_nulls().join(pfs, on="USUBJID", how="full", coalesce=True)
    assert (joined["EVENT"] == joined["ADT"]).all()


def test_lab_based_ae_grade_equals_worst_lab_grade_in_its_window(snap):
    lb = snap["LB"].rows(named=True)
    for ae in snap["AE"].filter(pl.col("AEDECOD").is_in(list(LAB_TERMS))).rows(named=True):
        end = ae["AEENDTC"] or CUTOFF
        grades = [
            lab_grade(r["LBTESTCD"], r["LBSTRESN"], r["LBSTNRLO"], r["LBSTNRHI"])
            for r in lb
            if r["USUBJID"] == ae["USUBJID"]
            and r["LBTESTCD"] == LAB_TERMS[ae["AEDECOD"]]
            and ae["AESTDTC"] <= r["LBDTC"] <= end
        ]
        assert grades and max(grades) == int(ae["AETOXGR"]), ae


def test_no_lab_value_of_grade_3_outside_a_matching_ae(snap):
    terms = {v: k for k, v in LAB_TERMS.items()}
    ae = snap["AE"].rows(named=True)
    for r in snap["LB"].filter(pl.col("LBTESTCD").is_in(list(terms))).rows(named=True):
        if lab_grade(r["LBTESTCD"], r["LBSTRESN"], r["LBSTNRLO"], r["LBSTNRHI"]) >= 3:
            assert any(
                a["USUBJID"] == r["USUBJID"]
                and a["AEDECOD"] == terms[r["LBTESTCD"]]
                and a["AESTDTC"] <= r["LBDTC"] <= (a["AEENDTC"] or CUTOFF)
                for a in ae
            ), r


def test_seriousness_severity_and_fatality_agree(snap):
    ae = snap["AE"]
    criteria = pl.any_horizontal(
        pl.col(c) == "Y" for c in ("AESDTH", "AESLIFE", "AESHOSP", "AESDISAB", "AESCONG", "AESMIE")
    )
    assert ae.filter((pl.col("AESER") == "Y") != criteria).height == 0
    severity = pl.col("AETOXGR").replace_strict({"1": "MILD", "2": "MODERATE"}, default="SEVERE")
    assert ae.filter(pl.col("AESEV") != severity).height == 0
    fatal = ae.filter(pl.col("AETOXGR") == "5")
    assert (fatal["AEOUT"] == "FATAL").all() and (fatal["AESDTH"] == "Y").all()
    assert ae.filter((pl.col("AEOUT") == "FATAL") | (pl.col("AESDTH") == "Y")).height == fatal.height


def test_study_days_have_no_day_zero_and_match_dates(snap):
    starts = snap["DM"].select("USUBJID", pl.col("RFSTDTC").str.to_date().alias("START"))
    for name, dtc, dy in (
        ("LB", "LBDTC", "LBDY"),
        ("TR", "TRDTC", "TRDY"),
        ("EX", "EXSTDTC", "EXSTDY"),
        ("AE", "AESTDTC", "AESTDY"),
    ):
        frame = (
            snap[name]
            .join(starts, on="USUBJID")
            .with_columns((pl.col(dtc).str.to_date() - pl.col("START")).dt.total_days().alias("D"))
        )
        expected = pl.when(pl.col("D") >= 0).then(pl.col("D") + 1).otherwise(pl.col("D"))
        assert frame.filter(pl.col(dy) != expected).height == 0 and (frame[dy] != 0).all(), name


def test_nothing_after_death_or_cutoff_and_consent_first(snap):
    dm = snap["DM"]
    assert (dm["RFICDTC"] <= dm["RFSTDTC"]).all() and (dm["RFSTDTC"] <= dm["RFENDTC"]).all()
    deaths = dm.select("USUBJID", "DTHDTC")
    for name, dtc in (("EX", "EXSTDTC"), ("LB", "LBDTC"), ("TR", "TRDTC"), ("RS", "RSDTC"), ("AE", "AESTDTC")):
        frame = snap[name].join(deaths, on="USUBJID")
        assert frame.filter(pl.col(dtc) > pl.col("DTHDTC")).height == 0, name
        assert frame.filter(pl.col(dtc) > CUTOFF).height == 0, name


def test_every_date_is_full_iso_except_certain_partial_ae_ends(snap):
    for name, frame in snap.items():
        for column in (c for c in frame.columns if c.endswith("DTC")):
            values = frame[column].drop_nulls()
            full = values.str.contains(r"^\d{4}-\d{2}-\d{2}$")
            if column == "AEENDTC":
                partial = frame.filter(pl.col(column).str.len_chars() == 7)
                assert partial.height > 0
                assert (partial["AEENDTC"] > partial["AESTDTC"].str.slice(0, 7)).all()
                full = full | values.str.contains(r"^\d{4}-\d{2}$")
            assert full.all(), (name, column)
    assert date.fromisoformat(CUTOFF) == snap["ADSL"]["DCUTDT"][0]
