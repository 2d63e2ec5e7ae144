"""reported_vs_derived: a reported value agrees with the value a derivation recomputes."""

from __future__ import annotations

from typing import Literal

import polars as pl
from pydantic import Field

from audit.engine.kinds import register
from audit.engine.kinds.base import CheckBase, Target, Violations


class ReportedVsDerived(CheckBase):
    kind: Literal["reported_vs_derived"]
    reported: str = Field(description="The reported variable.")
    derived: str = Field(description="The recomputed variable (usually of a derived:NAME frame).")
    tolerance: float = Field(0.0, ge=0, description="Numbers within this absolute difference agree.")
    ignore_case: bool = Field(True, description="Text compares without case and surrounding blanks.")
    missing: Literal["ignore", "flag"] = Field(
        "ignore", description="'flag': one side present and the other missing is a finding."
    )
    show: list[str] = Field(default_factory=list, description="Further variables each finding shows (READER).")


def _differs(params: ReportedVsDerived, target: Target) -> pl.Expr:
    reported, derived = pl.col(params.reported), pl.col(params.derived)
    numeric = target.schema[params.reported].is_numeric() and target.schema[params.derived].is_numeric()
    if numeric:
        differs = (reported - derived).abs() > params.tolerance
    else:
        def norm(e: pl.Expr) -> pl.Expr:
            text = e.cast(pl.String).str.strip_chars()
            return text.str.to_uppercase() if params.ignore_case else text
        differs = norm(reported) != norm(derived)
    if params.missing == "flag":
        differs = differs | (reported.is_null() != derived.is_null())
    return differs.fill_null(False)


@register("reported_vs_derived", ReportedVsDerived, "A reported value equals the derived one.")
def build(params: ReportedVsDerived, target: Target) -> list[Violations]:
    target.require(params.reported, params.derived, *params.show)
    rows = target.frame.filter(_differs(params, target))
    message = f"reported {params.reported} {{{params.reported}}} differs from derived {params.derived} " \
              f"{{{params.derived}}}"
    # Nothing reported means nothing to compare: not applicable, not passed (the engine checks this).
    present = pl.col(params.reported).is_not_null()
    shown = (params.reported, params.derived, *[c for c in params.show if c not in (params.reported, params.derived)])
    return [Violations(rows, shown, message, requires=present,
                       requires_reason=f"no reported {params.reported} value to compare")]
