"""Known defects injected into a clean snapshot (placeholder until the catalogue lands)."""

from __future__ import annotations

import polars as pl


def inject_defects(clean: dict[str, pl.DataFrame]) -> tuple[dict[str, pl.DataFrame], list[dict]]:
    """A damaged copy of `clean` and the manifest of what was changed."""
    raise NotImplementedError
