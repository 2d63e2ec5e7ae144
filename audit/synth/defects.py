"""Known defects injected into a clean snapshot, with the manifest an audit is checked against.

Each defect damages one subject that no other defect touches, so their
findings cannot interact, and lists every rule it should trip (knock-on
effects included) and, for the figure defect, the claim it moves. RECIST008
is listed where the reported overall response no longer matches Table 1
applied to the responses derived from TR.
"""

from __future__ import annotations

import polars as pl

from audit.synth.defect_clinical import CLINICAL_KINDS
from audit.synth.defect_kinds import KINDS, Damage


def inject_defects(clean: dict[str, pl.DataFrame]) -> tuple[dict[str, pl.DataFrame], list[dict]]:
    """A damaged copy of `clean` and the manifest of every change, one subject per defect."""
    damage = Damage({name: frame.clone() for name, frame in clean.items()})
    for kind in (*KINDS, *CLINICAL_KINDS):
        kind(damage)
    return damage.datasets, damage.manifest


__all__ = ["inject_defects"]
