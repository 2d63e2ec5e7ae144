"""The 49-subject reference snapshot reproduces every published figure under the paper's likely methods.

Each figure is recomputed here with small independent code (scipy for the
binomial intervals, a plain Kaplan-Meier), never with the project's own
statistics, and compared at the precision the paper prints.
"""

from __future__ import annotations

from datetime import date
from fractions import Fraction

import numpy as np
import polars as pl
import pytest
from scipy.stats import binomtest

from audit.synth import generate_escc

Z = 1.959964
MONTH = 30.4375
RELATED = ["POSSIBLY RELATED", "PROBABLY RELATED", "RELATED"]


@pytest.fixture(scope="module")
def snapshot() -> dict[str, pl.DataFrame]:
    return generate_escc()


def printed(value: float, decimals: int = 1) -> str:
    """Round half up at the printed precision (exact, through Fraction of the float's decimal text)."""
    scaled = Fraction(repr(float(value))) * 10**decimals
    return f"{(scaled + Fraction(1, 2)).__floor__() / 10**decimals:.{decimals}f}"


def kaplan_meier(time: np.ndarray, event: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Distinct event times, S after each, and Greenwood sums."""
    times = np.unique(time[event == 1])
    at_risk = np.array([(time >= t).sum() for t in times])
    deaths = np.array([((time == t) & (event == 1)).sum() for t in times])
    survival = np.cumprod(1 - deaths / at_risk)
    with np.errstate(divide="ignore"):
        greenwood = np.cumsum(deaths / (at_risk * (at_risk - deaths)))
    return times, survival, greenwood


def km_median(times: np.ndarray, survival: np.ndarray, midpoint: bool = False) -> float:
    index = int(np.argmax(survival <= 0.5))
    if midpoint and abs(survival[index] - 0.5) < 1.5e-8:
        return (times[index] + times[index + 1]) / 2
    return float(times[index])


def spss_interval(times, survival, greenwood) -> tuple[float, float, float]:
    """Median -/+ z SE, SE = SE(S at median) / f, f = (S(u) - S(l)) / (l - u) with eps = 0.05."""
    index = int(np.argmax(survival <= 0.5))
    median = times[index]
    se_s = survival[index] * np.sqrt(greenwood[index])
    u = times[survival >= 0.55].max()
    lower_index = int(np.argmax(survival <= 0.45))
    l_time = times[lower_index]
    f = (survival[times == u][0] - survival[lower_index]) / (l_time - u)
    se = se_s / f
    return median, median - Z * se, median + Z * se


def endpoint(snapshot, paramcd: str) -> tuple[np.ndarray, np.ndarray]:
    frame = snapshot["ADTTE"].filter(pl.col("PARAMCD") == paramcd)
    return frame["AVAL"].to_numpy() / MONTH, 1 - frame["CNSR"].to_numpy()


def test_forty_nine_subjects_are_enrolled(snapshot):
    assert snapshot["DM"].height == 49
    assert snapshot["ADSL"].filter(pl.col("ITTFL") == "Y").height == 49


def test_enrolment_spans_the_published_window(snapshot):
    enrolled = snapshot["DS"].filter(pl.col("DSDECOD") == "ENROLLED")["DSSTDTC"].str.to_date()
    assert (enrolled.min(), enrolled.max()) == (date(2018, 11, 19), date(2021, 3, 17))
    adsl = snapshot["ADSL"]["ENRLDT"]
    assert (adsl.min(), adsl.max()) == (date(2018, 11, 19), date(2021, 3, 17))


@pytest.mark.parametrize(
    ("parameter", "values", "count", "rate", "interval"),
    [
        ("BOR", ["CR", "PR"], 20, "40.8", ("27.3", "55.7")),
        ("BOR", ["CR", "PR", "SD"], 37, "75.5", ("60.8", "86.2")),
        ("ABSBOR", ["CR", "PR"], 17, "34.7", ("22.1", "49.7")),
        ("ABSBOR", ["CR", "PR", "SD"], 34, "69.4", ("54.4", "81.3")),
    ],
    ids=["orr", "dcr", "arr", "acr"],
)
def test_rates_match_wilson_with_continuity_correction(snapshot, parameter, values, count, rate, interval):
    rows = snapshot["ADRS"].filter(pl.col("PARAMCD") == parameter)
    k = rows.filter(pl.col("AVALC").is_in(values)).height
    ci = binomtest(k, 49).proportion_ci(method="wilsoncc")
    assert (k, printed(100 * k / 49)) == (count, rate)
    assert (printed(100 * ci.low), printed(100 * ci.high)) == interval


def test_orr_interval_is_not_clopper_pearson(snapshot):
    ci = binomtest(20, 49).proportion_ci(method="exact")
    assert (printed(100 * ci.low), printed(100 * ci.high)) != ("27.3", "55.7")


def test_sdtm_best_response_agrees_with_adrs(snapshot):
    rs = snapshot["RS"].filter(pl.col("RSTESTCD") == "BESTRSP").select("USUBJID", pl.col("RSSTRESC").alias("RS"))
    adrs = snapshot["ADRS"].filter(pl.col("PARAMCD") == "BOR").select("USUBJID", pl.col("AVALC").alias("AD"))
    joined = rs.join(adrs, on="USUBJID")
    assert joined.height == 49 and (joined["RS"] == joined["AD"]).all()


@pytest.mark.parametrize(
    ("paramcd", "median", "interval"), [("PFS", "6.9", ("4.6", "9.3")), ("OS", "12.8", ("10.1", "15.5"))]
)
def test_medians_and_spss_intervals_match(snapshot, paramcd, median, interval):
    km = kaplan_meier(*endpoint(snapshot, paramcd))
    centre, low, high = spss_interval(*km)
    assert printed(centre) == median
    assert printed(km_median(km[0], km[1], midpoint=True)) == median
    assert (printed(low), printed(high)) == interval


def test_median_follow_up_is_median_observation_time(snapshot):
    time, _ = endpoint(snapshot, "OS")
    assert printed(float(np.median(time))) == "12.8"


def test_reverse_kaplan_meier_follow_up_differs(snapshot):
    time, event = endpoint(snapshot, "OS")
    times, survival, _ = kaplan_meier(time, 1 - event)
    reverse = km_median(times, survival) if (survival <= 0.5).any() else float("inf")
    assert printed(reverse) != "12.8" if np.isfinite(reverse) else True


def _subjects_with(snapshot, condition: pl.Expr) -> int:
    return snapshot["AE"].filter(condition)["USUBJID"].n_unique()


def test_grade_3_4_treatment_related_in_31_subjects(snapshot):
    grade = pl.col("AETOXGR").cast(pl.Int64)
    count = _subjects_with(snapshot, grade.is_between(3, 4) & pl.col("AEREL").is_in(RELATED))
    assert (count, printed(100 * count / 49)) == (31, "63.3")


def test_grade_3_4_leukopenia_in_15_subjects(snapshot):
    grade = pl.col("AETOXGR").cast(pl.Int64)
    count = _subjects_with(snapshot, grade.is_between(3, 4) & (pl.col("AEDECOD") == "White blood cell decreased"))
    assert (count, printed(100 * count / 49)) == (15, "30.6")


def test_most_common_events_are_myelosuppression_weight_loss_fatigue(snapshot):
    myelo = ["White blood cell decreased", "Neutrophil count decreased", "Platelet count decreased", "Anemia"]
    ae = snapshot["AE"].with_columns(
        pl.when(pl.col("AEDECOD").is_in(myelo)).then(pl.lit("myelosuppression")).otherwise("AEDECOD").alias("GROUP")
    )
    ranking = ae.group_by("GROUP").agg(pl.col("USUBJID").n_unique().alias("N")).sort("N", "GROUP", descending=True)
    assert ranking["GROUP"].head(3).to_list() == ["myelosuppression", "Weight loss", "Fatigue"]
    assert ranking["N"][2] > ranking["N"][3]


def test_no_treatment_related_death(snapshot):
    fatal = snapshot["AE"].filter(pl.col("AETOXGR") == "5")
    assert fatal.filter(pl.col("AEREL").is_in(RELATED)).height == 0
