"""Synthetic reference study: a phase II trial of radiotherapy plus camrelizumab and irinotecan in ESCC.

`generate_escc()` builds SDTM and ADaM datasets that are internally
consistent and, at 49 subjects, reproduce every published figure of the
reference study; `inject_defects()` damages a copy with known defects and
returns the manifest of what each audit rule should find.
"""

from __future__ import annotations

from audit.synth.defects import inject_defects
from audit.synth.design import CUTOFF, DEFAULT_SEED, REFERENCE_SUBJECTS
from audit.synth.generate import generate_escc
from audit.synth.writer import write_snapshot

__all__ = ["CUTOFF", "DEFAULT_SEED", "REFERENCE_SUBJECTS", "generate_escc", "inject_defects", "write_snapshot"]
