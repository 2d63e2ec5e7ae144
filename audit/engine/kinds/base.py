"""What a check kind receives (a Target) and returns (Violations), and the parameters every kind shares.

A kind is a small pure function: given the rule's parameters and one target
frame (already filtered and joined by the engine), it returns lazy frames of
offending rows and the variables a finding shows. It never collects, counts,
caps or prints: the engine does.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date

import polars as pl
from pydantic import BaseModel, ConfigDict, Field

from audit.dates import hi_name, lo_name
from audit.derive.registry import NotApplicable

ROW = "ROW"  # 1-based row number in the dataset file: the record key when there is no --SEQ


class Strict(BaseModel):
    """Rule-file models reject unknown keys so typos are reported, not ignored."""

    model_config = ConfigDict(extra="forbid")


class JoinSpec(Strict):
    """Bring columns of another dataset onto the target's rows, by subject (or other keys)."""

    dataset: str = Field(description="Dataset (or derived:NAME) to join.")
    columns: list[str] = Field(min_length=1, description="Columns to bring; date bounds come along.")
    on: list[str] = Field(default_factory=lambda: ["USUBJID"], description="Join keys.")
    where: str | None = Field(None, description="Polars SQL filter on the joined dataset first.")
    prefix: str | None = Field(None, description="Prefix of joined columns; default '<DATASET>_'.")
    aggregate: str = Field(
        "one",
        pattern="^(one|earliest|latest)$",
        description="'one': one-to-one join; 'earliest'/'latest': keep the subject's earliest/latest record by "
        "the first column's date.",
    )

    def prefixed(self, column: str) -> str:
        return f"{self.prefix if self.prefix is not None else self.dataset.split('.')[-1].upper() + '_'}{column}"


class CheckBase(Strict):
    """Parameters every kind accepts; the engine applies them before the kind runs."""

    where: str | None = Field(None, description="Polars SQL filter: only these rows are checked.")
    requires: str | None = Field(
        None, description="Polars SQL: the rule applies only where some checked row satisfies it (the reported "
        "values it compares exist); otherwise it is not applicable, with this condition as the reason."
    )
    join: list[JoinSpec] = Field(default_factory=list, description="Datasets joined onto each row first.")
    by_dataset: dict[str, dict] = Field(
        default_factory=dict, description="Per-dataset overrides of these parameters (keyed by dataset name)."
    )


@dataclass(frozen=True)
class Target:
    """One dataset (or derived frame) of a rule, ready to check."""

    dataset: str
    frame: pl.LazyFrame
    schema: Mapping[str, pl.DataType]
    own_date_columns: tuple[str, ...]  # ISO 8601 text columns of the dataset itself, not joined ones
    anchors: Mapping[str, date | None] = field(default_factory=dict)  # cutoff, today, enrolment_first, ...
    resolve: Callable[[str], pl.LazyFrame] | None = None  # other datasets, for cross-dataset kinds

    def require(self, *columns: str) -> None:
        """Raise NotApplicable naming the columns this target lacks."""
        absent = [c for c in columns if c not in self.schema]
        if absent:
            raise NotApplicable(f"{self.dataset} has no variable {', '.join(absent)}")

    def date_bounds(self, column: str) -> tuple[pl.Expr, pl.Expr]:
        """Earliest and latest date a column can mean: its _LO/_HI bounds, or itself when it is a date."""
        if lo_name(column) in self.schema and hi_name(column) in self.schema:
            return pl.col(lo_name(column)), pl.col(hi_name(column))
        self.require(column)
        dtype = self.schema[column]
        if dtype == pl.Date:
            return pl.col(column), pl.col(column)
        if dtype == pl.Datetime:
            return pl.col(column).dt.date(), pl.col(column).dt.date()
        raise NotApplicable(f"{self.dataset}.{column} is not a date variable")


@dataclass(frozen=True)
class Violations:
    """Offending rows of one check, the variables each finding shows, and how to word it."""

    rows: pl.LazyFrame
    variables: tuple[str, ...]
    message: str  # a template: {VAR} is replaced by the record's value
    severity: str | None = None  # None: the rule's severity
    # The check means something only where some target row satisfies this (a reported value to compare):
    # the engine reports the rule not applicable with `requires_reason` otherwise, never "passed".
    requires: pl.Expr | None = None
    requires_reason: str = ""
