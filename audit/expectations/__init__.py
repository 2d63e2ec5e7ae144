"""Dataset expectation suites (Great Expectations 1.x JSON), run natively in Polars or through GX."""

from audit.expectations.outcome import ERROR, FAILED, NOT_APPLICABLE, PASSED, ROW, ExpectationOutcome
from audit.expectations.runner import ENGINES, run_suites
from audit.expectations.suite import ExpectationFileError, Suite, load_suite, load_suites

__all__ = [
    "ENGINES",
    "ERROR",
    "FAILED",
    "NOT_APPLICABLE",
    "PASSED",
    "ROW",
    "ExpectationFileError",
    "ExpectationOutcome",
    "Suite",
    "load_suite",
    "load_suites",
    "run_suites",
]
