"""CTCAE v5.0 grading: lab grades from a data table, AE grade consistency, incidence counts.

Importing this package registers the "ctcae.*" derivations.
"""

from audit.derive.ctcae import derivations as _derivations  # noqa: F401  (registers)
from audit.derive.ctcae.adverse_events import ae_lab_window, ae_terms, ae_windows, unreported_lab
from audit.derive.ctcae.counting import count_subjects_with_ae, subjects_with_ae
from audit.derive.ctcae.grading import grade_lab_records
from audit.derive.ctcae.options import CtcaeOptions
from audit.derive.ctcae.tables import (
    canonical_term,
    lab_criteria,
    lab_terms,
    lab_units,
    synonyms,
    term_table,
)

__all__ = [
    "CtcaeOptions",
    "ae_lab_window",
    "ae_terms",
    "ae_windows",
    "canonical_term",
    "count_subjects_with_ae",
    "grade_lab_records",
    "lab_criteria",
    "lab_terms",
    "lab_units",
    "subjects_with_ae",
    "synonyms",
    "term_table",
    "unreported_lab",
]
