"""Day-to-month conversion: the month length is one more unstated method choice in a paper."""

from __future__ import annotations

MONTH_LENGTHS = {"30.4375": 30.4375, "30.44": 30.44, "30.4167": 30.4167, "30": 30.0}
MONTH_LABELS = {
    "30.4375": "365.25 / 12 = 30.4375 days per month",
    "30.44": "30.44 days per month (rounded 365.25 / 12)",
    "30.4167": "365 / 12 = 30.4167 days per month",
    "30": "30 days per month",
}


def days_to_months(days: float | None, month: str = "30.4375") -> float | None:
    """Days expressed in months of the named length; None passes through (a median not reached)."""
    if month not in MONTH_LENGTHS:
        raise ValueError(f"unknown month length {month!r} (known: {', '.join(MONTH_LENGTHS)})")
    return None if days is None else days / MONTH_LENGTHS[month]
