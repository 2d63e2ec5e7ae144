from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from audit.stats.precision import decimals_of, gap, grim_possible, matches, parse_range


@pytest.mark.parametrize(("text", "decimals"), [("40.8", 1), ("310", 0), ("40.80", 2), ("0.05", 2), ("-1.5", 1),
                                                ("75.5%", 1)])
def test_decimals_are_counted_from_the_printed_text(text, decimals):
    assert decimals_of(text) == decimals


@pytest.mark.parametrize("value", [40.75, 40.85, 40.8, 40.80000001])
def test_value_within_half_a_unit_matches_closed_at_both_edges(value):
    assert matches("40.8", value)


@pytest.mark.parametrize("value", [40.7499, 40.8501, float("nan"), float("inf")])
def test_value_beyond_half_a_unit_does_not_match(value):
    assert not matches("40.8", value)


def test_whole_numbers_match_half_a_day_either_side():
    assert matches("310", 309.5) and matches("310", 310.5) and not matches("310", 310.51)


printed_numbers = st.builds(lambda units, decimals: Decimal(units).scaleb(-decimals),
                            st.integers(-10**6, 10**6), st.integers(0, 4))


@given(printed_numbers)
def test_matching_is_symmetric_at_the_half_unit_edges(number):
    text = str(number)
    half = Decimal(1).scaleb(-decimals_of(text)) / 2
    assert matches(text, float(number - half)) and matches(text, float(number + half))


@given(printed_numbers)
def test_matching_stops_just_beyond_the_half_unit_edges(number):
    text = str(number)
    beyond = Decimal(1).scaleb(-decimals_of(text)) / 2 + Decimal(1).scaleb(-decimals_of(text) - 3)
    assert not matches(text, float(number - beyond)) and not matches(text, float(number + beyond))


@pytest.mark.parametrize("text", ["27.3-55.7", "27.3 to 55.7", "27.3–55.7", "(27.3-55.7)", "27.3%-55.7%",
                                  "27.3 — 55.7"])
def test_printed_ranges_split_into_their_two_numbers(text):
    assert parse_range(text) == ("27.3", "55.7")


def test_range_with_negative_limits_keeps_the_signs():
    assert parse_range("-1.2 to -0.5") == ("-1.2", "-0.5")


@pytest.mark.parametrize("text", ["27.3", "NR", "27.3-", "a-b"])
def test_text_that_is_not_a_range_is_refused(text):
    with pytest.raises(ValueError):
        parse_range(text)


def test_text_that_is_not_a_number_is_refused():
    with pytest.raises(ValueError):
        matches("NR", 1.0)


def test_grim_allows_exactly_50_one_decimal_percentages_for_49_subjects():
    possible = [grim_possible(f"{tenths / 10:.1f}", 49) for tenths in range(1001)]
    assert sum(possible) == 50


def test_grim_accepts_a_percentage_some_count_produces():
    assert grim_possible("40.8", 49)


def test_grim_rejects_a_percentage_no_count_produces():
    assert not grim_possible("40.9", 49)


def test_grim_decides_at_the_half_unit_edge_exactly():
    # 1/8 = 12.5 % exactly: "13" (half-up) and "12" (half-even) are both possible.
    assert grim_possible("13", 8) and grim_possible("12", 8) and not grim_possible("11", 8)


def test_gap_is_the_distance_to_the_printed_number():
    assert gap("40.8", 40.9) == pytest.approx(0.1) and gap("40.8", 40.7) == pytest.approx(0.1)
