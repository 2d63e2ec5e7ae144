"""Pure derivations over a Study: RECIST responses, CTCAE lab grades, time-to-event.

Derivations know nothing of rules. Each registers under a dotted name
("recist.timepoint", "ctcae.lab_grades") so rules and reports can ask for it.
"""

from audit.derive.registry import (
    DeriveContext,
    NotApplicable,
    derivation,
    registered_derivations,
)

__all__ = ["DeriveContext", "NotApplicable", "derivation", "registered_derivations"]
