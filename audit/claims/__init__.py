"""Published figures (claims files) and their verification against a snapshot.

`load_claims` reads a claims file; `verify_claims` recomputes each claim
under every method of the catalogue and returns a VerificationResult;
`extract_claims` drafts claims from an abstract; `consistency_report` checks
printed figures with no data.
"""

from audit.claims.model import ClaimsFile, claims_schema, load_claims, parse_claims
from audit.claims.results import ClaimVerdict, MethodResult, VerificationResult


def verify_claims(study, claims, **options) -> VerificationResult:
    """Recompute every claim under every catalogued method (see audit.claims.verify)."""
    from audit.claims.verify import verify_claims as _verify

    return _verify(study, claims, **options)


__all__ = [
    "ClaimVerdict", "ClaimsFile", "MethodResult", "VerificationResult", "claims_schema",
    "load_claims", "parse_claims", "verify_claims",
]
