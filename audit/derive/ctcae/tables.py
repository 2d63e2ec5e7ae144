"""The CTCAE v5.0 grading tables shipped as data: lab criteria, term grade ranges, synonyms, units.

Adding a term or a unit is an edit to a CSV file under audit/data/, never to
code. Each table is checked on load so that a malformed edit fails loudly,
naming the file and the column.
"""

from __future__ import annotations

import io
from functools import cache
from importlib import resources

import polars as pl

from audit.errors import AuditInputError

LAB_CRITERIA_FILE = "ctcae_v5_lab.csv"
TERMS_FILE = "ctcae_v5_terms.csv"
SYNONYMS_FILE = "ctcae_synonyms.csv"
UNITS_FILE = "lab_units.csv"

BASES = ("ABS", "LLN", "ULN", "BASELINE")
DIRECTIONS = ("low", "high")
BASELINE_STATES = ("any", "normal", "abnormal")

_LAB_SCHEMA = {
    "term": pl.String,
    "LBTESTCD": pl.String,
    "grade": pl.Int8,
    "direction": pl.String,
    "baseline": pl.String,
    "lower": pl.Float64,
    "lower_basis": pl.String,
    "lower_inclusive": pl.Boolean,
    "upper": pl.Float64,
    "upper_basis": pl.String,
    "upper_inclusive": pl.Boolean,
    "unit": pl.String,
    "ctcae_text": pl.String,
}
_TERMS_SCHEMA = {
    "term": pl.String,
    "min_grade": pl.Int8,
    "max_grade": pl.Int8,
    "lab_gradable": pl.Boolean,
}
_SYNONYMS_SCHEMA = {"synonym": pl.String, "term": pl.String}
_UNITS_SCHEMA = {
    "LBTESTCD": pl.String,
    "unit": pl.String,
    "factor": pl.Float64,
    "standard_unit": pl.String,
    "note": pl.String,
}


def _read(name: str, schema: dict[str, pl.DataType]) -> pl.DataFrame:
    text = resources.files("audit").joinpath("data", name).read_text(encoding="utf-8")
    try:
        return pl.read_csv(io.StringIO(text), schema=schema)
    except Exception as exc:
        raise AuditInputError(f"unreadable table: {str(exc).splitlines()[0]}", file=name) from exc


def _require(ok: bool, name: str, column: str, message: str) -> None:
    if not ok:
        raise AuditInputError(message, file=name, field=column)


def term_key(term: pl.Expr) -> pl.Expr:
    """The case- and space-insensitive key under which a term or synonym is looked up."""
    return term.cast(pl.String).str.strip_chars().str.replace_all(r"\s+", " ").str.to_lowercase()


@cache
def lab_criteria() -> pl.DataFrame:
    """One row per term x grade x baseline state: the CTCAE v5 lab bounds."""
    table = _read(LAB_CRITERIA_FILE, _LAB_SCHEMA)
    name = LAB_CRITERIA_FILE
    _require(table["direction"].is_in(DIRECTIONS).all(), name, "direction", "must be low or high")
    _require(table["baseline"].is_in(BASELINE_STATES).all(), name, "baseline", "bad state")
    for side in ("lower", "upper"):
        given = table.filter(pl.col(side).is_not_null())
        _require(given[f"{side}_basis"].is_in(BASES).all(), name, f"{side}_basis", "bad basis")
        _require(given[f"{side}_inclusive"].is_not_null().all(), name, f"{side}_inclusive", "empty")
    _require(table["grade"].is_between(1, 4).all(), name, "grade", "lab grades run 1-4")
    unknown = set(table["term"]) - set(term_table()["term"])
    _require(not unknown, name, "term", f"terms not in {TERMS_FILE}: {sorted(unknown)}")
    return table


@cache
def term_table() -> pl.DataFrame:
    """One row per CTCAE term: the grades it allows and whether labs can grade it."""
    table = _read(TERMS_FILE, _TERMS_SCHEMA)
    ok = (table["min_grade"] >= 1) & (table["min_grade"] <= table["max_grade"])
    _require(bool(ok.all()), TERMS_FILE, "min_grade", "needs 1 <= min_grade <= max_grade <= 5")
    _require(bool((table["max_grade"] <= 5).all()), TERMS_FILE, "max_grade", "grades stop at 5")
    _require(table["term"].is_unique().all(), TERMS_FILE, "term", "a term is listed twice")
    return table.with_columns(term_key(pl.col("term")).alias("term_key"))


@cache
def synonyms() -> pl.DataFrame:
    """Publication and MedDRA wordings mapped to the CTCAE term they mean."""
    table = _read(SYNONYMS_FILE, _SYNONYMS_SCHEMA)
    unknown = set(table["term"]) - set(term_table()["term"])
    _require(not unknown, SYNONYMS_FILE, "term", f"terms not in {TERMS_FILE}: {sorted(unknown)}")
    return table.with_columns(term_key(pl.col("synonym")).alias("term_key"))


@cache
def lab_units() -> pl.DataFrame:
    """Reported unit -> factor to the unit of the grading table, per test."""
    table = _read(UNITS_FILE, _UNITS_SCHEMA)
    _require(bool((table["factor"] > 0).all()), UNITS_FILE, "factor", "must be positive")
    keyed = table.with_columns(unit_key(pl.col("unit")).alias("unit_key"))
    _require(
        not keyed.select("LBTESTCD", "unit_key").is_duplicated().any(),
        UNITS_FILE,
        "unit",
        "a unit is listed twice for one test",
    )
    return keyed


def unit_key(unit: pl.Expr) -> pl.Expr:
    """Units compare case-insensitively, without spaces, with the micro sign spelt u."""
    return (
        unit.cast(pl.String)
        .str.replace_all(r"\s+", "")
        .str.replace_all("[µμ]", "u")
        .str.to_lowercase()
    )


@cache
def term_lookup() -> pl.DataFrame:
    """term_key -> CTCAE term, for both the terms themselves and their synonyms."""
    own = term_table().select("term_key", "term")
    both = pl.concat([own, synonyms().select("term_key", "term")])
    return both.unique("term_key", keep="first", maintain_order=True)


def lab_terms() -> pl.DataFrame:
    """CTCAE term -> LBTESTCD and the highest grade a lab value alone can give."""
    return (
        lab_criteria()
        .group_by("term", "LBTESTCD", "direction")
        .agg(pl.col("grade").max().alias("max_lab_grade"))
        .sort("term")
    )


def canonical_term(text: pl.Expr) -> pl.Expr:
    """The CTCAE term a verbatim/decoded term means, or null when the table does not know it."""
    lookup = term_lookup()
    return term_key(text).replace_strict(
        lookup["term_key"], lookup["term"], default=None, return_dtype=pl.String
    )
