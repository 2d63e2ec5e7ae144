"""GX row conditions (pandas query text) read into Polars expressions, never eval'd.

A suite may limit an expectation to some rows with `row_condition` and
`condition_parser: "pandas"`, as GX runs it through DataFrame.query. The
native engine parses the same text with Python's ast module and accepts only
a small grammar: column names, `.str.upper()` / `.str.lower()` /
`.str.strip()`, `.isin([...])`, `.isnull()` / `.notnull()` (`isna` /
`notna`), comparisons with `==` and `!=` against literals, and `and` / `or` /
`not` (`&` / `|` / `~`). Missing values behave as in pandas: a comparison
with a missing value is False for `==`, True for `!=`, and `isin` is False.
"""

from __future__ import annotations

import ast
from collections.abc import Callable

import polars as pl


class UnsupportedCondition(ValueError):
    """The row condition uses something outside the grammar the native engine reads."""


_TEXT_METHODS: dict[str, Callable[[pl.Expr], pl.Expr]] = {
    "upper": lambda e: e.str.to_uppercase(),
    "lower": lambda e: e.str.to_lowercase(),
    "strip": lambda e: e.str.strip_chars(),
}
_MISSING_TESTS = {"isnull": True, "isna": True, "notnull": False, "notna": False}


def parse_condition(text: str) -> tuple[pl.Expr, tuple[str, ...]]:
    """The rows a pandas row condition keeps, and the columns it reads."""
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as exc:
        raise UnsupportedCondition(f"row_condition is not a pandas query: {exc.msg}") from None
    columns: list[str] = []
    return _boolean(tree.body, columns).fill_null(False), tuple(dict.fromkeys(columns))


def _boolean(node: ast.AST, columns: list[str]) -> pl.Expr:
    if isinstance(node, ast.BoolOp):
        parts = [_boolean(v, columns) for v in node.values]
        return pl.all_horizontal(parts) if isinstance(node.op, ast.And) else pl.any_horizontal(parts)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitAnd | ast.BitOr):
        left, right = _boolean(node.left, columns), _boolean(node.right, columns)
        return left & right if isinstance(node.op, ast.BitAnd) else left | right
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not | ast.Invert):
        return ~_boolean(node.operand, columns)
    if isinstance(node, ast.Compare):
        return _compare(node, columns)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        return _predicate(node, columns)
    raise UnsupportedCondition(f"row_condition: {ast.unparse(node)!r} is not a condition the native engine reads")


def _compare(node: ast.Compare, columns: list[str]) -> pl.Expr:
    if len(node.ops) != 1 or not isinstance(node.ops[0], ast.Eq | ast.NotEq):
        raise UnsupportedCondition(f"row_condition: only == and != compare, got {ast.unparse(node)!r}")
    value, literal = _value(node.left, columns), _literal(node.comparators[0])
    if isinstance(node.ops[0], ast.Eq):
        return (value == literal).fill_null(False)
    return (value != literal).fill_null(True)


def _predicate(node: ast.Call, columns: list[str]) -> pl.Expr:
    assert isinstance(node.func, ast.Attribute)
    name, subject = node.func.attr, _value(node.func.value, columns)
    if name == "isin" and len(node.args) == 1 and isinstance(node.args[0], ast.List | ast.Tuple):
        members = [_literal(e) for e in node.args[0].elts]
        return subject.is_in(members).fill_null(False)
    if name in _MISSING_TESTS and not node.args:
        return subject.is_null() if _MISSING_TESTS[name] else subject.is_not_null()
    raise UnsupportedCondition(f"row_condition: {ast.unparse(node)!r} is not a test the native engine reads")


def _value(node: ast.AST, columns: list[str]) -> pl.Expr:
    if isinstance(node, ast.Name):
        columns.append(node.id)
        return pl.col(node.id)
    is_text_method = (
        isinstance(node, ast.Call)
        and not node.args
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in _TEXT_METHODS
        and isinstance(node.func.value, ast.Attribute)
        and node.func.value.attr == "str"
    )
    if is_text_method:
        assert isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
        assert isinstance(node.func.value, ast.Attribute)
        text = _value(node.func.value.value, columns).cast(pl.String)
        return _TEXT_METHODS[node.func.attr](text)
    raise UnsupportedCondition(f"row_condition: {ast.unparse(node)!r} is not a column the native engine reads")


def _literal(node: ast.AST) -> str | int | float:
    if isinstance(node, ast.Constant) and isinstance(node.value, str | int | float) and not isinstance(
        node.value, bool
    ):
        return node.value
    raise UnsupportedCondition(f"row_condition: {ast.unparse(node)!r} is not a text or number literal")
