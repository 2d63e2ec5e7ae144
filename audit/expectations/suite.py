"""Expectation suite files in Great Expectations 1.x JSON, read into pydantic models.

A suite file is what GX's `ExpectationSuite.to_json_dict()` writes: a name,
a list of expectations ({"type", "kwargs", "meta"}) and suite meta. trial-audit
reads three keys of its own from meta: the suite's `dataset` (default: the
suite name in upper case), `record_key` (the columns that pin a record) and,
per expectation, `rule_id` and `severity`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from audit.errors import AuditInputError
from audit.userfiles import read_document

SEVERITIES = ("critical", "major", "minor", "info")
DEFAULT_SEVERITY = "major"
# GX 1.x's own failure severity, used only when meta gives none of ours.
GX_SEVERITY = {"critical": "critical", "warning": "minor", "info": "info"}


class ExpectationFileError(AuditInputError):
    """An expectation suite file is invalid."""


class ExpectationRecord(BaseModel):
    """One expectation as GX 1.x serialises it."""

    model_config = ConfigDict(extra="forbid")

    type: str = Field(min_length=1)
    kwargs: dict[str, Any] = Field(default_factory=dict)
    meta: dict[str, Any] = Field(default_factory=dict)
    id: str | None = None
    severity: str | None = None
    description: str | None = None
    notes: Any = None
    rendered_content: Any = None


class SuiteRecord(BaseModel):
    """A GX 1.x expectation suite file."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1)
    expectations: list[ExpectationRecord]
    meta: dict[str, Any] = Field(default_factory=dict)
    id: str | None = None
    notes: Any = None


@dataclass(frozen=True)
class Expectation:
    """An expectation with what trial-audit needs to report it."""

    rule_id: str
    type: str
    kwargs: dict[str, Any]
    meta: dict[str, Any]
    severity: str
    record: ExpectationRecord

    @property
    def columns(self) -> tuple[str, ...]:
        """The dataset columns the expectation reads."""
        if "column_list" in self.kwargs:
            return tuple(self.kwargs["column_list"])
        if "column" in self.kwargs and self.type != "expect_column_to_exist":
            return (self.kwargs["column"],)
        return ()

    @property
    def required_columns(self) -> tuple[str, ...]:
        """The columns it reads and those its row_condition reads: without one it is not applicable."""
        text = self.kwargs.get("row_condition")
        if not isinstance(text, str):
            return self.columns
        from audit.expectations.row_condition import UnsupportedCondition, parse_condition

        try:
            _, condition = parse_condition(text)
        except UnsupportedCondition:
            condition = ()  # reported as a suite-file error when the native engine reads the kwargs
        return tuple(dict.fromkeys([*self.columns, *condition]))


@dataclass(frozen=True)
class Suite:
    """A loaded suite: its file, the dataset it checks and its expectations."""

    name: str
    path: Path
    dataset: str
    record_key: tuple[str, ...] | None
    expectations: tuple[Expectation, ...]
    record: SuiteRecord


def _severity(record: ExpectationRecord, path: Path, rule_id: str) -> str:
    given = record.meta.get("severity")
    if given is None:
        return GX_SEVERITY.get(str(record.severity).lower(), DEFAULT_SEVERITY) if record.severity else DEFAULT_SEVERITY
    if str(given).lower() not in SEVERITIES:
        raise ExpectationFileError(
            f"severity must be one of {', '.join(SEVERITIES)}, got {given!r}",
            file=path,
            rule=rule_id,
            field="meta.severity",
        )
    return str(given).lower()


# Bounds on a count or a length are numbers; a column's values may also be bounded by text (dates).
COUNTED_BOUNDS = ("expect_table_row_count_to_be_between", "expect_column_value_lengths_to_be_between",
                  "expect_table_column_count_to_be_between")


def _check_bounds(record: ExpectationRecord, path: Path, rule_id: str) -> None:
    """min_value and max_value of a count or length are numbers (or null), as GX requires."""
    if record.type not in COUNTED_BOUNDS:
        return
    for name in ("min_value", "max_value"):
        bound = record.kwargs.get(name)
        if bound is not None and (isinstance(bound, bool) or not isinstance(bound, int | float)):
            raise ExpectationFileError(f"expected a number or null, found {bound!r}", file=path, rule=rule_id,
                                       field=f"kwargs.{name}")


def _expectation(record: ExpectationRecord, index: int, suite: str, dataset: str, path: Path) -> Expectation:
    rule_id = str(record.meta.get("rule_id") or f"EXP-{dataset}-{index + 1:03d}")
    _check_bounds(record, path, rule_id)
    return Expectation(
        rule_id=rule_id,
        type=record.type,
        kwargs=dict(record.kwargs),
        meta=dict(record.meta),
        severity=_severity(record, path, rule_id),
        record=record,
    )


def _first_error(exc: ValidationError) -> tuple[str, str]:
    error = exc.errors()[0]
    where = ".".join(str(part) for part in error["loc"])
    return where, error["msg"]


def load_suite(path: str | Path) -> Suite:
    """Read and validate one suite file; ExpectationFileError names the file and field."""
    path = Path(path)
    raw = read_document(path, "expectation suite file", ExpectationFileError)
    try:
        record = SuiteRecord.model_validate(raw)
    except ValidationError as exc:
        where, msg = _first_error(exc)
        raise ExpectationFileError(msg, file=path, field=where) from None
    dataset = str(record.meta.get("dataset") or record.name).upper()
    key = record.meta.get("record_key")
    expectations = tuple(_expectation(e, i, record.name, dataset, path) for i, e in enumerate(record.expectations))
    _reject_duplicate_ids(expectations, path)
    return Suite(record.name, path, dataset, tuple(key) if key else None, expectations, record)


def _reject_duplicate_ids(expectations: tuple[Expectation, ...], path: Path) -> None:
    seen: set[str] = set()
    for expectation in expectations:
        if expectation.rule_id in seen:
            raise ExpectationFileError(
                "rule_id is used twice", file=path, rule=expectation.rule_id, field="meta.rule_id"
            )
        seen.add(expectation.rule_id)


def suite_files(path: str | Path) -> list[Path]:
    """The suite files a path names: the file itself, or every *.json in a folder (sorted)."""
    path = Path(path)
    if path.is_dir():
        return sorted(path.glob("*.json"))
    if not path.exists():
        raise ExpectationFileError("expectation suite path does not exist", file=path)
    return [path]


def load_suites(*paths: str | Path) -> list[Suite]:
    """Load every suite under the given files/folders, sorted by dataset then name."""
    suites = [load_suite(f) for p in paths for f in suite_files(p)]
    return sorted(suites, key=lambda s: (s.dataset, s.name, str(s.path)))
