"""exists_in: each row's key values occur in another dataset (e.g. every AE subject is in DM)."""

from __future__ import annotations

from typing import Literal

import polars as pl
from pydantic import Field

from audit.derive.registry import NotApplicable
from audit.engine.kinds import register
from audit.engine.kinds.base import CheckBase, Target, Violations
from audit.engine.kinds.row_expression import parse_sql


class ExistsIn(CheckBase):
    kind: Literal["exists_in"]
    dataset: str = Field(description="The dataset (or derived:NAME) that must hold the key values.")
    on: list[str] = Field(default_factory=lambda: ["USUBJID"], description="Key variables, named alike in both.")
    other_where: str | None = Field(None, description="Polars SQL filter on the other dataset first.")


@register("exists_in", ExistsIn, "Key values of each row exist in another dataset.")
def build(params: ExistsIn, target: Target) -> list[Violations]:
    target.require(*params.on)
    if target.resolve is None:
        raise NotApplicable("no other dataset can be read here")
    other = target.resolve(params.dataset)
    absent = [c for c in params.on if c not in other.collect_schema()]
    if absent:
        raise NotApplicable(f"{params.dataset} has no variable {', '.join(absent)}")
    if params.other_where:
        other = other.filter(parse_sql(params.other_where).fill_null(False))
    # A row with a missing key is a completeness problem of its own, not an orphan.
    keyed = target.frame.filter(pl.all_horizontal(pl.col(c).is_not_null() for c in params.on))
    rows = keyed.join(other.select(params.on).unique(), on=params.on, how="anti", maintain_order="left")
    names = ", ".join(params.on)
    return [Violations(rows, tuple(params.on), f"no {params.dataset} record has this {names}")]
