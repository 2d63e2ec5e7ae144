"""row_expression: a Polars SQL expression over one row; rows where it is true are findings."""

from __future__ import annotations

from typing import Literal

import polars as pl
from pydantic import Field, field_validator

from audit.engine.kinds import register
from audit.engine.kinds.base import CheckBase, Target, Violations


def parse_sql(text: str) -> pl.Expr:
    """Parse a Polars SQL expression (never eval'd); ValueError with Polars' reason when invalid."""
    try:
        return pl.sql_expr(text)
    except Exception as exc:  # Polars raises several SQL error types
        raise ValueError(f"not a valid Polars SQL expression ({str(exc).splitlines()[0]})") from None


def expression_columns(expr: pl.Expr) -> list[str]:
    """Columns an expression reads, in order of first appearance."""
    return list(dict.fromkeys(expr.meta.root_names()))


class RowExpression(CheckBase):
    kind: Literal["row_expression"]
    fails_when: str = Field(description="Polars SQL expression; a row where it is TRUE is a finding (NULL is not).")
    show: list[str] | None = Field(None, description="Variables a finding shows; default: those the expression reads.")

    @field_validator("fails_when")
    @classmethod
    def _parses(cls, value: str) -> str:
        parse_sql(value)
        return value


@register("row_expression", RowExpression, "A Polars SQL expression over each row (optionally joined).")
def build(params: RowExpression, target: Target) -> list[Violations]:
    expr = parse_sql(params.fails_when)
    read = expression_columns(expr)
    shown = tuple(params.show or read)
    target.require(*dict.fromkeys([*read, *shown]))
    rows = target.frame.filter(expr.fill_null(False))
    return [Violations(rows, shown, f"fails: {params.fails_when}")]
