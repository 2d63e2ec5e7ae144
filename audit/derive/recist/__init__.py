"""RECIST 1.1 (Eisenhauer 2009): target sums, nadir, time-point and best overall responses, abscopal response.

Importing this package registers the "recist.*" derivations.
"""

from audit.derive.recist import derivations as _derivations  # noqa: F401  (registers)
from audit.derive.recist import records as _records  # noqa: F401  (registers)
from audit.derive.recist import terms as _terms  # noqa: F401  (registers)
from audit.derive.recist import waterfall as _waterfall  # noqa: F401  (registers)
from audit.derive.recist.bor import best_overall_response
from audit.derive.recist.options import RecistOptions
from audit.derive.recist.tables import overall_response_rows, overall_response_table
from audit.derive.recist.timepoint import overall_response, target_response

__all__ = [
    "RecistOptions",
    "best_overall_response",
    "overall_response",
    "overall_response_rows",
    "overall_response_table",
    "target_response",
]
