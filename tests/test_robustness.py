"""Property: however a snapshot's columns are damaged, check, verify and inspect end cleanly.

Each example copies the reference study, damages one column of one dataset
(dropped, retyped, nulled, renamed, or filled with odd dates, unicode and
control characters) and runs the three commands in-process. None may raise:
the exit code is 0, 1 or 2, and a 2 is one line on stderr starting 'error:'.
Examples are derandomised so a CI failure reproduces on every machine.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import polars as pl
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import audit.cli  # noqa: F401  (registers every command)
from audit.cli.app import app
from audit.packs import examples_dir

CLAIMS = examples_dir() / "escc-rt-camrelizumab" / "claims.yaml"
DATASETS = ("DM", "DS", "EX", "AE", "LB", "TU", "TR", "RS", "TS", "ADSL", "ADRS", "ADTTE", "ADAE")
ODD_VALUES = ("0000-01-01", "9999-12-31", "2019-02-30", "--", "", " ", "NA", "1e308", "-1",
              "ÜSUBJ-é", "\u202e001", "a\x00b", "\t\n", "2019-13", "T10:00")
RETYPES = ("string", "int", "float", "categorical", "date", "boolean", "struct")

runner = CliRunner()


def _retyped(column: pl.Expr, to: str) -> pl.Expr:
    """The column as another type, where Polars can make it one (nulls where it cannot)."""
    text = column.cast(pl.String)
    return {
        "string": text,
        "int": text.cast(pl.Int64, strict=False),
        "float": text.cast(pl.Float64, strict=False),
        "categorical": text.cast(pl.Categorical),
        "date": text.str.slice(0, 10).str.to_date("%Y-%m-%d", strict=False),
        "boolean": text.is_null(),
        "struct": pl.struct(column.alias("value")),
    }[to]


@st.composite
def damages(draw) -> tuple[str, str, int, str]:
    """Which dataset, which operation, which column (an index into its columns) and the operation's argument."""
    dataset = draw(st.sampled_from(DATASETS))
    operation = draw(st.sampled_from(("drop", "retype", "null", "rename", "odd_value", "odd_key")))
    column = draw(st.integers(0, 40))
    argument = draw(st.sampled_from(RETYPES if operation == "retype" else ODD_VALUES))
    return dataset, operation, column, argument


def _damaged(frame: pl.DataFrame, operation: str, index: int, argument: str) -> pl.DataFrame:
    name = frame.columns[index % frame.width]
    if operation == "drop":
        return frame.drop(name)
    if operation == "retype":
        return frame.with_columns(_retyped(pl.col(name), argument).alias(name))
    if operation == "null":
        return frame.with_columns(pl.lit(None, pl.String).alias(name))
    if operation == "rename":
        return frame.rename({name: f"{name}{argument}" if argument.strip() else f"{name}_X"})
    # Odd values in every other record, so a column keeps some valid values beside them.
    odd = pl.when(pl.int_range(pl.len()) % 2 == 0).then(pl.lit(argument)).otherwise(pl.col(name).cast(pl.String))
    key = "USUBJID" if operation == "odd_key" and "USUBJID" in frame.columns else name
    return frame.with_columns(odd.alias(key) if key == name else odd.alias(key).cast(pl.String))


def _run_cleanly(*args: object) -> None:
    result = runner.invoke(app, [str(a) for a in args])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"{args[0]} raised {type(result.exception).__name__}: {result.exception}")
    assert result.exit_code in (0, 1, 2), (args[0], result.exit_code)
    if result.exit_code == 2:
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: "), (args[0], result.stderr)


@settings(max_examples=10, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(damage=damages())
@example(damage=("DM", "odd_value", 0, "0000-01-01")).via("year 0000")
@example(damage=("TS", "null", 5, "")).via("all-missing TSVAL")
@example(damage=("ADTTE", "odd_key", 0, "a\x00b")).via("control character in USUBJID")
def test_a_damaged_snapshot_never_crashes_a_command(reference, damage):
    dataset, operation, index, argument = damage
    with tempfile.TemporaryDirectory() as folder:
        snapshot = Path(folder) / "snapshot"
        shutil.copytree(reference.clean, snapshot)
        path = snapshot / f"{dataset.lower()}.parquet"
        _damaged(pl.read_parquet(path), operation, index, argument).write_parquet(path)
        _run_cleanly("inspect", snapshot)
        _run_cleanly("check", snapshot)
        _run_cleanly("verify", snapshot, "--claims", CLAIMS)
