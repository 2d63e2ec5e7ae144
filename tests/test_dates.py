"""ISO 8601 text becomes [earliest, latest] intervals (domain/dates.md)."""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from audit import dates


def parse(values: list[str | None]) -> pl.DataFrame:
    earliest, latest = dates.bounds(pl.col("x"))
    frame = pl.DataFrame({"x": values}, schema={"x": pl.String})
    return frame.select(
        "x",
        earliest.alias("lo"),
        latest.alias("hi"),
        dates.is_invalid(pl.col("x")).alias("invalid"),
        dates.uses_unknown_notation(pl.col("x")).fill_null(False).alias("unknown"),
    )


@pytest.mark.parametrize(
    ("text", "lo", "hi"),
    [
        ("2019-03-14", date(2019, 3, 14), date(2019, 3, 14)),
        ("2019-03-14T09:30", date(2019, 3, 14), date(2019, 3, 14)),
        ("2019-03-14T09:30:15.250+01:00", date(2019, 3, 14), date(2019, 3, 14)),
        ("2019-03", date(2019, 3, 1), date(2019, 3, 31)),
        ("2020-02", date(2020, 2, 1), date(2020, 2, 29)),
        ("2019", date(2019, 1, 1), date(2019, 12, 31)),
        ("2019-UN-UN", date(2019, 1, 1), date(2019, 12, 31)),
        ("2019-03-UNK", date(2019, 3, 1), date(2019, 3, 31)),
        (" 2019-03-14 ", date(2019, 3, 14), date(2019, 3, 14)),
    ],
)
def test_valid_text_gives_its_interval(text: str, lo: date, hi: date) -> None:
    row = parse([text]).row(0, named=True)
    assert (row["lo"], row["hi"], row["invalid"]) == (lo, hi, False)


@pytest.mark.parametrize("text", ["14/03/2019", "2019-02-30", "2019-13", "2019-03-14T25:00", "March 2019", "19-03-14"])
def test_invalid_text_gets_null_bounds_and_is_flagged(text: str) -> None:
    row = parse([text]).row(0, named=True)
    assert row["lo"] is None and row["hi"] is None and row["invalid"] is True


@pytest.mark.parametrize("text", [None, "", "   "])
def test_missing_text_is_neither_a_date_nor_invalid(text: str | None) -> None:
    row = parse([text]).row(0, named=True)
    assert row["lo"] is None and row["invalid"] is False


@pytest.mark.parametrize("text", ["2019-UN-UN", "2019-03-UN", "UNK", "2019-unk"])
def test_unknown_notation_is_recognised(text: str) -> None:
    assert parse([text]).item(0, "unknown") is True


def test_plain_partial_date_is_not_unknown_notation() -> None:
    assert parse(["2019-03"]).item(0, "unknown") is False


def test_with_date_bounds_adds_lo_and_hi_beside_the_text() -> None:
    frame = pl.LazyFrame({"AESTDTC": ["2019-03"]})
    out = dates.with_date_bounds(frame, ["AESTDTC"]).collect()
    assert out.columns == ["AESTDTC", "AESTDTC_LO", "AESTDTC_HI"]


full_dates = st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(max_size=25), min_size=1, max_size=20))
def test_arbitrary_text_never_raises_and_earliest_le_latest(values: list[str]) -> None:
    out = parse(values)
    both = out.filter(pl.col("lo").is_not_null() & pl.col("hi").is_not_null())
    assert (both["lo"] <= both["hi"]).all()
    assert out.filter(pl.col("lo").is_null() != pl.col("hi").is_null()).height == 0


@settings(max_examples=200, deadline=None)
@given(full_dates)
def test_a_full_date_is_a_single_day(day: date) -> None:
    row = parse([day.isoformat()]).row(0, named=True)
    assert row["lo"] == row["hi"] == day


@settings(max_examples=200, deadline=None)
@given(full_dates, st.sampled_from([4, 7]))
def test_partial_interval_contains_every_full_date_that_starts_with_it(day: date, width: int) -> None:
    partial = day.isoformat()[:width]
    row = parse([partial]).row(0, named=True)
    assert row["lo"] <= day <= row["hi"]
    assert row["lo"].isoformat().startswith(partial) and row["hi"].isoformat().startswith(partial)
    # the interval is tight: the days just outside no longer start with the text
    assert not (row["lo"] - timedelta(days=1)).isoformat().startswith(partial)
    assert not (row["hi"] + timedelta(days=1)).isoformat().startswith(partial)
