"""key_unique: the named key variables identify one record each."""

from __future__ import annotations

from typing import Literal

import polars as pl
from pydantic import Field

from audit.engine.kinds import register
from audit.engine.kinds.base import CheckBase, Target, Violations


class KeyUnique(CheckBase):
    kind: Literal["key_unique"]
    key: list[str] = Field(min_length=1, description="Variables that together must be unique.")


@register("key_unique", KeyUnique, "Key variables identify one record each (every duplicate is flagged).")
def build(params: KeyUnique, target: Target) -> list[Violations]:
    target.require(*params.key)
    rows = target.frame.filter(pl.len().over(params.key) > 1)
    names = ", ".join(params.key)
    return [Violations(rows, tuple(params.key), f"more than one record has the same {names}")]
