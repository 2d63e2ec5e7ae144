"""Report writers keyed by format name; each reads only the result model (audit.findings).

A writer is `render(result, options) -> str | bytes`. A new format adds its
module and one line to _WRITERS (or calls register_writer); the CLI lists
and picks formats from here, so it never changes.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from audit.errors import AuditInputError
from audit.findings import AuditResult


@dataclass(frozen=True)
class ReportOptions:
    """What a writer may need beyond the result."""

    fail_on: str = "major"
    records_per_rule: int = 5  # console/JUnit: first records shown per failing rule
    width: int = 100  # console width when not writing to a terminal
    color: bool = False
    rules: Mapping[str, Any] = field(default_factory=dict)  # rule id -> rule record, for titles/explanations
    sites: Mapping[str, str] = field(default_factory=dict)  # USUBJID -> SITEID, to route findings to sites
    verification: Any = None  # claim verdicts (audit.claims.VerificationResult), when claims were verified
    figures: tuple = ()  # KM and waterfall figures for the HTML page


Writer = Callable[[AuditResult, ReportOptions], "str | bytes"]

# format name -> "module:function", imported only when that format is asked for.
_WRITERS: dict[str, str | Writer] = {
    "console": "audit.report.console:render",
    "json": "audit.report.json_report:render",
    "junit": "audit.report.junit:render",
    "html": "audit.report.html:render",
    "xlsx": "audit.report.xlsx:render",
}


def register_writer(name: str, writer: Writer | str) -> None:
    """Add an output format (a callable, or 'module:function' imported on first use)."""
    _WRITERS[name] = writer


def formats() -> list[str]:
    """Every output format name."""
    return sorted(_WRITERS)


def writer(name: str) -> Writer:
    """The writer of a format; AuditInputError naming the known formats otherwise."""
    if name not in _WRITERS:
        raise AuditInputError(f"unknown format {name!r} (expected one of: {', '.join(formats())})", field="format")
    found = _WRITERS[name]
    if isinstance(found, str):
        module, function = found.split(":")
        found = getattr(importlib.import_module(module), function)
    return found


def render(result: AuditResult, name: str, options: ReportOptions | None = None) -> str | bytes:
    """The result in one output format."""
    return writer(name)(result, options or ReportOptions())
