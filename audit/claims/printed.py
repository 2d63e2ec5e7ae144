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
    """A printed date and its precision ("day" or "month"), in the formats abstracts use."""
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
