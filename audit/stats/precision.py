"""Printed numbers: how many decimals they carry and which recomputed values they stand for.

A printed "40.8" stands for every value in the closed interval [40.75, 40.85]
(papers round half-up or half-even, so both edges count). Edges are decided
with exact decimal fractions, never with float round().
"""

from __future__ import annotations

import math
import re
from decimal import Decimal, InvalidOperation
from fractions import Fraction

_NUMBER = r"[-+]?\d+(?:\.\d+)?"
_RANGE = re.compile(rf"^\s*[(\[]?\s*({_NUMBER})\s*%?\s*(?:-|–|—|to)\s*({_NUMBER})\s*%?\s*[)\]]?\s*$", re.IGNORECASE)


def _clean(text: str) -> str:
    """Printed number without spaces, a trailing % or a typographic minus sign."""
    return text.strip().removesuffix("%").strip().replace("−", "-")


def printed_decimal(text: str) -> Decimal:
    """The printed number as an exact Decimal; ValueError when the text is not a plain number."""
    cleaned = _clean(text)
    if not re.fullmatch(_NUMBER, cleaned):
        raise ValueError(f"not a printed number: {text!r}")
    try:
        return Decimal(cleaned)
    except InvalidOperation as error:  # pragma: no cover - the pattern above admits only valid numbers
        raise ValueError(f"not a printed number: {text!r}") from error


def decimals_of(text: str) -> int:
    """Number of decimals a printed number shows ("40.8" -> 1, "310" -> 0)."""
    exponent = printed_decimal(text).as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def half_unit(text: str) -> Fraction:
    """Half of the last printed digit's unit: 0.05 for "40.8", 0.5 for "310"."""
    return Fraction(1, 2 * 10 ** decimals_of(text))


def _exact(value: float) -> Fraction | None:
    """The decimal a float was meant to be (its shortest repr, so 40.85 is 40.85); None if not finite."""
    return Fraction(repr(float(value))) if math.isfinite(value) else None


def matches(printed: str, value: float) -> bool:
    """Does value round to the printed number: |value - printed| <= half a unit of its last digit."""
    exact = _exact(value)
    if exact is None:
        return False
    return abs(exact - Fraction(printed_decimal(printed))) <= half_unit(printed)


def gap(printed: str, value: float) -> float:
    """Distance between a recomputed value and the printed number (0 when equal)."""
    exact = _exact(value)
    return math.inf if exact is None else float(abs(exact - Fraction(printed_decimal(printed))))


def parse_range(text: str) -> tuple[str, str]:
    """Split a printed interval "27.3-55.7", "27.3 to 55.7" or "27.3–55.7" into its two number texts."""
    found = _RANGE.match(text.replace("−", "-"))
    if not found:
        raise ValueError(f"not a printed range: {text!r}")
    return found.group(1), found.group(2)


def grim_possible(percent_text: str, n: int) -> bool:
    """GRIM test: is there an integer k in 0..n with 100 k / n within half a unit of the printed percentage."""
    if n < 1:
        raise ValueError(f"GRIM needs n >= 1, got {n}")
    centre, half = Fraction(printed_decimal(percent_text)), half_unit(percent_text)
    lowest = max(0, math.ceil((centre - half) * n / 100))
    highest = min(n, math.floor((centre + half) * n / 100))
    return lowest <= highest
