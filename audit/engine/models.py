"""Pydantic models of rule files (rules/*.yaml) and their loading with precise errors.

A rule file is a mapping {pack, description, rules: [rule, ...]}. Every rule
record holds its ID, title, severity, datasets, rationale, reference, one
check of a registered kind, an optional message template, examples and
options. Unknown keys, duplicate IDs, empty titles and unknown kinds are
RuleFileErrors naming file, rule, field, what was expected and what was found.

A rule on a derived frame ('derived:NAME') is also checked against the
derivation's declared contract (audit/derive/contracts.py) when it is loaded:
an unknown frame, or a column the frame does not have in any field (where,
requires, the kind's columns and expressions, joins, by_dataset overrides,
message placeholders) is a RuleFileError, so a typo stops `rules validate` and
every run instead of failing at run time. Expressions are read by Polars
(root_names), never by a parser of our own. Columns the engine adds (ROW,
joined columns with their prefix and date bounds) are accounted for. Rules on
plain datasets are not checked against a schema: their columns vary by study.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Annotated, Any, Literal, Union

from pydantic import Field, TypeAdapter, ValidationError, field_validator

from audit.dates import hi_name, lo_name
from audit.derive.contracts import suggestion
from audit.derive.registry import derivation_contracts
from audit.engine.kinds import registered_kinds
from audit.engine.kinds.base import ROW, CheckBase, JoinSpec, Strict
from audit.engine.kinds.chronology import _ITEM as CHRONOLOGY_ITEM
from audit.engine.kinds.chronology import EVERY_OWN_DATE
from audit.engine.kinds.row_expression import expression_columns, parse_sql
from audit.engine.kinds.study_day import PLANNED_COUNT, PLANNED_DAY
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
    options: dict[str, str] = Field(
        default_factory=dict, description="How the rule uses a setting (study.cutoff, ...). Options of the derived "
        "frames it reads are described from their options models (rules explain); never repeat their defaults here."
    )

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


DERIVED_PREFIX = "derived:"
# What each kind's own fields name: "sql" an expression, "column(s)" columns, "date" a column or its _LO/_HI
# bounds, "order" chronology items. Fields not listed name no column of the target (a test keeps this complete).
KIND_COLUMN_FIELDS: dict[str, dict[str, str]] = {
    "row_expression": {"fails_when": "sql", "show": "columns"},
    "reported_vs_derived": {"reported": "column", "derived": "column", "show": "columns"},
    "chronology": {"order": "order", "skip": "columns"},
    "key_unique": {"key": "columns"},
    "exists_in": {"on": "columns"},
    "iso8601": {"skip": "columns"},
    "study_day": {"reference": "date"},
}
NOT_COLUMN_FIELDS = frozenset({
    "kind", "where", "requires", "join", "by_dataset", "relation", "collection_dates", "report_uncertain",
    "tolerance", "ignore_case", "missing", "problem", "dataset", "other_where", "planned_days",
})
# Names a kind adds to a finding's values, which a message may name.
_KIND_MESSAGE_NAMES = {"study_day": (PLANNED_COUNT, PLANNED_DAY, "VISITNUM")}
_MESSAGE_CONTEXT = ("USUBJID", "DATASET", ROW)
_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


class _Checker:
    """Checks one rule's fields against the contracts of the derived frames it reads."""

    def __init__(self, path: Path | None, rule: Rule) -> None:
        self.path, self.rule = path, rule
        self.contracts = derivation_contracts()
        self.read: dict[str, list[str]] = {}  # derived frame -> its columns the rule reads

    def note(self, dataset: str, *columns: str) -> None:
        if dataset.startswith(DERIVED_PREFIX):
            self.read.setdefault(dataset, [])
            self.read[dataset] += [c for c in columns if c not in self.read[dataset]]

    def fail(self, message: str, field: str) -> RuleFileError:
        return RuleFileError(message, file=self.path, rule=self.rule.id, field=field)

    def columns_of(self, dataset: str, field: str) -> set[str] | None:
        """Declared columns of a derived frame (ROW included); None for a plain dataset; unknown frame: error."""
        if not dataset.startswith(DERIVED_PREFIX):
            return None
        name = dataset[len(DERIVED_PREFIX):]
        contract = self.contracts.get(name)
        if contract is None:
            raise self.fail(f"unknown derived frame {dataset!r}{suggestion(name, self.contracts)}", field)
        return {*contract.names(), ROW}

    def name(self, column: str, known: set[str] | None, dataset: str, field: str, *, date: bool = False) -> None:
        if known is None:
            return
        if column in known:
            self.note(dataset, column)
            return
        if date and lo_name(column) in known and hi_name(column) in known:
            self.note(dataset, lo_name(column), hi_name(column))
            return
        raise self.fail(f"unknown column {column!r} of {dataset}{suggestion(column, sorted(known))}", field)

    def sql(self, text: str | None, known: set[str] | None, dataset: str, field: str) -> None:
        if not text:
            return
        try:
            expr = parse_sql(text)
        except ValueError as exc:
            raise self.fail(str(exc), field) from None
        for column in expression_columns(expr):
            self.name(column, known, dataset, field)

    def check(self) -> None:
        rule = self.rule
        for i, dataset in enumerate(rule.datasets):
            self.columns_of(dataset, f"datasets[{i}]")
        for dataset in rule.check.by_dataset:
            self.columns_of(dataset, f"check.by_dataset.{dataset}")
        for dataset in rule.datasets:
            self.target(dataset)

    def target(self, dataset: str) -> None:
        rule = self.rule
        override = rule.check.by_dataset.get(dataset, {})
        try:
            params = check_params(rule, dataset)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            raise self.fail(_describe(first), f"check.by_dataset.{dataset}.{where}") from None

        def field(name: str) -> str:
            return f"check.by_dataset.{dataset}.{name}" if name in override else f"check.{name}"

        known = self.columns_of(dataset, "datasets")
        self.sql(params.where, known, dataset, field("where"))
        for i, spec in enumerate(params.join):
            known = self.joined(spec, known, dataset, f"{field('join')}[{i}]")
        self.sql(params.requires, known, dataset, field("requires"))
        for name, what in KIND_COLUMN_FIELDS.get(params.kind, {}).items():
            self.kind_field(getattr(params, name), what, known, dataset, field(name))
        if params.kind == "exists_in":
            other = self.columns_of(params.dataset, field("dataset"))
            for column in params.on:
                self.name(column, other, params.dataset, field("on"))
            self.sql(params.other_where, other, params.dataset, field("other_where"))
        if params.kind == "study_day" and params.planned_days:
            self.columns_of(params.planned_days, field("planned_days"))
        if rule.message and known is not None:
            extra = {*_MESSAGE_CONTEXT, *_KIND_MESSAGE_NAMES.get(params.kind, ())}
            for placeholder in dict.fromkeys(_PLACEHOLDER.findall(rule.message)):
                if placeholder in extra or (params.kind == "study_day" and placeholder.endswith("_DERIVED")):
                    continue
                self.name(placeholder, known, dataset, "message")

    def joined(self, spec: JoinSpec, known: set[str] | None, dataset: str, field: str) -> set[str] | None:
        """The target's columns after the join: its own plus the joined ones, prefixed, with their date bounds."""
        other = self.columns_of(spec.dataset, f"{field}.dataset")
        for column in spec.on:
            self.name(column, known, dataset, f"{field}.on")
            self.name(column, other, spec.dataset, f"{field}.on")
        for column in spec.columns:
            self.name(column, other, spec.dataset, f"{field}.columns")
        self.sql(spec.where, other, spec.dataset, f"{field}.where")
        if known is None:
            return None
        added = set()
        for column in spec.columns:
            added.add(spec.prefixed(column))
            added |= {spec.prefixed(b) for b in (lo_name(column), hi_name(column)) if other is None or b in other}
        return known | added

    def kind_field(self, value, what: str, known: set[str] | None, dataset: str, field: str) -> None:
        if value is None:
            return
        if what == "sql":
            self.sql(value, known, dataset, field)
        elif what == "column":
            self.name(value, known, dataset, field)
        elif what == "date":
            self.name(value, known, dataset, field, date=True)
        elif what == "columns":
            for column in value:
                self.name(column, known, dataset, field)
        elif what == "order":
            for item in value:
                match = CHRONOLOGY_ITEM.match(item.strip())
                if match is None:
                    raise self.fail(f"cannot read chronology item {item!r} (a column, optionally '- 28' / '+ 3' "
                                    "days, '*DTC' or an '@anchor')", field)
                if match["name"] != EVERY_OWN_DATE and not match["name"].startswith("@"):
                    self.name(match["name"], known, dataset, field, date=True)


def derived_columns_read(rule: Rule) -> dict[str, list[str]]:
    """Per derived frame the rule reads ('derived:NAME'), the declared columns it names, in order of use."""
    checker = _Checker(None, rule)
    checker.check()
    return checker.read


def check_against_contracts(path: Path, rule_file: RuleFile) -> None:
    """RuleFileError naming file, rule and field for the first reference a derived frame's contract lacks."""
    for rule in rule_file.rules:
        _Checker(path, rule).check()


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
        check_against_contracts(path, rule_file)
        for rule in rule_file.rules:
            if rule.id in seen:
                where = "twice in this file" if seen[rule.id] == path else f"also in {seen[rule.id]}"
                raise RuleFileError(f"duplicate rule id ({where})", file=path, rule=rule.id, field="id")
            seen[rule.id] = path
        parsed.append((path, rule_file))
    return parsed


def sha256_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
