"""Errors in what the user gave us (paths, files, options), as opposed to findings about data.

Every such error renders as one line naming the file, rule or field; the CLI
maps them to exit code 2 without a traceback.
"""

from __future__ import annotations

import re
from pathlib import Path

# One terminal line or so: enough to name the file, field and what was found, never a whole input.
MAX_MESSAGE = 300
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]+")


def one_line(text: str, limit: int = MAX_MESSAGE) -> str:
    """A message as one printable line of at most `limit` characters (control characters become spaces)."""
    flat = _CONTROL.sub(" ", text)
    return flat if len(flat) <= limit else flat[: limit - 3] + "..."


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
        return one_line(f"{prefix}: {self.message}" if prefix else self.message)


class SnapshotError(AuditInputError):
    """The snapshot folder or one of its files cannot be read."""


class RuleFileError(AuditInputError):
    """A rule file is invalid."""


class ClaimsFileError(AuditInputError):
    """A claims file is invalid."""
