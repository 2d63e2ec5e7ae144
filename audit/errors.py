"""Errors in what the user gave us (paths, files, options), as opposed to findings about data.

Every such error renders as one line naming the file, rule or field; the CLI
maps them to exit code 2 without a traceback.
"""

from __future__ import annotations

from pathlib import Path


class AuditInputError(Exception):
    """A problem with user-supplied input: exit code 2, one clear line."""

    def __init__(
        self,
        message: str,
        *,
        file: str | Path | None = None,
        rule: str | None = None,
        field: str | None = None,
    ) -> None:
        self.file = str(file) if file is not None else None
        self.rule = rule
        self.field = field
        self.message = message
        super().__init__(self.render())

    def render(self) -> str:
        where = []
        if self.file:
            where.append(self.file)
        if self.rule:
            where.append(f"rule {self.rule}")
        if self.field:
            where.append(f"field {self.field!r}")
        prefix = ": ".join(where)
        return f"{prefix}: {self.message}" if prefix else self.message


class SnapshotError(AuditInputError):
    """The snapshot folder or one of its files cannot be read."""


class RuleFileError(AuditInputError):
    """A rule file is invalid."""


class ClaimsFileError(AuditInputError):
    """A claims file is invalid."""
