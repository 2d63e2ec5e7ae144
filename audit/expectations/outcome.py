"""The result of one expectation on one snapshot, the same whichever engine ran it."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

PASSED, FAILED, NOT_APPLICABLE, ERROR = "passed", "failed", "not applicable", "execution error"
ROW = "ROW"  # 1-based row number in the dataset file, pins records without a --SEQ


@dataclass(frozen=True)
class ExpectationOutcome:
    """What one expectation found: status, GX-comparable counts and the unexpected records."""

    rule_id: str
    suite: str
    suite_path: Path
    dataset: str
    type: str
    severity: str
    columns: tuple[str, ...]
    status: str
    element_count: int | None = None
    unexpected_count: int | None = None
    observed_value: Any = None
    message: str = ""
    title: str = ""
    # ROW, the record key columns and the checked columns of unexpected rows (capped).
    unexpected: pl.DataFrame = field(default_factory=pl.DataFrame)
    # Distinct-value expectations: each value outside the set and how many records hold it.
    unexpected_values: tuple[tuple[Any, int], ...] = ()

    @property
    def success(self) -> bool | None:
        """GX's success flag; None when the expectation did not run."""
        if self.status in (NOT_APPLICABLE, ERROR):
            return None
        return self.status == PASSED
