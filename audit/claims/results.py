"""The outcome of verifying a claims file: one verdict per claim, as plain values.

Renderers (console, JSON, JUnit, HTML) read only these frozen dataclasses.
`to_dict` gives a deterministic, JSON-ready document.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Literal

Verdict = Literal["reproduced", "reproduced_by_other_methods", "not_reproduced", "not_applicable"]

VERDICT_LABELS: dict[str, str] = {
    "reproduced": "reproduced",
    "reproduced_by_other_methods": "reproduced only by other methods",
    "not_reproduced": "not reproduced",
    "not_applicable": "cannot be checked",
}


@dataclass(frozen=True)
class MethodResult:
    """One method's recomputation of a claim, part by part (estimate, CI bounds)."""

    method: dict[str, str]
    label: str
    values: tuple[str, ...]
    printed: tuple[str, ...]
    matches: tuple[bool, ...]
    gap: float | None
    counts: tuple[int, int] | None = None
    display: str = ""

    @property
    def reproduces(self) -> bool:
        return all(self.matches)

    def shown(self) -> str:
        """The recomputed figure in the printed layout: "40.8 (27.0-55.9)"."""
        return self.display or " ".join(self.values)


@dataclass(frozen=True)
class ClaimVerdict:
    """What verification found for one claim."""

    claim_id: str
    printed: str
    measure: str
    verdict: Verdict
    reference: MethodResult | None
    reference_kind: Literal["declared", "conventional"]
    reproducing: tuple[MethodResult, ...] = ()
    not_reproducing: tuple[MethodResult, ...] = ()
    closest: MethodResult | None = None
    warnings: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    reason: str | None = None

    @property
    def reproduced(self) -> bool:
        return self.verdict in ("reproduced", "reproduced_by_other_methods")

    def summary(self) -> str:
        """One sentence a reviewer can read next to the paper."""
        label = VERDICT_LABELS[self.verdict]
        if self.verdict == "not_applicable":
            return f"{label}: {self.reason}"
        ref = self.reference
        ref_text = f"{ref.label} gives {ref.shown()}" if ref else ""
        if self.verdict == "reproduced":
            return f"{label} by the {self.reference_kind} method ({ref.label})" if ref else label
        if self.verdict == "reproduced_by_other_methods":
            names = ", ".join(m.label for m in self.reproducing[:3])
            more = len(self.reproducing) - 3
            names += f" and {more} more" if more > 0 else ""
            return f"{label}: {names}; {ref_text}: not reproduced"
        closest = self.closest
        if closest is None:
            return label
        gap = "" if closest.gap is None else f" (gap {closest.gap:g})"
        return f"{label}: closest is {closest.label} giving {closest.shown()}{gap}"


@dataclass(frozen=True)
class VerificationResult:
    """Every claim's verdict, with the warnings that concern the claims file as a whole."""

    snapshot: str
    claims_file: str
    verdicts: tuple[ClaimVerdict, ...]
    warnings: tuple[str, ...] = ()
    sources: tuple[str, ...] = field(default=())

    @property
    def failed(self) -> tuple[ClaimVerdict, ...]:
        """Claims that no method in the catalogue reproduces."""
        return tuple(v for v in self.verdicts if v.verdict == "not_reproduced")

    def counts(self) -> dict[str, int]:
        return {k: sum(v.verdict == k for v in self.verdicts) for k in VERDICT_LABELS}

    def to_dict(self) -> dict:
        document = asdict(self)
        for verdict, original in zip(document["verdicts"], self.verdicts, strict=True):
            verdict["summary"] = original.summary()
        document["counts"] = self.counts()
        return document

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, sort_keys=True)
