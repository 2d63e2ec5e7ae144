"""Output writers of every command, keyed by (command, format); each reads only the result models.

A writer is `render(result, options) -> str | bytes`: for `check` and `diff`
the result is an AuditResult (audit.findings), for `verify` a
VerificationResult (audit.claims.results). One module per format
(console, json_report, junit, html, xlsx) holds that format's writers for
every command. A new format adds its module and lines to _WRITERS (or calls
register_writer); the CLI lists, picks and emits formats only through here.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from audit.errors import AuditInputError

CHECK, DIFF, VERIFY = "check", "diff", "verify"


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
    notes: tuple[str, ...] = ()  # how the snapshot was read, for writers whose result has no audit trail (verify)


Writer = Callable[[Any, ReportOptions], "str | bytes"]

# (command, format) -> "module:function", imported only when that format is asked for.
_WRITERS: dict[tuple[str, str], str | Writer] = {
    (CHECK, "console"): "audit.report.console:render",
    (CHECK, "json"): "audit.report.json_report:render",
    (CHECK, "junit"): "audit.report.junit:render",
    (CHECK, "html"): "audit.report.html:render",
    (CHECK, "xlsx"): "audit.report.xlsx:render",
    (DIFF, "console"): "audit.report.console:render_diff",
    (DIFF, "json"): "audit.report.json_report:render_diff",
    (DIFF, "junit"): "audit.report.junit:render_diff",
    (DIFF, "html"): "audit.report.html:render_diff",
    (DIFF, "xlsx"): "audit.report.xlsx:render_diff",
    (VERIFY, "console"): "audit.report.console:render_verification",
    (VERIFY, "json"): "audit.report.json_report:render_verification",
    (VERIFY, "junit"): "audit.report.junit:render_verification",
    (VERIFY, "html"): "audit.report.html:render_verification",
}


_BINARY = {"xlsx"}  # formats whose writers return bytes: they go to a file, never to a terminal


def register_writer(name: str, writer: Writer | str, command: str = CHECK, *, binary: bool = False) -> None:
    """Add an output format of a command (a callable, or 'module:function' imported on first use)."""
    _WRITERS[(command, name)] = writer
    if binary:
        _BINARY.add(name)


def writes_binary(name: str) -> bool:
    """Whether a format is written as bytes, so it needs --output (known before anything is computed)."""
    return name in _BINARY


def formats(command: str = CHECK) -> list[str]:
    """Every output format name of a command."""
    return sorted(name for kind, name in _WRITERS if kind == command)


def writer(name: str, command: str = CHECK) -> Writer:
    """The writer of a format; AuditInputError naming the known formats otherwise."""
    if (command, name) not in _WRITERS:
        raise AuditInputError(f"unknown format {name!r} (expected one of: {', '.join(formats(command))})",
                              field="--format")
    found = _WRITERS[(command, name)]
    if isinstance(found, str):
        module, function = found.split(":")
        found = getattr(importlib.import_module(module), function)
    return found


def render(result: Any, name: str, options: ReportOptions | None = None, command: str = CHECK) -> str | bytes:
    """The result in one output format of a command."""
    return writer(name, command)(result, options or ReportOptions())
