"""Injected RECIST, CTCAE and published-figure defects."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import polars as pl

from audit.synth.defect_kinds import Damage, _d, _day, _start


def _with_bor(damage: Damage, bor: str) -> pl.Series:
    adrs = damage.datasets["ADRS"]
    return adrs.filter((pl.col("PARAMCD") == "BOR") & (pl.col("AVALC") == bor))["USUBJID"].implode()


def _rs(damage: Damage, usubjid: str, testcd: str, visitnum: float) -> dict:
    rs = damage.datasets["RS"]
    hit = (pl.col("USUBJID") == usubjid) & (pl.col("RSTESTCD") == testcd) & (pl.col("VISITNUM") == visitnum)
    return rs.filter(hit).row(0, named=True)


def _pd_visit(damage: Damage, usubjid: str) -> float | None:
    rs = damage.datasets["RS"].filter((pl.col("USUBJID") == usubjid) & (pl.col("RSTESTCD") == "OVRLRESP"))
    pd = rs.filter(pl.col("RSSTRESC") == "PD")
    return pd["VISITNUM"].min() if pd.height else None


def _sd_subject_with_pd(damage: Damage, min_visit: float, new: str = "N") -> tuple[str, float]:
    """An SD subject whose PD (without a new lesion when new = N) comes at visit >= min_visit."""
    rs = damage.datasets["RS"]
    candidates = rs.filter(
        pl.col("USUBJID").is_in(_with_bor(damage, "SD"))
        & (pl.col("RSTESTCD") == "NEWLIND")
        & (pl.col("RSSTRESC") == new)
        & ~pl.col("USUBJID").is_in(sorted(damage.used))
    )
    for usubjid in sorted(candidates["USUBJID"].unique()):
        visit = _pd_visit(damage, usubjid)
        if visit is not None and visit >= min_visit and _rs(damage, usubjid, "NEWLIND", visit)["RSSTRESC"] == new:
            return usubjid, visit
    raise LookupError("no SD subject fits")


def wrong_sumdiam(damage: Damage) -> None:
    usubjid, _ = _sd_subject_with_pd(damage, 3)
    row = damage.pick(
        "TR", (pl.col("USUBJID") == usubjid) & (pl.col("TRTESTCD") == "SUMDIAM") & (pl.col("VISITNUM") == 1)
    )
    value = row["TRSTRESN"] + 4
    damage.record(
        "wrong_sumdiam",
        "TR",
        usubjid,
        row["TRSEQ"],
        {"TRSTRESN": value, "TRSTRESC": str(int(value)), "TRORRES": str(int(value))},
        ["RECIST005"],
    )


def pd_without_nadir_rule(damage: Damage) -> None:
    usubjid, visit = _sd_subject_with_pd(damage, 3)
    row = _rs(damage, usubjid, "TRGRESP", visit - 1)
    damage.record(
        "pd_without_nadir_rule",
        "RS",
        usubjid,
        row["RSSEQ"],
        {"RSORRES": "PD", "RSSTRESC": "PD"},
        ["RECIST006", "RECIST008", "RECIST009"],
    )
    overall = _rs(damage, usubjid, "OVRLRESP", visit - 1)
    damage.set("RS", usubjid, overall["RSSEQ"], {"RSORRES": "PD", "RSSTRESC": "PD"})
    damage.manifest[-1]["also_records"] = [overall["RSSEQ"]]


def missed_pd(damage: Damage) -> None:
    usubjid, visit = _sd_subject_with_pd(damage, 2)
    row = _rs(damage, usubjid, "TRGRESP", visit)
    damage.record(
        "missed_pd",
        "RS",
        usubjid,
        row["RSSEQ"],
        {"RSORRES": "SD", "RSSTRESC": "SD"},
        ["RECIST006", "RECIST008", "RECIST010"],
    )
    overall = _rs(damage, usubjid, "OVRLRESP", visit)
    damage.set("RS", usubjid, overall["RSSEQ"], {"RSORRES": "SD", "RSSTRESC": "SD"})
    damage.manifest[-1]["also_records"] = [overall["RSSEQ"]]


def new_lesion_without_pd(damage: Damage) -> None:
    row = damage.pick(
        "RS",
        (pl.col("RSTESTCD") == "NEWLIND")
        & (pl.col("VISITNUM") == 2)
        & pl.col("USUBJID").is_in(_with_bor(damage, "PR")),
    )
    damage.record(
        "new_lesion_without_pd", "RS", row["USUBJID"], row["RSSEQ"], {"RSORRES": "Y", "RSSTRESC": "Y"}, ["RECIST012"]
    )


def unconfirmed_pr_as_bor(damage: Damage) -> None:
    row = damage.pick("RS", (pl.col("RSTESTCD") == "BESTRSP") & pl.col("USUBJID").is_in(_with_bor(damage, "SD")))
    first = _rs(damage, row["USUBJID"], "OVRLRESP", 1)
    damage.record(
        "unconfirmed_pr_as_bor",
        "RS",
        row["USUBJID"],
        first["RSSEQ"],
        {"RSORRES": "PR", "RSSTRESC": "PR"},
        ["RECIST008", "RECIST014"],
    )
    damage.set("RS", row["USUBJID"], row["RSSEQ"], {"RSORRES": "PR", "RSSTRESC": "PR"})
    damage.manifest[-1]["also_records"] = [row["RSSEQ"]]


def baseline_scan_too_early(damage: Damage) -> None:
    row = damage.pick("TR", (pl.col("VISITNUM") == 0) & (pl.col("TRTESTCD") == "SUMDIAM"))
    usubjid, start = row["USUBJID"], _start(damage, row["USUBJID"])
    when = (_d(start) - timedelta(days=40)).isoformat()
    damage.record(
        "baseline_scan_too_early",
        "TR",
        usubjid,
        row["TRSEQ"],
        {"TRDTC": when, "TRDY": _day(when, start)},
        ["RECIST004", "DATE011", "DATE007"],
    )
    others = damage.datasets["TR"].filter((pl.col("USUBJID") == usubjid) & (pl.col("VISITNUM") == 0))
    for seq in others["TRSEQ"].to_list():
        damage.set("TR", usubjid, seq, {"TRDTC": when, "TRDY": _day(when, start)})
    for seq in damage.datasets["TU"].filter((pl.col("USUBJID") == usubjid) & (pl.col("VISITNUM") == 0))["TUSEQ"]:
        damage.set("TU", usubjid, seq, {"TUDTC": when})
    damage.manifest[-1]["also_records"] = [s for s in others["TRSEQ"].to_list() if s != row["TRSEQ"]]


def too_many_in_one_organ(damage: Damage) -> None:
    """Three targets in the liver: T01 and T02 relabelled beside a liver T03."""
    tu = damage.datasets["TU"]
    liver_t03 = tu.filter((pl.col("TULNKID") == "T03") & (pl.col("TULOC") == "LIVER"))["USUBJID"].implode()
    pd = _with_bor(damage, "PD")
    row = damage.pick(
        "TU",
        (pl.col("TULNKID") == "T02")
        & (pl.col("TULOC") == "LUNG")
        & pl.col("USUBJID").is_in(liver_t03)
        & pl.col("USUBJID").is_in(pd),
    )
    damage.record("three_targets_in_one_organ", "TU", row["USUBJID"], row["TUSEQ"], {"TULOC": "LIVER"}, ["RECIST002"])
    t01 = tu.filter((pl.col("USUBJID") == row["USUBJID"]) & (pl.col("TULNKID") == "T01")).row(0, named=True)
    damage.set("TU", row["USUBJID"], t01["TUSEQ"], {"TULOC": "LIVER"})
    damage.manifest[-1]["also_records"] = [t01["TUSEQ"]]


def leukopenia_grade_above_labs(damage: Damage) -> None:
    ae = damage.pick("AE", (pl.col("AEDECOD") == "White blood cell decreased") & (pl.col("AETOXGR") == "3"))
    lb = damage.pick(
        "LB", (pl.col("USUBJID") == ae["USUBJID"]) & (pl.col("LBTESTCD") == "WBC") & (pl.col("LBDTC") == ae["AESTDTC"])
    )
    damage.record(
        "leukopenia_grade_above_labs",
        "LB",
        ae["USUBJID"],
        lb["LBSEQ"],
        {"LBSTRESN": 3.2, "LBSTRESC": "3.2", "LBORRES": "3.2"},
        ["CTCAE010"],
    )


def grade4_lab_without_ae(damage: Damage) -> None:
    with_plat_ae = damage.datasets["AE"].filter(pl.col("AEDECOD") == "Platelet count decreased")["USUBJID"].implode()
    lb = damage.pick(
        "LB", (pl.col("LBTESTCD") == "PLAT") & (pl.col("LBDY") > 1) & ~pl.col("USUBJID").is_in(with_plat_ae)
    )
    damage.record(
        "grade4_lab_without_ae",
        "LB",
        lb["USUBJID"],
        lb["LBSEQ"],
        {"LBSTRESN": 15.0, "LBSTRESC": "15.0", "LBORRES": "15.0"},
        ["CTCAE011"],
    )


def grade5_not_fatal(damage: Damage) -> None:
    ae = damage.pick("AE", pl.col("AETOXGR") == "5")
    damage.record("grade5_not_fatal", "AE", ae["USUBJID"], ae["AESEQ"], {"AEOUT": "RECOVERED/RESOLVED"}, ["CTCAE003"])


def febrile_neutropenia_grade2(damage: Damage) -> None:
    ae = damage.pick("AE", pl.col("AEDECOD") == "Febrile neutropenia")
    damage.record(
        "febrile_neutropenia_grade2",
        "AE",
        ae["USUBJID"],
        ae["AESEQ"],
        {"AETOXGR": "2", "AESEV": "MODERATE"},
        ["CTCAE002"],
    )


def serious_without_criterion(damage: Damage) -> None:
    ae = damage.pick("AE", (pl.col("AESER") == "N") & (pl.col("AEDECOD") == "Anorexia"))
    damage.record("serious_without_criterion", "AE", ae["USUBJID"], ae["AESEQ"], {"AESER": "Y"}, ["CTCAE007"])


def severity_disagrees_with_grade(damage: Damage) -> None:
    ae = damage.pick("AE", (pl.col("AETOXGR") == "3") & (pl.col("AEDECOD") == "Anemia"))
    damage.record("severity_disagrees_with_grade", "AE", ae["USUBJID"], ae["AESEQ"], {"AESEV": "MILD"}, ["CTCAE009"])


def responder_downgraded(damage: Damage) -> None:
    """A confirmed PR reported as SD in RS and ADRS: ORR drops from 20 to 19 of 49."""
    row = damage.pick("RS", (pl.col("RSTESTCD") == "BESTRSP") & pl.col("USUBJID").is_in(_with_bor(damage, "PR")))
    damage.record(
        "responder_downgraded",
        "RS",
        row["USUBJID"],
        row["RSSEQ"],
        {"RSORRES": "SD", "RSSTRESC": "SD"},
        ["RECIST014"],
        ["orr"],
    )
    adrs = damage.datasets["ADRS"]
    hit = (pl.col("USUBJID") == row["USUBJID"]) & (pl.col("PARAMCD") == "BOR")
    damage.datasets["ADRS"] = adrs.with_columns(
        pl.when(hit).then(pl.lit("SD")).otherwise("AVALC").alias("AVALC"),
        pl.when(hit).then(pl.lit(3.0)).otherwise("AVAL").alias("AVAL"),
    )
    damage.manifest[-1]["also_changed"] = {"ADRS": {"PARAMCD": "BOR", "AVALC": ["PR", "SD"], "AVAL": [2.0, 3.0]}}


_EXTRA_TARGET_ORGANS = ("ADRENAL GLAND", "KIDNEY", "SPLEEN")
_EXTRA_TARGET_MM = 15.0


def _appended(frame: pl.DataFrame, rows: pl.DataFrame, seq: str) -> pl.DataFrame:
    return pl.concat([frame, rows.select(frame.columns).cast(frame.schema)]).sort("USUBJID", seq)


def six_target_lesions(damage: Damage) -> None:
    """Three more baseline targets (15 mm, stable, in organs the subject has no target in) for an SD subject
    with three: six targets, more than RECIST 1.1 allows. The reported sums include them, as an investigator
    who chose six would write them, so only the lesion count is wrong."""
    tu = damage.datasets["TU"]
    three = tu.filter(pl.col("TUSTRESC") == "TARGET").group_by("USUBJID").len().filter(pl.col("len") == 3)
    baseline_sum = damage.pick("TR", (pl.col("TRTESTCD") == "SUMDIAM") & (pl.col("VISITNUM") == 0)
                               & pl.col("USUBJID").is_in(three["USUBJID"].implode())
                               & pl.col("USUBJID").is_in(_with_bor(damage, "SD")))
    usubjid, extra = baseline_sum["USUBJID"], len(_EXTRA_TARGET_ORGANS) * _EXTRA_TARGET_MM
    damage.record("six_target_lesions", "TR", usubjid, baseline_sum["TRSEQ"],
                  {"TRSTRESN": baseline_sum["TRSTRESN"] + extra,
                   "TRSTRESC": f"{baseline_sum['TRSTRESN'] + extra:g}",
                   "TRORRES": f"{baseline_sum['TRSTRESN'] + extra:g}"}, ["RECIST001"])
    template = tu.filter((pl.col("USUBJID") == usubjid) & (pl.col("TUSTRESC") == "TARGET")).head(1)
    first_tuseq = tu.filter(pl.col("USUBJID") == usubjid)["TUSEQ"].max() + 1
    ids = [f"T{4 + i:02d}" for i in range(len(_EXTRA_TARGET_ORGANS))]
    new_tu = pl.concat([template.with_columns(pl.lit(first_tuseq + i).alias("TUSEQ"), pl.lit(ids[i]).alias("TULNKID"),
                                              pl.lit(organ).alias("TULOC"))
                        for i, organ in enumerate(_EXTRA_TARGET_ORGANS)])
    damage.datasets["TU"] = _appended(tu, new_tu, "TUSEQ")
    supp = damage.datasets["SUPPTU"]
    supp_template = supp.filter(pl.col("USUBJID") == usubjid).head(1)
    new_supp = pl.concat([supp_template.with_columns(pl.lit(str(first_tuseq + i)).alias("IDVARVAL"),
                                                     pl.lit("Y").alias("QVAL")) for i in range(len(ids))])
    damage.datasets["SUPPTU"] = pl.concat([supp, new_supp]).sort("USUBJID", maintain_order=True)
    _add_target_measurements(damage, usubjid, ids, extra)


def _add_target_measurements(damage: Damage, usubjid: str, ids: list[str], extra: float) -> None:
    """A stable measurement of each added lesion at every visit, and every later reported sum raised to match."""
    tr = damage.datasets["TR"]
    subject = pl.col("USUBJID") == usubjid
    measured = tr.filter(subject & (pl.col("TRTESTCD") == "LDIAM")).unique("VISITNUM", keep="first").sort("VISITNUM")
    first_trseq = tr.filter(subject)["TRSEQ"].max() + 1
    size = f"{_EXTRA_TARGET_MM:g}"
    rows = pl.concat([measured.with_columns(pl.lit(lesion).alias("TRLNKID"), pl.lit(_EXTRA_TARGET_MM).alias("TRSTRESN"),
                                            pl.lit(size).alias("TRSTRESC"), pl.lit(size).alias("TRORRES"))
                      for lesion in ids])
    rows = rows.with_columns((pl.int_range(pl.len()) + first_trseq).alias("TRSEQ"))
    later_sums = subject & (pl.col("TRTESTCD") == "SUMDIAM") & (pl.col("VISITNUM") > 0)
    raised = pl.col("TRSTRESN") + extra
    tr = tr.with_columns(
        pl.when(later_sums).then(raised).otherwise(pl.col("TRSTRESN")).alias("TRSTRESN"),
        pl.when(later_sums).then(raised.cast(pl.String).str.replace(r"\.0$", "")).otherwise(pl.col("TRSTRESC"))
        .alias("TRSTRESC"),
        pl.when(later_sums).then(raised.cast(pl.String).str.replace(r"\.0$", "")).otherwise(pl.col("TRORRES"))
        .alias("TRORRES"),
    )
    damage.datasets["TR"] = _appended(tr, rows, "TRSEQ")


CLINICAL_KINDS: list[Callable[[Damage], None]] = [
    wrong_sumdiam,
    pd_without_nadir_rule,
    missed_pd,
    new_lesion_without_pd,
    unconfirmed_pr_as_bor,
    baseline_scan_too_early,
    too_many_in_one_organ,
    leukopenia_grade_above_labs,
    grade4_lab_without_ae,
    grade5_not_fatal,
    febrile_neutropenia_grade2,
    serious_without_criterion,
    severity_disagrees_with_grade,
    responder_downgraded,
    six_target_lesions,
]
