"""User settings of a derivation: one settings section, validated by a pydantic model."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, Self

from pydantic import BaseModel, ConfigDict, ValidationError

from audit.errors import AuditInputError


class SectionOptions(BaseModel):
    """Base of a derivation's options; `SECTION` names its settings section ("recist", "ctcae")."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    SECTION: ClassVar[str]

    @classmethod
    def from_section(cls, section: Mapping[str, Any]) -> Self:
        """Options from the settings section; a bad value is a user error naming the field."""
        try:
            return cls.model_validate(dict(section))
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"]) or cls.SECTION
            raise AuditInputError(first["msg"], field=f"{cls.SECTION}.{where}") from None
