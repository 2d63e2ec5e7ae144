"""Read numbers and dates out of figures as printed, keeping numbers as text."""

from __future__ import annotations

import re
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

NUMBER = r"\d+(?:[.·]\d+)?"
_NUMBER_RE = re.compile(NUMBER)
_RANGE_RE = re.compile(rf"({NUMBER})\s*%?\s*(?:-|–|—|to|,)\s*({NUMBER})")

MONTHS = {
    m: i + 1 for i, m in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
    )
}
_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
DATE_PATTERNS = (
    r"\d{4}-\d{2}-\d{2}",
    rf"{_MONTH}\s+\d{{1,2}},?\s+\d{{4}}",
    rf"\d{{1,2}}\s+{_MONTH},?\s+\d{{4}}",
    r"\d{1,2}/\d{1,2}/\d{4}",
    rf"{_MONTH}\s+\d{{4}}",
    r"\d{4}-\d{2}",
)
DATE = "(?:" + "|".join(DATE_PATTERNS) + ")"


def number_text(text: str) -> str | None:
    """The first number in a printed figure, as text: "6.9 months" -> "6.9"."""
    found = _NUMBER_RE.search(text)
    return found.group(0).replace("·", ".") if found else None


def range_texts(text: str) -> tuple[str, str] | None:
    """The two bounds of a printed interval: "27.3-55.7" -> ("27.3", "55.7")."""
    found = _RANGE_RE.search(text)
    if not found:
        return None
    return found.group(1).replace("·", "."), found.group(2).replace("·", ".")


def at_precision(value: float | None, printed: str) -> str:
    """A recomputed value shown with the printed number's decimals (half-up, for display)."""
    if value is None:
        return "NA"
    decimals = len(printed.split(".")[1]) if "." in printed else 0
    quantum = Decimal(1).scaleb(-decimals)
    return str(Decimal(repr(float(value))).quantize(quantum, rounding=ROUND_HALF_UP))


def parse_date(text: str) -> tuple[date, str] | None:
    """A printed date and its precision ("day" or "month"); None when it is no date or not a real one."""
    try:
        return _parse_date(text)
    except ValueError:  # "2019-02-30", month 13, year 0: printed, but no calendar date
        return None


def _parse_date(text: str) -> tuple[date, str] | None:
    text = text.strip().rstrip(".")
    iso = re.fullmatch(r"(\d{4})-(\d{2})(?:-(\d{2}))?", text)
    if iso:
        day = iso.group(3)
        return date(int(iso.group(1)), int(iso.group(2)), int(day or 1)), "day" if day else "month"
    slash = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", text)
    if slash:  # day/month/year, the order used outside the US
        return date(int(slash.group(3)), int(slash.group(2)), int(slash.group(1))), "day"
    words = re.findall(r"[A-Za-z]+|\d+", text)
    month = next((MONTHS[w[:3].lower()] for w in words if w[:3].lower() in MONTHS), None)
    numbers = [int(w) for w in words if w.isdigit()]
    year = next((n for n in numbers if n > 31), None)
    if month is None or year is None:
        return None
    day = next((n for n in numbers if n <= 31), None)
    return date(year, month, day or 1), "day" if day else "month"


def split_date_range(text: str) -> tuple[str, str] | None:
    """The two dates of a printed window: "2018-11-19 to 2021-03-17"."""
    found = re.findall(DATE, text, flags=re.IGNORECASE)
    return (found[0], found[1]) if len(found) >= 2 else None


# A median or CI limit a paper prints as not reached / not estimable: R survival leaves it NA.
NOT_REACHED = "NR"
_NOT_REACHED = r"(?:NR|NE|NA|not\s{1,3}reached|not\s{1,3}estimable|not\s{1,3}evaluable)"
_SIGNED = r"[-−]?\d{1,9}(?:[.·]\d{1,9})?"
_VALUE = rf"(?:{_SIGNED}|\b{_NOT_REACHED}\b)"
_VALUE_RE = re.compile(_VALUE, re.IGNORECASE)
_BOUNDS_RE = re.compile(rf"({_VALUE})\s{{0,3}}%?\s{{0,3}}(?:-|–|—|to|,)\s{{0,3}}({_VALUE})", re.IGNORECASE)
_P_RE = re.compile(r"([<>≤≥]|<=|>=)?\s{0,3}(\d?\.\d+|\d(?:\.\d+)?(?:e-\d{1,3})?)", re.IGNORECASE)


def _value_text(found: str) -> str:
    """A matched value as compared: NR for every not-reached spelling, numbers with a plain minus."""
    if re.fullmatch(_NOT_REACHED, found, flags=re.IGNORECASE):
        return NOT_REACHED
    return found.replace("·", ".").replace("−", "-")


def printed_value(text: str) -> str | None:
    """The first value of a printed figure, signed, or NR: "-5.2 points" -> "-5.2", "not reached" -> "NR"."""
    found = _VALUE_RE.search(text)
    return _value_text(found.group(0)) if found else None


def printed_bounds(text: str) -> tuple[str, str] | None:
    """The two limits of a printed interval, each a signed number or NR: "20.5-NR" -> ("20.5", "NR")."""
    found = _BOUNDS_RE.search(text)
    return (_value_text(found.group(1)), _value_text(found.group(2))) if found else None


def printed_p(text: str) -> str | None:
    """A printed p-value with its relation, if any: "p < 0.001" -> "<0.001", "P = 0.0010" -> "0.0010"."""
    found = _P_RE.search(text.replace(",", "."))
    if not found:
        return None
    relation = {"≤": "<=", "≥": ">="}.get(found.group(1) or "", found.group(1) or "")
    return relation + found.group(2)
