"""Pydantic models of rule files (rules/*.yaml) and their loading with precise errors.

A rule file is a mapping {pack, description, rules: [rule, ...]}. Every rule
record holds its ID, title, severity, datasets, rationale, reference, one
check of a registered kind, an optional message template, examples and
options. Unknown keys, duplicate IDs, empty titles and unknown kinds are
RuleFileErrors naming file, rule, field, what was expected and what was found.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path
from typing import Annotated, Any, Literal, Union

from pydantic import Field, TypeAdapter, ValidationError, field_validator

from audit.engine.kinds import registered_kinds
from audit.engine.kinds.base import CheckBase, Strict
from audit.errors import RuleFileError
from audit.userfiles import read_document

RULE_ID_PATTERN = r"^[A-Z][A-Z0-9]*[0-9]{3}$"
Severity = Literal["critical", "major", "minor", "info"]
_KINDS = registered_kinds()
Check = Annotated[Union[tuple(k.params for k in _KINDS.values())], Field(discriminator="kind")]  # noqa: UP007


class Reference(Strict):
    document: str = Field(min_length=1, description="Guideline or document, e.g. 'SDTMIG v3.4' or 'dates.md'.")
    section: str = Field(min_length=1, description="Section of that document.")


class Examples(Strict):
    fail: str = Field(min_length=1, description="Data that the rule flags, as a reader would see it.")
    pass_: str = Field(alias="pass", min_length=1, description="Data that the rule accepts.")


class Rule(Strict):
    """One rule record: everything about a rule lives here."""

    id: str = Field(pattern=RULE_ID_PATTERN, description="Stable ID: pack prefix + 3 digits, e.g. DATE003.")
    title: str = Field(min_length=1, description="Names the problem the rule finds.")
    severity: Severity
    datasets: list[str] = Field(
        min_length=1, description="Datasets checked (each separately); '*' = every dataset; 'derived:NAME' = a "
        "derived frame."
    )
    rationale: str = Field(min_length=1, description="Why it matters.")
    reference: Reference
    check: Check
    message: str | None = Field(None, description="Finding text; {VAR} is replaced by the record's value.")
    examples: Examples | None = None
    options: dict[str, str] = Field(default_factory=dict, description="Settings the rule reads, and what they do.")

    @field_validator("title", "rationale")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be empty")
        return value


class RuleFile(Strict):
    pack: str = Field(min_length=1, description="Pack name, e.g. 'dates'.")
    description: str = ""
    rules: list[Rule] = Field(min_length=1)


def check_params(rule: Rule, dataset: str) -> CheckBase:
    """The rule's check parameters with the dataset's overrides (by_dataset) applied."""
    override = rule.check.by_dataset.get(dataset)
    if not override:
        return rule.check
    merged = {**rule.check.model_dump(by_alias=True, exclude={"by_dataset"}), **override}
    return type(rule.check).model_validate(merged)


def rule_file_schema() -> dict[str, Any]:
    """JSON Schema of a rule file (printed by `trial-audit rules schema`)."""
    return TypeAdapter(RuleFile).json_schema(by_alias=True)


def _location(loc: tuple[Any, ...], data: Any) -> tuple[str | None, str]:
    """(rule id, dotted field) of a pydantic error location inside a rule file."""
    rule_id = None
    if len(loc) >= 2 and loc[0] == "rules" and isinstance(loc[1], int):
        rules = data.get("rules") if isinstance(data, dict) else None
        if isinstance(rules, list) and loc[1] < len(rules) and isinstance(rules[loc[1]], dict):
            rule_id = str(rules[loc[1]].get("id") or f"#{loc[1] + 1}")
        loc = loc[2:]
    # Drop the discriminator tag pydantic inserts ("check.chronology.order" -> "check.order").
    parts = [str(p) for p in loc if not (isinstance(p, str) and p in _KINDS)]
    return rule_id, ".".join(parts) or "(top level)"


def _describe(error: dict[str, Any]) -> str:
    found = error.get("input")
    if error["type"] == "extra_forbidden":
        return "unknown key (expected one of the documented fields)"
    if error["type"] == "union_tag_invalid":
        tag = (error.get("ctx") or {}).get("tag", found)
        return f"unknown check kind {tag!r} (expected one of: {', '.join(_KINDS)})"
    if error["type"] == "union_tag_not_found":
        return f"missing 'kind' (expected one of: {', '.join(_KINDS)})"
    shown = repr(found) if not isinstance(found, dict | list) else type(found).__name__
    return f"expected {error['msg'].lower()}; found {shown}"


def _parse(path: Path) -> RuleFile:
    data = read_document(path, "rule file", RuleFileError)
    try:
        return RuleFile.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        rule_id, field = _location(tuple(first["loc"]), data)
        raise RuleFileError(_describe(first), file=path, rule=rule_id, field=field) from None


def load_rule_files(paths: Iterable[str | Path]) -> list[tuple[Path, RuleFile]]:
    """Parse rule files (a folder means its *.yaml), rejecting duplicate IDs across them."""
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files.extend(sorted([*path.glob("*.yaml"), *path.glob("*.yml")]))
        elif path.exists():
            files.append(path)
        else:
            raise RuleFileError("rule file does not exist", file=path)
    parsed: list[tuple[Path, RuleFile]] = []
    seen: dict[str, Path] = {}
    for path in files:
        rule_file = _parse(path)
        for rule in rule_file.rules:
            if rule.id in seen:
                where = "twice in this file" if seen[rule.id] == path else f"also in {seen[rule.id]}"
                raise RuleFileError(f"duplicate rule id ({where})", file=path, rule=rule.id, field="id")
            seen[rule.id] = path
        parsed.append((path, rule_file))
    return parsed


def sha256_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
