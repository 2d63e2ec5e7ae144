"""`check` on public CDISC studies as delivered: it runs with no option, and every query-level finding is real.

Each folder's findings at minor or above are pinned record by record against
tests/fixtures/real-data-expected/<folder>.csv; why.yaml says, per rule, why a
monitor would raise those records as a query. A finding that appears or
disappears fails here, so a new convention the tool misreads cannot slip in.
"""

from __future__ import annotations

import re
from functools import cache

import pytest
import yaml
from real_data_support import EXPECTED, FOLDERS, REAL_DATA, query_rows, read_expected, run_real_check
from typer.testing import CliRunner

import audit.cli  # noqa: F401  (registers the commands)
from audit.cli.app import app
from audit.findings import ERROR as EXECUTION_ERROR
from audit.findings import NOT_APPLICABLE

# Reasons that name a type or an unknown convention, never a real absence.
CONVENTION_REASON = re.compile(r"not a date variable|dtype|\btype\b|cast|polars|unsupported", re.IGNORECASE)


@cache
def outcome(folder: str):
    return run_real_check(folder)


@cache
def reasons() -> dict:
    return yaml.safe_load((EXPECTED / "why.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("folder", FOLDERS)
def test_check_runs_with_no_option_and_exits_0_or_1(folder: str) -> None:
    result = CliRunner().invoke(app, ["check", str(REAL_DATA / folder), "--format", "json"])
    assert result.exit_code in (0, 1), result.output[-2000:]


@pytest.mark.parametrize("folder", FOLDERS)
def test_no_rule_fails_to_execute(folder: str) -> None:
    errors = [(r.rule_id, r.reason) for r in outcome(folder).result.results if r.status == EXECUTION_ERROR]
    assert errors == []


@pytest.mark.parametrize("folder", FOLDERS)
def test_not_applicable_only_for_absent_data(folder: str) -> None:
    by_convention = [
        (r.rule_id, r.reason)
        for r in outcome(folder).result.results
        if r.status == NOT_APPLICABLE and CONVENTION_REASON.search(r.reason or "")
    ]
    assert by_convention == []


@pytest.mark.parametrize("folder", FOLDERS)
def test_query_level_findings_are_the_expected_real_problems(folder: str) -> None:
    found = set(query_rows(outcome(folder)))
    expected = set(read_expected(folder))
    unexpected = sorted(found - expected)[:15]
    missed = sorted(expected - found)[:15]
    assert (unexpected, missed) == ([], []), f"{len(found - expected)} unexpected, {len(expected - found)} missed"


@pytest.mark.parametrize("folder", FOLDERS)
def test_every_expected_finding_class_says_why_a_monitor_queries_it(folder: str) -> None:
    rules = {row[0] for row in read_expected(folder)}
    why = reasons().get(folder) or {}
    assert sorted(r for r in rules if not str(why.get(r, "")).strip()) == []
    assert sorted(set(why) - rules) == [], "why.yaml explains rules that no longer flag anything"
