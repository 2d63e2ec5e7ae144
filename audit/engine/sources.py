"""Turn a rule's dataset name into a Target: read it (or its derivation), filter, join, number the rows."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

import polars as pl

from audit import dates
from audit.derive.registry import DeriveContext, NotApplicable
from audit.engine.kinds.base import ROW, CheckBase, JoinSpec, Target
from audit.engine.kinds.row_expression import expression_columns, parse_sql
from audit.study import SUBJECT_KEY, Study

DERIVED_PREFIX = "derived:"


@dataclass
class Sources:
    """Reads datasets and derived frames of one run."""

    study: Study
    derive: DeriveContext
    anchors: Mapping[str, date | None]

    def frame(self, name: str) -> pl.LazyFrame:
        """A dataset or derived frame; NotApplicable when the snapshot lacks it."""
        if name.startswith(DERIVED_PREFIX):
            return self.derive.derived(name[len(DERIVED_PREFIX):])
        reason = self.study.missing(name)
        if reason:
            raise NotApplicable(reason)
        return self.study.frame(name)

    def notes(self, name: str) -> tuple[str, ...]:
        """What a derivation said about its input (records of other criteria left out, ...); none for a dataset."""
        if not name.startswith(DERIVED_PREFIX):
            return ()
        return self.derive.notes(name[len(DERIVED_PREFIX):])

    def own_date_columns(self, name: str, schema: Mapping[str, pl.DataType]) -> tuple[str, ...]:
        if not name.startswith(DERIVED_PREFIX):
            return self.study.info[name.upper()].date_columns
        return tuple(c for c in schema if dates.is_date_text_column(c) and dates.lo_name(c) in schema)

    def target(self, name: str, params: CheckBase) -> Target:
        """The rows a check sees: numbered, filtered by `where`, with joined columns."""
        frame = self.frame(name)
        schema = frame.collect_schema()
        if ROW not in schema:
            frame = frame.with_row_index(ROW, offset=1)
        frame = _filtered(frame, params.where, name)
        for spec in params.join:
            absent = [c for c in spec.on if c not in frame.collect_schema()]
            if absent:
                raise NotApplicable(f"{name} has no variable {', '.join(absent)} to join {spec.dataset} on")
            # A one-to-one join that is not (a subject twice in DM) must fail loudly, not multiply findings.
            frame = frame.join(self._joined(spec), on=spec.on, how="left", validate="m:1", maintain_order="left")
        schema = frame.collect_schema()
        own = self.own_date_columns(name, schema)
        return Target(name, frame, dict(schema), own, self.anchors, self.frame)

    def _joined(self, spec: JoinSpec) -> pl.LazyFrame:
        other = _filtered(self.frame(spec.dataset), spec.where, spec.dataset)
        schema = other.collect_schema()
        absent = [c for c in [*spec.on, *spec.columns] if c not in schema]
        if absent:
            raise NotApplicable(f"{spec.dataset} has no variable {', '.join(absent)}")
        bounds = [b for c in spec.columns for b in (dates.lo_name(c), dates.hi_name(c)) if b in schema]
        taken = other.select(*spec.on, *spec.columns, *bounds)
        if spec.aggregate != "one":
            taken = _one_per_key(taken, spec, schema)
        return taken.rename({c: spec.prefixed(c) for c in [*spec.columns, *bounds]})


def _filtered(frame: pl.LazyFrame, where: str | None, name: str) -> pl.LazyFrame:
    if not where:
        return frame
    expr = parse_sql(where)
    schema = frame.collect_schema()
    absent = [c for c in expression_columns(expr) if c not in schema]
    if absent:
        raise NotApplicable(f"{name} has no variable {', '.join(absent)}")
    return frame.filter(expr.fill_null(False))


def _one_per_key(frame: pl.LazyFrame, spec: JoinSpec, schema: Mapping[str, pl.DataType]) -> pl.LazyFrame:
    """The subject's earliest or latest record by the first joined column's date."""
    first = spec.columns[0]
    bound = dates.hi_name(first) if spec.aggregate == "latest" else dates.lo_name(first)
    by = bound if bound in schema else first
    ordered = frame.drop_nulls(by).sort([*spec.on, by], descending=spec.aggregate == "latest")
    return ordered.group_by(spec.on, maintain_order=True).first()


def key_column(schema: Mapping[str, pl.DataType], dataset: str) -> str:
    """The record key of findings: the dataset's --SEQ, another *SEQ of a derived frame, else the row number."""
    own = f"{dataset.upper()}SEQ"
    if own in schema:
        return own
    seq = [c for c in schema if c.endswith("SEQ") and c != "SEQ"]
    return seq[0] if seq else ROW


def subject_column(schema: Mapping[str, pl.DataType]) -> pl.Expr:
    return pl.col(SUBJECT_KEY).cast(pl.String) if SUBJECT_KEY in schema else pl.lit(None, dtype=pl.String)
