"""User settings of a derivation: one settings section, validated by a pydantic model.

Each field carries its default and a description; `rules explain` prints them
(options_text), so option text is never repeated in rule files. Settings files
are validated section by section when they are read (audit/engine/config.py),
before any rule runs: an unknown key or a bad value is one error line naming
the file and the field.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, ClassVar, Self, get_args, get_origin

from pydantic import BaseModel, BeforeValidator, ConfigDict, ValidationError
from pydantic_core import PydanticUndefined

from audit.errors import AuditInputError


def _whole_number(value: Any) -> Any:
    """Days and grades are whole numbers: 2.5, true or 'abc' are refused, not rounded or read as 1."""
    if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
        raise ValueError(f"expected a whole number; found {value!r}")
    if isinstance(value, float):
        return int(value)
    if isinstance(value, str):
        text = value.strip()
        if not text.lstrip("+-").isdigit():
            raise ValueError(f"expected a whole number; found {value!r}")
        return int(text)
    return value


WholeNumber = Annotated[int, BeforeValidator(_whole_number)]


def _flag(value: Any) -> Any:
    """A yes/no setting: YAML true/false/yes/no (or the words as text); 'perhaps' or 2 are refused."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false", "yes", "no", "on", "off"):
        return value.strip().lower() in ("true", "yes", "on")
    raise ValueError(f"expected true or false (yes/no); found {value!r}")


Flag = Annotated[bool, BeforeValidator(_flag)]


def section_error(model: type[BaseModel], section: str, exc: ValidationError,
                  file: str | None = None) -> AuditInputError:
    """One error line naming the file and the field `section.key` of the first problem."""
    first = exc.errors()[0]
    loc = [str(p) for p in first["loc"]]
    where = ".".join([section, *loc]) if loc else section
    if first["type"] == "extra_forbidden":
        known = ", ".join(model.model_fields)
        return AuditInputError(f"unknown setting (known: {known})", file=file, field=where)
    message = first["msg"].removeprefix("Value error, ")
    if "found" not in message and loc:
        message = f"{message[:1].lower()}{message[1:]}; found {first.get('input')!r}"
    return AuditInputError(message, file=file, field=where)


class SectionOptions(BaseModel):
    """Base of a derivation's options; `SECTION` names its settings section ("recist", "ctcae")."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    SECTION: ClassVar[str]

    @classmethod
    def from_section(cls, section: Mapping[str, Any] | None, *, file: str | None = None) -> Self:
        """Options from the settings section; a bad value is a user error naming the field."""
        if section is not None and not isinstance(section, Mapping):
            raise AuditInputError(f"expected a mapping of settings, found {type(section).__name__}", file=file,
                                  field=cls.SECTION)
        try:
            return cls.model_validate(dict(section or {}))
        except ValidationError as exc:
            raise section_error(cls, cls.SECTION, exc, file) from None


def _type_name(annotation: Any) -> str:
    origin = get_origin(annotation)
    if origin is Annotated:
        return _type_name(get_args(annotation)[0])
    if origin is not None and str(origin) == "typing.Literal":
        return " | ".join(repr(a) for a in get_args(annotation))
    if origin is not None:
        args = [a for a in get_args(annotation) if a is not Ellipsis]
        names = [_type_name(a) for a in args]
        if str(origin) in ("<class 'tuple'>", "<class 'list'>"):
            return f"list of {names[0]}"
        return " | ".join(names)
    if annotation is type(None):
        return "null"
    return getattr(annotation, "__name__", str(annotation))


def options_rows(model: type[BaseModel], section: str) -> list[tuple[str, str, str, str]]:
    """(section.name, type, default, description) of every option of a model."""
    rows = []
    for name, info in model.model_fields.items():
        default = info.get_default(call_default_factory=True) if info.default is not PydanticUndefined or \
            info.default_factory is not None else None
        if isinstance(default, tuple):
            default = list(default)
        shown = "null" if default is None else str(default).lower() if isinstance(default, bool) else str(default)
        rows.append((f"{section}.{name}", _type_name(info.annotation), shown, info.description or ""))
    return rows
