"""The RECIST 1.1 tables shipped as data: overall response (Tables 1 and 2), result wordings, measurements, criteria.

Table rows use "*" for "any"; the first row that matches wins, so PD rows
come first as in the guideline. On load the table is expanded to every
combination of its domains and checked to cover each one exactly once.
"""

from __future__ import annotations

import io
from functools import cache
from importlib import resources

import polars as pl

from audit.errors import AuditInputError

OVERALL_FILE = "recist_overall_response.csv"
TERMS_FILE = "recist_terms.csv"
MEASUREMENTS_FILE = "recist_measurements.csv"
CRITERIA_FILE = "recist_criteria.csv"
RECIST_1_1 = "RECIST 1.1"
LESION_KINDS = ("any", "nodal", "non-nodal")

# NONE: the subject had no lesion of that kind at baseline (Table 2 has no targets).
TARGET_RESULTS = ("CR", "PR", "SD", "PD", "NE", "NONE")
NON_TARGET_RESULTS = ("CR", "NON-CR/NON-PD", "NE", "PD", "NONE")
NEW_LESION_RESULTS = ("Y", "N")
OVERALL_RESULTS = ("CR", "PR", "SD", "NON-CR/NON-PD", "PD", "NE")
TERM_KINDS = ("response", "flag", "state", "size", "new_lesion")


def _read(name: str) -> pl.DataFrame:
    text = resources.files("audit").joinpath("data", name).read_text(encoding="utf-8")
    try:
        return pl.read_csv(io.StringIO(text), infer_schema=False)
    except Exception as exc:
        raise AuditInputError(f"unreadable table: {str(exc).splitlines()[0]}", file=name) from exc


def _require(ok: bool, column: str, message: str, name: str = OVERALL_FILE) -> None:
    if not ok:
        raise AuditInputError(message, file=name, field=column)


def _domain(values: tuple[str, ...], name: str) -> pl.DataFrame:
    return pl.DataFrame({name: list(values)})


@cache
def overall_response_rows() -> pl.DataFrame:
    """The table rows as written (with "*"), in priority order."""
    rows = _read(OVERALL_FILE).with_row_index("PRIORITY")
    for column, domain in (
        ("target", TARGET_RESULTS),
        ("non_target", NON_TARGET_RESULTS),
        ("new_lesion", NEW_LESION_RESULTS),
    ):
        _require(rows[column].is_in([*domain, "*"]).all(), column, f"values must be * or one of {domain}")
    _require(rows["overall"].is_in(OVERALL_RESULTS).all(), "overall", f"must be one of {OVERALL_RESULTS}")
    return rows


@cache
def overall_response_table() -> pl.DataFrame:
    """Every (TRGRESP, NTRGRESP, NEWLIND) combination with its OVRLRESP and the table row deciding it."""
    combos = (
        _domain(TARGET_RESULTS, "TRGRESP")
        .join(_domain(NON_TARGET_RESULTS, "NTRGRESP"), how="cross")
        .join(_domain(NEW_LESION_RESULTS, "NEWLIND"), how="cross")
    )
    rows = overall_response_rows()
    matched = combos.join(rows, how="cross").filter(
        ((pl.col("target") == "*") | (pl.col("target") == pl.col("TRGRESP")))
        & ((pl.col("non_target") == "*") | (pl.col("non_target") == pl.col("NTRGRESP")))
        & ((pl.col("new_lesion") == "*") | (pl.col("new_lesion") == pl.col("NEWLIND")))
    )
    decided = matched.sort("PRIORITY").group_by("TRGRESP", "NTRGRESP", "NEWLIND", maintain_order=True).first()
    _require(decided.height == combos.height, "target", "the table leaves some combinations undecided")
    return decided.select(
        "TRGRESP", "NTRGRESP", "NEWLIND", pl.col("overall").alias("OVRLRESP"), pl.col("row").alias("TABLEROW")
    )


@cache
def terms() -> pl.DataFrame:
    """Sponsor wordings (kind, cleaned text) mapped to the code the derivation uses."""
    table = _read(TERMS_FILE)
    _require(table["kind"].is_in(TERM_KINDS).all(), "kind", f"must be one of {TERM_KINDS}", TERMS_FILE)
    keyed = table.with_columns(clean_text(pl.col("text")).alias("text"))
    _require(not keyed.select("kind", "text").is_duplicated().any(), "text", "a text is listed twice", TERMS_FILE)
    return keyed


def clean_text(text: pl.Expr) -> pl.Expr:
    """Upper case, trimmed, single-spaced: the key under which wordings are looked up."""
    return text.cast(pl.String).str.strip_chars().str.replace_all(r"\s+", " ").str.to_uppercase()


def coded(text: pl.Expr, kind: str) -> pl.Expr:
    """A sponsor's wording as the derivation's code; a wording the table lacks is null (and reported, RECIST017)."""
    table = terms().filter(pl.col("kind") == kind)
    return clean_text(text).replace_strict(table["text"], table["code"], default=None, return_dtype=pl.String)


def unmapped(text: pl.Expr, kind: str) -> pl.Expr:
    """True where a non-blank wording is not in the terms table under `kind`."""
    table = terms().filter(pl.col("kind") == kind)
    cleaned = clean_text(text)
    return (cleaned != "") & ~cleaned.is_in(table["text"].to_list())


def size_from_text(text: pl.Expr) -> pl.Expr:
    """Millimetres a text result stands for: 'TOO SMALL TO MEASURE' is 5 mm, 'NOT PRESENT' 0 (section 4.2)."""
    table = terms().filter(pl.col("kind") == "size")
    cleaned = clean_text(text)
    return cleaned.replace(table["text"], table["code"]).cast(pl.Float64, strict=False)


@cache
def measurements() -> pl.DataFrame:
    """Which TRTESTCD is a lesion's RECIST size, by lesion kind, lowest precedence first (recist_measurements.csv)."""
    table = _read(MEASUREMENTS_FILE).with_columns(
        clean_text(pl.col("test")).alias("test"), pl.col("precedence").cast(pl.Int32, strict=False)
    )
    name = MEASUREMENTS_FILE
    _require(table["lesion"].is_in(LESION_KINDS).all(), "lesion", f"must be one of {LESION_KINDS}", name)
    _require(table["precedence"].is_not_null().all(), "precedence", "must be a whole number", name)
    _require(not table.select("lesion", "test").is_duplicated().any(), "test", "a test is listed twice", name)
    return table


@cache
def criteria() -> pl.DataFrame:
    """RSCAT wordings and the response criteria they name (recist_criteria.csv)."""
    return _read(CRITERIA_FILE).with_columns(clean_text(pl.col("text")).alias("text"))
